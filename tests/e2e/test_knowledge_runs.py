"""Lessons imported with ``poslink knowledge import``, read by the next run with ``--decisions``:
applied where they name a catalog brand, and named in a warning where they do not."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from helpers import EXAMPLES, poslink

CATALOG = EXAMPLES / "jane" / "catalog.db"
# Invented listings of the example catalog's Emerald Coast Extracts: its initials, and a
# nickname for its `lunar lemonade vaporizer cartridge`.
FEED = [
    {"category": "Vaporizers", "productId": "k1", "quantityAvailable": 3,
     "productName": "Lunar Lemonade Vaporizer Cartridge - ECX"},
    {"category": "Vaporizers", "productId": "k2", "quantityAvailable": 3,
     "productName": "LLem Vaporizer Cartridge - Emerald Coast Extracts"},
]  # fmt: skip
GOOD = "brand,ECX,Emerald Coast Extracts,,global,\n"
# The brand mistyped ("Extract"): the catalog has no such brand, so no run can apply these.
MISTYPED = (
    "brand,ECX,Emerald Coast Extract,,global,\n"
    "nickname,LLem,Lunar Lemonade,Emerald Coast Extract,global,\n"
)


def ids_after(tmp_path: Path, lessons: str) -> tuple[list[str], str]:
    """The ids a run gives the feed after importing ``lessons``; the run's stderr."""
    pos, decisions, out = tmp_path / "pos.json", tmp_path / "d.db", tmp_path / "out.csv"
    pos.write_text(json.dumps(FEED), encoding="utf-8")
    file = tmp_path / "lessons.csv"
    file.write_text("kind,text,target,brand,scope,scope_value\n" + lessons, encoding="utf-8")
    imported = poslink("knowledge", "import", file, "--decisions", decisions)
    assert imported.returncode == 0, imported.stderr
    done = poslink("run", "--pos", pos, "--catalog", CATALOG, "--out", out, "--decisions",
                   decisions, "--store-id", "north")  # fmt: skip
    assert done.returncode == 0, done.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        return [row["jane_product_id"] for row in csv.DictReader(handle)], done.stderr


def test_a_taught_alias_is_read_by_the_next_run(tmp_path: Path) -> None:
    ids, said = ids_after(tmp_path, GOOD)
    assert ids == ["5001", ""]
    assert "warning" not in said


def test_a_lesson_naming_a_brand_the_catalog_lacks_is_named_in_a_warning(tmp_path: Path) -> None:
    # Imported without a word, then ignored by every run without a word.
    ids, said = ids_after(tmp_path, MISTYPED)
    assert ids == ["", ""]
    assert said.splitlines() == [
        "poslink: warning: lesson brand 'ecx' -> 'Emerald Coast Extract' ignored: the catalog"
        " has no brand 'Emerald Coast Extract' (fix it: poslink knowledge list, remove, import)",
        "poslink: warning: lesson nickname 'llem' -> 'lunar lemonade' ignored: the catalog has"
        " no brand 'emerald coast extract' (fix it: poslink knowledge list, remove, import)",
    ]


def test_sync_warns_once_for_the_network(tmp_path: Path) -> None:
    decisions = tmp_path / "d.db"
    file = tmp_path / "lessons.csv"
    file.write_text("kind,text,target,brand,scope,scope_value\n" + MISTYPED, encoding="utf-8")
    assert poslink("knowledge", "import", file, "--decisions", decisions).returncode == 0
    done = poslink("sync", "--manifest", EXAMPLES / "jane" / "stores.toml", "--catalog", CATALOG,
                   "--out", tmp_path / "network", "--decisions", decisions)  # fmt: skip
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if "ignored: the catalog" in line]
    assert len(warned) == 2, done.stderr  # one per lesson, not one per store
