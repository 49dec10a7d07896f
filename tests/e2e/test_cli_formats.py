"""End to end through the installed command: the csv and menu sources, run configurations,
the example of each format, and bad input that must end in one clear line."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from helpers import EXAMPLES, Runner, make_catalog, poslink

MATCH = ["jane_product_id", "match_score", "match_status", "match_source"]
JANE = EXAMPLES / "jane"


def table(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def f1(labels: Path, out: Path) -> tuple[float, float]:
    result = poslink("eval", "--labels", labels, "--out", out)
    assert result.returncode == 0, result.stderr
    found = re.search(r"precision ([\d.]+)\s+recall ([\d.]+)", result.stdout)
    assert found, result.stdout
    return float(found.group(1)), float(found.group(2))


@pytest.mark.parametrize(
    ("args", "labels", "summary"),
    [
        (
            ["--pos", JANE / "pos.json", "--catalog", JANE / "catalog.db"],
            "labels.csv",
            "29 records: 20 matched, 7 no match, 1 ambiguous, 1 rejected",
        ),
        (
            ["--config", JANE / "csv.toml"],
            "labels-csv.csv",
            "16 records: 12 matched, 2 no match, 0 ambiguous, 2 rejected",
        ),
        (
            ["--config", JANE / "menu.toml"],
            "labels-menu.csv",
            "13 records: 11 matched, 1 no match, 0 ambiguous, 1 rejected",
        ),
    ],
)
def test_each_example_format_runs_as_the_readme_shows(
    run_poslink: Runner, tmp_path: Path, args: list[object], labels: str, summary: str
) -> None:
    out = tmp_path / "out.csv"
    result = run_poslink(*map(str, args), "--out", out)
    assert result.returncode == 0, result.stderr
    assert summary in result.stdout
    assert f1(JANE / labels, out) == (1.0, 1.0)


def test_csv_output_reads_as_its_input_plus_the_match_columns(
    run_poslink: Runner, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    assert run_poslink("--config", JANE / "csv.toml", "--out", out).returncode == 0
    source, got = table(JANE / "pos.csv", ";"), table(out)
    assert got[0] == [*source[0], *MATCH]
    assert len(got) == len(source)
    for written, row in zip(source[1:], got[1:], strict=True):
        padded = written + [""] * (len(source[0]) - len(written))
        assert row[: len(source[0])] == padded
        assert row[-2] in {"matched", "no_match", "ambiguous", "rejected"}
        assert row[-1] == ("" if row[-2] == "rejected" else "matcher")


def test_an_earlier_output_matched_again_has_each_match_column_once(
    run_poslink: Runner, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    assert run_poslink("--pos", JANE / "pos.json", "--catalog", JANE / "catalog.db",
                       "--out", first).returncode == 0  # fmt: skip
    again = tmp_path / "again.csv"
    done = run_poslink("--pos", first, "--source", "csv", "-o", "columns.id=productId",
                       "-o", "columns.name=productName", "-o", "columns.category=category",
                       "--catalog", JANE / "catalog.db", "--out", again)  # fmt: skip
    assert done.returncode == 0, done.stderr
    before, after = table(first), table(again)
    # The earlier decisions are replaced, not written beside the new ones.
    assert after[0] == before[0] and after[0].count("jane_product_id") == 1
    assert [r[-4] for r in after[1:]] == [r[-4] for r in before[1:]]


def test_menu_output_has_a_row_per_variant_with_dotted_fields(
    run_poslink: Runner, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    assert run_poslink("--config", JANE / "menu.toml", "--out", out).returncode == 0
    rows = table(out)
    menu = json.loads((JANE / "menu.json").read_text(encoding="utf-8"))
    variants = [(p, v) for p in menu["products"] for v in p["variants"]]
    assert len(rows) == 1 + len(variants)
    header = rows[0]
    assert header[-4:] == MATCH
    assert {"product.id", "product.brand.name", "product.strainType", "variant.sku"} <= set(header)
    for (product, variant), row in zip(variants, rows[1:], strict=True):
        cells = dict(zip(header, row, strict=True))
        assert cells["product.id"] == product["id"]
        assert cells["product.brand.name"] == product["brand"]["name"]
        assert cells["variant.sku"] == variant.get("sku", "")
    # every variant of a product carries the product's match
    by_product: dict[str, set[str]] = {}
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        if cells["match_status"] != "rejected":
            by_product.setdefault(cells["product.id"], set()).add(cells["jane_product_id"])
    assert all(len(ids) == 1 for ids in by_product.values())


def test_source_chosen_by_options_on_the_command_line(run_poslink: Runner, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run_poslink(
        "--source",
        "poslink.sources.delimited:CsvSource",
        "--pos",
        JANE / "pos.csv",
        "--catalog",
        JANE / "catalog.db",
        "--out",
        out,
        "-o",
        "columns={id = 'SKU', name = 'Product Name', category = 'Category'}",
        "-o",
        "columns.brand=Brand",
        "--option",
        "delimiter=semicolon",
    )
    assert result.returncode == 0, result.stderr
    assert "16 records" in result.stdout
    assert f1(JANE / "labels-csv.csv", out)[0] == 1.0


def test_environment_sets_what_the_file_does_not(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = poslink(
        "run",
        "--config",
        JANE / "csv.toml",
        "--out",
        out,
        env={"POSLINK_ENGINE": "nope", "POSLINK_MATCHER__THRESHOLD": "0.1"},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "poslink: error: environment variable POSLINK_ENGINE: unknown engine 'nope'"
        " (known: local, spark)"
    )


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    return make_catalog(tmp_path / "c.db", [(1, "", "Gold Leaf", "", "gelato", "extract", "")])


def _fails(result: object, *parts: str, code: int = 2) -> None:
    assert getattr(result, "returncode", None) == code
    stderr = getattr(result, "stderr", "")
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    for part in parts:
        assert part in stderr, stderr


def test_unknown_source_lists_the_known_ones(tmp_path: Path, catalog: Path) -> None:
    pos = tmp_path / "p.json"
    pos.write_text("[]")
    result = poslink("run", "--source", "clover", "--pos", pos, "--catalog", catalog, "--out", "o")
    _fails(
        result,
        "option --source: unknown source 'clover' (known: csv, dutchie, dutchie-products, flowhub",
    )


def test_mapped_column_missing_from_the_file(tmp_path: Path, catalog: Path) -> None:
    pos = tmp_path / "p.csv"
    pos.write_text("SKU,Title\n1,Gelato Wax Gold Leaf\n")
    out = tmp_path / "o.csv"
    out.write_text("earlier\n")
    config = tmp_path / "run.toml"
    config.write_text(
        f'pos = "p.csv"\ncatalog = "{catalog}"\nout = "o.csv"\nsource = "csv"\n'
        '[source_options.columns]\nid = "SKU"\nname = "Product Name"\n'
    )
    result = poslink("run", "--config", config)
    _fails(result, str(pos), "column 'Product Name' (columns.name) is not in the header", code=3)
    assert out.read_text() == "earlier\n"


def test_unknown_key_in_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "run.toml"
    config.write_text('pos = "p.json"\n[matcher]\ntreshold = 0.9\n')
    _fails(poslink("run", "--config", config), f"{config}: key 'matcher.treshold'", "not a known")


def test_bad_rows_and_variants_go_to_the_rejects_file(
    run_poslink: Runner, tmp_path: Path, catalog: Path
) -> None:
    pos = tmp_path / "p.csv"
    pos.write_text("SKU\tName\tBrand\n1\tGelato Wax\tGold Leaf\n2\tShort\n3\tGelato\tGold Leaf\n")
    out = tmp_path / "o.csv"
    result = run_poslink(
        "--source", "csv", "--pos", pos, "--catalog", catalog, "--out", out,
        "-o", "columns={id='SKU', name='Name', brand='Brand'}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "1 rejected" in result.stdout
    rejects = table(tmp_path / "o.rejects.csv")
    assert rejects[1][:3] == ["1", "2", "p.csv line 3: 2 fields, the header has 3"]
    menu = tmp_path / "m.json"
    menu.write_text(
        json.dumps(
            {
                "products": [
                    {
                        "id": 7,
                        "name": "Gelato Wax",
                        "brand": {"name": "Gold Leaf"},
                        "variants": [{"sku": "a", "option": "1g"}, {"option": "2g"}],
                    }
                ]
            }
        )
    )
    result = run_poslink("--source", "menu", "--pos", menu, "--catalog", catalog, "--out", out)
    assert result.returncode == 0, result.stderr
    assert [r[-2:] for r in table(out)[1:]] == [["matched", "matcher"], ["rejected", ""]]
    rejects = table(tmp_path / "o.rejects.csv")
    assert rejects[1][:3] == [
        "1",
        "",
        "m.json product 1 (id 7) variant 2: no id (looked for sku, id)",
    ]


def test_sources_lists_each_with_its_options() -> None:
    result = poslink("sources")
    assert result.returncode == 0, result.stderr
    names = re.findall(r"^(\S+)  ", result.stdout, flags=re.MULTILINE)
    assert names == [
        "csv",
        "dutchie",
        "dutchie-products",
        "flowhub",
        "jane-json",
        "jsonl",
        "leafly",
        "menu",
        "metrc",
        "metrc-items",
        "parquet",
        "weedmaps",
    ]
    for line in (
        "columns.id: str (required)  the POS product id (SKU)",
        "delimiter: str = 'auto'",
        "encoding: str = 'utf-8-sig'",
        "variant_id: list[str] = ['sku', 'id']",
        "category_table: str | None = None",
    ):
        assert line in result.stdout
    # csv needs its columns named; parquet's default to the jane export's, each shown as such.
    blocks: dict[str, str] = {}
    for text in result.stdout.splitlines():
        if text and not text.startswith(" "):
            name = text.split()[0]
        blocks[name] = blocks.get(name, "") + text + "\n"
    assert "columns.id: str (required)" in blocks["csv"]
    assert "(required)" not in blocks["parquet"], blocks["parquet"]
    for line in ("columns.id: str = 'productId'", "columns.name: str = 'productName'"):
        assert line in blocks["parquet"], blocks["parquet"]


@pytest.mark.parametrize(
    ("words", "says"),
    [
        (["", "--catalog", str(JANE / "catalog.db")], "a name with a letter or digit"),
        (["  -- ", "--catalog", str(JANE / "catalog.db")], "a name with a letter or digit"),
        (["Tangerine Sky", "--catalog", str(JANE / "catalog.db"), "--top", "0"], "'--top'"),
    ],
)
def test_explain_refuses_what_it_cannot_explain(words: list[str], says: str) -> None:
    done = poslink("explain", *words)
    assert done.returncode == 2, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], done.stderr


def test_explain_shows_where_structured_fields_came_from() -> None:
    result = poslink(
        "explain", "Velvet Moon", "--catalog", JANE / "catalog.db", "--brand",
        "Emerald Coast Extracts", "--category", "VAPORIZERS", "--lineage", "SATIVA",
        "--weight", "0.5g", "--category-table", "menu",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for text in (
        "field brand 'Emerald Coast Extracts' (alias)",
        "category 'VAPORIZERS'",
        "field lineage 'SATIVA'",
        "field weight '0.5g'",
        # the catalog's lineage field disagrees: a doubt, not a veto
        "decision: matched 5002",
        "doubt lineage sativa vs indica (catalog field)",
    ):
        assert text in result.stdout, result.stdout
    from_name = poslink(
        "explain", "Velvet Moon Vape Cart -1g- EMERALD COAST", "--catalog", JANE / "catalog.db"
    )
    assert "name (suffix)" in from_name.stdout and "form word in the name" in from_name.stdout
    assert "decision: matched 5002" in from_name.stdout
