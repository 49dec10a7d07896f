"""The synthetic workload generator: determinism, formats that agree, labels that hold."""

from __future__ import annotations

import csv
import json
import random
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from poslink_dev.synth import Workload, generate
from poslink_dev.synth.catalog import TWIN, Catalog
from poslink_dev.synth.kushy import clean_text, load, name_key
from poslink_dev.synth.pools import Pools
from poslink_dev.synth.render import BrandAliases, typo

CATALOG_SCHEMA = (
    "CREATE TABLE products (id int primary key, amount text, brand text, lineage text, "
    "name text not null, product_type text, product_subtype text, url text)"
)
SUBTYPES: dict[str, set[str | None]] = {
    "flower": {None, "Shake", "Popcorn"},
    "pre-roll": {"Pre-Rolls", "Infused Pre-Rolls", "Blunts"},
    "vape": {"Cartridges", "Disposables", "Pods"},
    "extract": {
        "Waxes",
        "Shatters",
        "Rosins",
        "Live Resins",
        "Badders",
        "Sauces",
        "Distillates",
        "Hash",
        "Kief",
        "Oils",
        "Diamonds",
    },
    "edible": {"Candies", "Chocolates", "Baked Goods", "Drinks", "Drink Mixes", "Capsules"},
    "topical": {"Lotions", "Balms", "Bath Bombs"},
    "tincture": {None},
}
PRODUCT_TYPES = set(SUBTYPES)


def kushy_dir() -> Path:
    """The public Kushy data set beside the repository (read in place, never copied)."""
    path = Path(__file__).resolve().parents[3] / "shared" / "data" / "kushy"
    if not (path / "products.csv").exists():
        pytest.skip(f"Kushy data set not found at {path}")
    return path


def make(out: Path, **options: object) -> Workload:
    settings: dict[str, object] = {"n_products": 3000, "n_records": 3000, "seed": 7}
    settings.update(options)
    return generate(kushy_dir(), out, **settings)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def workload(tmp_path_factory: pytest.TempPathFactory) -> Workload:
    return make(tmp_path_factory.mktemp("workload"))


def catalog_rows(workload: Workload) -> list[tuple[Any, ...]]:
    with sqlite3.connect(workload.catalog) as connection:
        return connection.execute("SELECT * FROM products").fetchall()


def labels(workload: Workload) -> list[dict[str, str]]:
    with workload.labels.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def pos_records(workload: Workload) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(workload.pos_json.read_text(encoding="utf-8"))
    return records


def csv_rows(workload: Workload) -> list[dict[str, str]]:
    with workload.pos_csv.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def menu_products(workload: Workload) -> list[dict[str, Any]]:
    menu = json.loads(workload.menu_json.read_text(encoding="utf-8"))
    products: list[dict[str, Any]] = menu["products"]
    return products


def words(text: str) -> list[str]:
    return [key for key in map(name_key, text.split()) if key]


def in_order(part: list[str], whole: list[str]) -> bool:
    """Whether ``part`` is ``whole`` with some words left out."""
    rest = iter(whole)
    return all(word in rest for word in part)


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = make(tmp_path / "a", n_products=800, n_records=900, repetition=0.3)
    second = make(tmp_path / "b", n_products=800, n_records=900, repetition=0.3)
    for name in ("pos_json", "pos_csv", "menu_json", "labels"):
        assert getattr(first, name).read_bytes() == getattr(second, name).read_bytes(), name
    assert catalog_rows(first) == catalog_rows(second)


def test_another_seed_gives_another_workload(tmp_path: Path) -> None:
    first = make(tmp_path / "a", n_products=500, n_records=500, seed=1)
    second = make(tmp_path / "b", n_products=500, n_records=500, seed=2)
    assert first.pos_json.read_bytes() != second.pos_json.read_bytes()


def test_catalog_schema_and_values(workload: Workload) -> None:
    with sqlite3.connect(workload.catalog) as connection:
        tables = connection.execute("SELECT name, sql FROM sqlite_master WHERE type='table'")
        assert [(name, " ".join(sql.split())) for name, sql in tables] == [
            ("products", CATALOG_SCHEMA)
        ]
    rows = catalog_rows(workload)
    assert len(rows) == workload.n_products == 3000
    ids = [row[0] for row in rows]
    assert len(set(ids)) == len(ids)
    assert all(isinstance(i, int) and 10_000 <= i < 100_000_000 for i in ids)
    assert sorted(ids) != list(range(min(ids), min(ids) + len(ids)))  # not sequential
    for _, amount, brand, lineage, name, product_type, subtype, _ in rows:
        assert name and name == name.lower()
        assert brand
        assert lineage in (None, "indica", "sativa", "hybrid", "cbd")
        assert subtype in SUBTYPES[product_type]
        assert amount is None or amount.endswith(("mg", "g", "pk", "oz"))
    assert {row[5] for row in rows} == PRODUCT_TYPES
    # The whole subtype taxonomy is there, even in a catalog of a few thousand products.
    assert {(row[5], row[6]) for row in rows} == {
        (kind, subtype) for kind, subtypes in SUBTYPES.items() for subtype in subtypes
    }
    # Jane names: the same (brand, name, type, subtype) never twice.
    assert len({(row[2], row[4], row[5], row[6]) for row in rows}) == len(rows)


def test_catalog_products_are_unique(workload: Workload, tmp_path: Path) -> None:
    # The catalog name may carry form words and the brand; the identity is the brand, the core
    # name and the form. Rebuild it from the generator's own arrays (seeded as generate does).
    pools = Pools(load(kushy_dir()), random.Random("7:pools"))
    catalog = Catalog(pools, 3000, random.Random("7:catalog"))
    keys = [
        (pools.brands[b], pools.names[n].lower(), f)
        for b, n, f in zip(catalog.brand, catalog.name, catalog.form, strict=True)
    ]
    # ... but for the catalog's duplicates: a twin is the slot after its original, the same
    # product under a second id, its name in other punctuation or with (without) a size note.
    twins = [i for i in range(len(catalog)) if catalog.shape[i] & TWIN]
    assert 10 <= len(twins) <= 80
    for i in twins:
        assert keys[i] == keys[i - 1] and catalog.twin_of(i) == i - 1
        assert catalog.twin_of(i - 1) == i
        first, second = catalog.jane_name(i - 1), catalog.jane_name(i)
        size = catalog.amount_text(i)
        assert first != second
        assert name_key(first) == name_key(second) or (
            (size in first + second and name_key(first.replace(size, "")) in name_key(second))
            or name_key(second.replace(size, "")) in name_key(first)
        ), (first, second)
    assert len(set(keys)) == len(catalog) - len(twins) and len(catalog) == 3000
    assert sorted(catalog.ids) == sorted(row[0] for row in catalog_rows(workload))


def test_formats_hold_the_same_records_in_the_same_order(workload: Workload) -> None:
    rows = labels(workload)
    records = pos_records(workload)
    table = csv_rows(workload)
    variants = [v for product in menu_products(workload) for v in product["variants"]]
    assert len(rows) == len(records) == len(table) == len(variants) == workload.n_records == 3000
    assert [int(r["row"]) for r in rows] == list(range(len(rows)))
    for label, record, line, variant in zip(rows, records, table, variants, strict=True):
        assert set(record) == {"category", "productId", "productName", "quantityAvailable"}
        assert isinstance(record["productId"], int)
        assert isinstance(record["quantityAvailable"], float)
        assert label["productId"] == line["SKU"] == variant["sku"] == str(record["productId"])
        assert label["productName"] == record["productName"]
        assert float(line["Qty On Hand"]) == variant["quantity"] == record["quantityAvailable"]
        # The CSV name is the POS name without its brand (which has a column of its own), or
        # the whole POS name: its words, in order, are among the POS name's.
        assert in_order(words(line["Product Name"]), words(str(record["productName"])))


def test_brands_as_names_and_brand_columns_write_them(workload: Workload) -> None:
    # A store's name carries its brand in one of the brand's spellings (some leave it out when
    # nothing else sells the product, and the catalog's own text may have none); the Brand
    # column holds one of the brand's column spellings: mostly the catalog's, sometimes upper
    # case, shortened, with a suffix, its first word, with a trailing space.
    pools = Pools(load(kushy_dir()), random.Random("7:pools"))
    number = {name: i for i, name in enumerate(pools.brands)}
    brand_of = {str(row[0]): row[2] for row in catalog_rows(workload)}
    present = named = otherwise = 0
    for label, line, record in zip(
        labels(workload), csv_rows(workload), pos_records(workload), strict=True
    ):
        if not label["jane_product_id"]:
            continue
        present += 1
        brand = brand_of[label["jane_product_id"]]
        aliases = pools.aliases[number[brand]]
        field = line["Brand"].removesuffix(" ")
        assert field in aliases.fields.values, (field, brand)
        otherwise += field != brand
        if label["tier"] == "store":
            key = name_key(str(record["productName"]))
            named += any(name_key(alias) in key for alias in aliases.aliases.values)
        else:
            assert label["tier"] == "exact"
            named += 1
    assert named / present > 0.9
    assert 0.15 <= otherwise / present <= 0.6


def test_menu_groups_records_of_one_product(workload: Workload) -> None:
    rows = iter(labels(workload))
    for product in menu_products(workload):
        assert str(product["id"]).startswith("p-")
        assert product["strainType"] in (None, "INDICA", "SATIVA", "HYBRID", "CBD")
        assert isinstance(product["brand"], dict) and product["brand"]["name"]
        truths = {next(rows)["jane_product_id"] for _ in product["variants"]}
        assert len(truths) == 1
        for variant in product["variants"]:
            assert set(variant) == {"sku", "option", "price", "quantity"}
            assert variant["option"] and isinstance(variant["price"], float)


def test_labels_point_into_the_catalog(workload: Workload) -> None:
    catalog = {str(row[0]): row for row in catalog_rows(workload)}
    rows = labels(workload)
    for row in rows:
        truth, accepted = row["jane_product_id"], row["acceptable"].split(";")
        if truth:
            assert truth in catalog and accepted[0] == truth
            assert row["note"].startswith("present") and row["tier"] in ("exact", "store")
            if len(accepted) == 2:  # a catalog duplicate: the same product, a second id
                first, second = catalog[truth], catalog[accepted[1]]
                assert first[2:4] + first[5:7] == second[2:4] + second[5:7]
            else:
                assert accepted == [truth]
        else:
            assert accepted == [""] and row["note"].startswith("absent")
            outside = row["note"].startswith("absent: brand not in catalog")
            assert row["tier"] == ("other_brand" if outside else "store_none")
        if row["tier"] == "exact":  # the catalog's own text, in a store's case
            assert name_key(row["productName"]) == name_key(catalog[truth][4])
    absent = sum(not row["jane_product_id"] for row in rows) / len(rows)
    assert 0.33 <= absent <= 0.47
    notes = {row["note"].split(" (")[0].split(" of ")[0].split(";")[0] for row in rows}
    assert {
        "present",
        "absent: other form",
        "absent: brand does not carry it",
        "absent: brand not in catalog",
        "absent: name variant",
    } <= notes
    typos = sum("typo" in row["note"] for row in rows) / len(rows)
    assert 0.04 <= typos <= 0.15
    shortened = sum("short form" in row["note"] for row in rows) / len(rows)
    assert 0.01 <= shortened <= 0.1
    tiers = Counter(row["tier"] for row in rows)
    assert tiers["exact"] >= 0.03 * len(rows) and tiers["store"] >= 0.4 * len(rows)
    assert tiers["store_none"] >= 0.15 * len(rows) and tiers["other_brand"] >= 0.05 * len(rows)
    assert sum(";" in row["acceptable"] for row in rows) >= 5


def test_present_records_name_their_product(workload: Workload) -> None:
    catalog = {str(row[0]): row for row in catalog_rows(workload)}
    rows = [row for row in labels(workload) if row["note"] == "present"]
    # Without a typo the catalog name's first word is in the POS name (case aside).
    hits = sum(
        name_key(catalog[row["jane_product_id"]][4].split()[0]) in name_key(row["productName"])
        for row in rows
    )
    assert hits / len(rows) > 0.9


def test_absent_share_and_states(tmp_path: Path) -> None:
    all_present = make(tmp_path / "p", n_products=500, n_records=600, absent_share=0.0)
    assert all(row["jane_product_id"] for row in labels(all_present))
    all_absent = make(tmp_path / "a", n_products=500, n_records=600, absent_share=1.0)
    assert not any(row["jane_product_id"] for row in labels(all_absent))
    categories = {str(r["category"]) for r in pos_records(all_present)}
    assert categories <= {
        "Usable Marijuana",
        "Marijuana Extract for Inhalation",
        "Solid Marijuana Infused Edible",
        "Liquid Marijuana Infused Edible",
        "Marijuana Infused Topicals",
        "Tinctures",
    }


def test_without_repetition_every_record_is_distinct(workload: Workload) -> None:
    records = pos_records(workload)
    assert len({r["productName"] for r in records}) == len(records)
    assert len({r["productId"] for r in records}) == len(records)


def test_repetition_repeats_products_across_stores(tmp_path: Path) -> None:
    repeated = make(tmp_path / "r", n_products=2000, n_records=12_000, repetition=0.8)
    records = pos_records(repeated)
    names = [r["productName"] for r in records]
    assert len(set(names)) < 0.75 * len(names)
    shelf = [(p["name"], p["brand"]["name"]) for p in menu_products(repeated)]
    assert len(set(shelf)) < 0.65 * len(shelf)
    # Repeats get new POS ids; only a second lot of one product shares its id.
    ids = [r["productId"] for r in records]
    assert len(set(ids)) > 0.97 * len(ids)


def test_formats_can_be_chosen(tmp_path: Path) -> None:
    only_json = make(tmp_path / "j", n_products=300, n_records=300, formats=("json",))
    assert only_json.pos_json.exists() and only_json.labels.exists()
    assert not only_json.pos_csv.exists() and not only_json.menu_json.exists()
    with pytest.raises(ValueError):
        make(tmp_path / "x", n_products=300, n_records=300, formats=("xml",))


def test_csv_delimiter_is_configurable(tmp_path: Path) -> None:
    made = make(tmp_path / "c", n_products=300, n_records=300, csv_delimiter=",")
    header = made.pos_csv.read_text(encoding="utf-8").splitlines()[0]
    assert header == '"SKU","Product Name","Brand","Category","Strain","Unit Weight","Qty On Hand"'


def test_larger_workload_is_generated(tmp_path: Path) -> None:
    made = make(tmp_path / "big", n_products=20_000, n_records=20_000, seed=3)
    assert made.n_products == 20_000 and made.n_records == 20_000
    assert sum(1 for _ in made.labels.open(encoding="utf-8")) == 20_001


def test_brand_aliases_follow_pos_habits() -> None:
    names = [
        "Nature's Grace and Wellness",
        "Cresco Labs",
        "Progressive Treatment Solutions (PTS)",
        "Gold Leaf",
        "Cresco",
    ]
    aliases = BrandAliases(names, random.Random(0))
    assert {"Nature's Grace", "Natures Grace", "Natures Grace and Wellness"} <= set(
        aliases[0].aliases.values
    )
    assert "PTS" in aliases[2].aliases.values and aliases[2].acronym == "PTS"
    # "Cresco" is another brand here, so "Cresco Labs" never shortens to it.
    assert "Cresco" not in aliases[1].aliases.values
    for i in range(len(names)):
        assert names[i] in aliases[i].aliases.values


def test_typos_spare_digits_and_short_names() -> None:
    rng = random.Random(0)
    assert typo("G6", rng) is None and typo("Gelat", rng) is None
    for _ in range(200):
        changed = typo("Gorilla Glue #4", rng)
        assert changed is not None and changed != "Gorilla Glue #4"
        assert abs(len(changed) - len("Gorilla Glue #4")) <= 1
        assert "#4" in changed


def test_kushy_text_is_repaired() -> None:
    assert clean_text("DÃ©foncÃ©") == "Défoncé"
    assert clean_text("Godâ€™s Treat") == "God's Treat"
    assert clean_text("PlusCBD oilâ„¢") == "PlusCBD oil"
    assert clean_text("NULL") == ""
