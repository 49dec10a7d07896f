"""A third-party source package: installed with pip, found through its entry point, run end to
end and put through the conformance suite, with no change to poslink. Gone afterwards."""

from __future__ import annotations

import csv
import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from helpers import TESTS, Runner, make_catalog, poslink
from poslink import plugins
from poslink.sources.base import Source
from poslink.testing import Bad, Item, SourceConformance

PACKAGE = TESTS / "plugins" / "poslink-jsonl"


def _pip(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def jsonl_plugin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The plugin package installed for the module's tests, into a folder of its own put on
    the path of this process and of the commands it starts; a zip of it for Spark's workers.

    Not into the suite's environment: ``make test`` runs the module's tests on more than one
    worker at once (the Spark runs on the Spark worker), and one worker's uninstall would take
    the package from under another's run.
    """
    build = tmp_path_factory.mktemp("plugin-build")
    # A copy: the build must not leave files in the repository.
    shutil.copytree(PACKAGE, build / PACKAGE.name)
    site = tmp_path_factory.mktemp("plugin-site")
    _pip(
        "install",
        "--no-build-isolation",
        "--no-deps",
        "--target",
        str(site),
        str(build / PACKAGE.name),
    )
    shipped = Path(shutil.make_archive(str(build / "poslink_jsonl"), "zip", site, "poslink_jsonl"))
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(site))
        paths = [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
        patch.setenv("PYTHONPATH", os.pathsep.join(paths))
        importlib.invalidate_caches()
        plugins.available.cache_clear()
        try:
            yield shipped
        finally:
            sys.modules.pop("poslink_jsonl", None)
    importlib.invalidate_caches()
    plugins.available.cache_clear()


pytestmark = pytest.mark.usefixtures("jsonl_plugin")


def test_registered_by_its_own_distribution() -> None:
    entry = plugins.available("sources")["shop-jsonl"]
    assert entry.dist is not None and entry.dist.name == "poslink-jsonl"
    cls = plugins.load("sources", "shop-jsonl")
    assert issubclass(cls, Source) and cls.__module__ == "poslink_jsonl"
    assert plugins.load("sources", "poslink_jsonl:JsonlSource") is cls


def test_listed_by_poslink_sources() -> None:
    result = poslink("sources")
    assert result.returncode == 0, result.stderr
    assert "shop-jsonl  JSON Lines export" in result.stdout
    assert "id_key: str = 'sku'" in result.stdout
    for builtin in ("csv  ", "jane-json  ", "menu  "):
        assert builtin in result.stdout


def test_runs_end_to_end_with_its_own_category_table(
    run_poslink: Runner,
    engine: str,
    jsonl_plugin: Path,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    if engine == "spark":
        # The suite's Spark workers may have started before the package was installed: they
        # get it as a cluster's would be given a package (``--py-files``).
        request.getfixturevalue("spark").sparkContext.addPyFile(str(jsonl_plugin))
    catalog = make_catalog(
        tmp_path / "c.db",
        [
            (1, "", "Gold Leaf", "", "gelato", "extract", "Waxes"),
            (2, "", "Gold Leaf", "", "gelato", "flower", ""),
        ],
    )
    lines = [
        {"sku": "GL-1", "title": "Gelato", "vendor": "Gold Leaf", "type": "dab", "qty": 4},
        {"sku": "GL-2", "title": "Gelato", "vendor": "Gold Leaf", "type": "smalls", "qty": 1},
        "not json {",
        {"sku": "GL-3", "title": "Gelato", "vendor": "Gold Leaf", "qty": 2},
    ]
    pos = tmp_path / "inventory.jsonl"
    pos.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = run_poslink("--source", "shop-jsonl", "--pos", pos, "--catalog", catalog, "--out", out)
    assert result.returncode == 0, result.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["sku", "title", "vendor", "type", "qty", *MATCH]
    # "dab" and "smalls" are this POS's own types, known only from the plugin's table.
    assert [(r["sku"], r["jane_product_id"], r["match_status"]) for r in rows] == [
        ("GL-1", "1", "matched"),
        ("GL-2", "2", "matched"),
        ("", "", "rejected"),
        ("GL-3", "", "ambiguous"),
    ]
    rejects = (tmp_path / "out.rejects.csv").read_text(encoding="utf-8")
    assert "inventory.jsonl line 3: invalid JSON" in rejects


MATCH = ["jane_product_id", "match_score", "match_status", "match_source"]


class TestJsonlConformance(SourceConformance):
    suffix = ".jsonl"

    @property
    def source(self) -> type[Source]:  # type: ignore[override]
        cls = plugins.load("sources", "shop-jsonl")
        assert issubclass(cls, Source)
        return cls

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        lines = [
            "{broken"
            if isinstance(item, Bad)
            else json.dumps(
                {"sku": item.pos_id, "title": item.name, "vendor": item.brand, "qty": item.quantity}
            )
            for item in items
        ]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return {}
