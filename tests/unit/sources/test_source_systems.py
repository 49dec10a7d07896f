"""The named POS systems' sources read saved exports: the conformance suite, their fields, their
errors, and any JSON at all without a crash."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poslink import plugins
from poslink.domain.knowledge import load_category_table
from poslink.domain.text import words
from poslink.exceptions import InputError, SkippedRecord
from poslink.records import PosRecord
from poslink.sources.drafts import weight_text
from poslink.sources.dutchie import DutchieProductsSource, DutchieSource
from poslink.sources.flowhub import FlowhubSource
from poslink.sources.leafly import LeaflySource
from poslink.sources.metrc import MetrcItemsSource, MetrcSource
from poslink.sources.pull import retry_after
from poslink.sources.redaction import safe_url
from poslink.sources.system import SystemSource
from poslink.sources.validate import usable_name
from poslink.sources.weedmaps import WeedmapsSource
from poslink.testing import Bad, Item, SourceConformance
from poslink_dev.synth.systems import SYSTEMS

_WEIGHT = re.compile(r"(\d[\d.e+-]*)(g|mg|kg|oz|lb|ml|floz)")


def _save(path: Path, document: Any) -> Mapping[str, Any]:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return {}


class TestDutchie(SourceConformance):
    """A bare array of inventory items; a record without a name is the bad one."""

    source = DutchieSource
    suffix = ".json"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        return _save(path, [_dutchie(n, item) for n, item in enumerate(items)])


def _dutchie(n: int, item: Item) -> dict[str, Any]:
    if isinstance(item, Bad):
        return {"inventoryId": 9000 + n, "productName": None, "quantityAvailable": 1}
    return {
        "inventoryId": item.pos_id,
        "productId": n,
        "productName": item.name,
        "category": item.category,
        "brandName": item.brand,
        "quantityAvailable": item.quantity,
        "unitWeight": 1,
        "unitWeightUnit": "Grams",
    }


class TestDutchiePagesFolder(SourceConformance):
    """The same, saved as a folder of pages in natural order (page-2 before page-10)."""

    source = DutchieSource

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        path.mkdir()
        records = [_dutchie(n, item) for n, item in enumerate(items)]
        half = len(records) // 2
        # page-2 holds the first half, page-10 the rest, page-11 is the empty last page.
        for number, chunk in ((2, records[:half]), (10, records[half:]), (11, [])):
            (path / f"page-{number}.json").write_text(json.dumps(chunk), encoding="utf-8")
        return {}


class TestDutchieProducts(SourceConformance):
    """Products wrapped under ``data``; a product without an id is the bad one."""

    source = DutchieProductsSource
    suffix = ".json"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        products = [
            {"productName": "No Id", "sku": "x"}
            if isinstance(item, Bad)
            else {
                "productId": item.pos_id,
                "productName": item.name,
                "masterCategory": item.category,
                "brandName": item.brand,
                "netWeight": 3.5,
                "netWeightUnit": "g",
            }
            for item in items
        ]
        return _save(path, {"data": products})


class TestFlowhub(SourceConformance):
    """``{status, data}``; a quantity that is not a number is the bad record."""

    source = FlowhubSource
    suffix = ".json"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        data = [
            {"productId": "b", "productName": "Bad Qty", "quantity": "lots"}
            if isinstance(item, Bad)
            else {
                "productId": item.pos_id,
                "productName": item.name,
                "brand": item.brand,
                "category": "PackedBud",
                "quantity": item.quantity,
            }
            for item in items
        ]
        return _save(path, {"status": 200, "data": data})


class TestMetrcPackages(SourceConformance):
    """A v2 page ``{Data, TotalRecords, ...}``; a package without a Label is the bad one."""

    source = MetrcSource
    suffix = ".json"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        data = [
            {"Id": 1, "Quantity": 1, "Item": {"Name": "Unlabelled"}}
            if isinstance(item, Bad)
            else {
                "Id": n,
                "Label": item.pos_id,
                "Quantity": item.quantity,
                "Item": {
                    "Name": item.name,
                    "ProductCategoryName": "Buds",
                    "ItemBrandName": item.brand,
                },
            }
            for n, item in enumerate(items)
        ]
        return _save(path, {"Data": data, "Total": len(data), "TotalRecords": len(data)})


class TestMetrcItems(SourceConformance):
    """A v1 bare array of items; a record that is not an object is the bad one."""

    source = MetrcItemsSource
    suffix = ".json"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        data = [
            "not an item"
            if isinstance(item, Bad)
            else {"Id": item.pos_id, "Name": item.name, "ItemBrandName": item.brand}
            for item in items
        ]
        return _save(path, data)


class TestWeedmaps(SourceConformance):
    """JSON:API menu items, one variant each; a lone variant and an item without ids is bad."""

    source = WeedmapsSource
    suffix = ".json"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        data = []
        for item in items:
            if isinstance(item, Bad):
                attributes = {"name": "No Ids", "variants": [{"weight": {"value": 1, "unit": "g"}}]}
                data.append({"type": "menu_item", "attributes": attributes})
                continue
            variant = {"external_id": item.pos_id, "inventory_quantity": item.quantity}
            attributes = {"name": item.name, "brand_name": item.brand, "variants": [variant]}
            data.append({"id": f"wm{item.pos_id}", "type": "menu_item", "attributes": attributes})
        return _save(path, {"data": data, "links": {}, "meta": {"total": len(data)}})


class TestLeafly(SourceConformance):
    """``{items}``, one variant each; a variant that is not an object is the bad one."""

    source = LeaflySource
    suffix = ".json"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        data = [
            {"id": "bad", "name": "Bad Variant", "variants": ["3.5g"]}
            if isinstance(item, Bad)
            else {
                "id": f"item-{n}",
                "name": item.name,
                "brand": item.brand,
                "type": "flower",
                "variants": [{"id": item.pos_id, "weight": "1g", "quantity": item.quantity}],
            }
            for n, item in enumerate(items)
        ]
        return _save(path, {"items": data})


# -- what each system feeds the matcher ---------------------------------------------------

FIELD_CASES = [
    (
        "dutchie",
        [{"inventoryId": 7, "productName": "Gelato 3.5g", "category": "Flower",
          "masterCategory": "Flower", "brandName": "Acme", "strain": "Gelato",
          "strainType": "Hybrid", "quantityAvailable": "4", "unitWeight": 3.5,
          "unitWeightUnit": "Grams"}],
        ("7", "Flower", "Acme", "Flower", "Hybrid", "3.5g", 4.0),
    ),
    (
        "dutchie-products",
        [{"productId": 8, "productName": "Gelato", "masterCategory": "Vaporizers",
          "category": "Carts", "brandName": "Acme", "size": "0.5g"}],
        ("8", "Carts", "Acme", "Vaporizers", None, "0.5g", None),
    ),
    (
        "flowhub",
        {"status": 200, "data": [
            {"productId": "f1", "productName": "Mints", "category": "Edible", "brand": "Kiva",
             "type": "Candy", "speciesName": "Indica", "productWeight": 20,
             "productUnitOfMeasure": "g", "quantity": 3,
             "cannabinoidInformation": [{"name": "thc", "upperRange": 100,
                                         "unitOfMeasure": "mg"}]}]},
        ("f1", "Edible", "Kiva", "Candy", "Indica", "20g 100mg", 3.0),
    ),
    (
        "metrc",
        {"Data": [{"Label": "1A4000", "Quantity": 2, "Item": {
            "Name": "Acme Gummies", "ProductCategoryName": "Infused Edible (each)",
            "ItemBrandName": "Acme", "StrainName": None, "UnitThcContent": 100,
            "UnitThcContentUnitOfMeasureName": "Milligrams"}}]},
        ("1A4000", "Infused Edible (each)", "Acme", None, None, "100mg", 2.0),
    ),
    (
        "metrc",  # a v1 package: the item's fields at the top
        [{"Label": "1A4001", "Quantity": 5, "ProductName": "Blue Dream Bud",
          "ProductCategoryName": "Buds"}],
        ("1A4001", "Buds", None, None, None, None, 5.0),
    ),
    (
        "metrc-items",
        [{"Id": 31, "Name": "OG Cart", "ProductCategoryName": "Vape Cartridge (weight - each)",
          "StrainName": "OG Kush", "UnitWeight": 0.5, "UnitWeightUnitOfMeasureName": "Grams"}],
        ("31", "Vape Cartridge (weight - each)", None, None, None, "0.5g", None),
    ),
    (
        "weedmaps",
        {"data": [{"id": "9", "type": "menu_item", "attributes": {
            "name": "Sour Diesel", "brand_name": "Acme", "parent_category": "Flower",
            "category_name": "Sativa", "genetics": "sativa", "strain_name": "Sour Diesel",
            "variants": [{"id": "v1", "weight": {"value": 3.5, "unit": "g"},
                          "inventory_quantity": 6}]}}]},
        ("v1", "Flower", "Acme", "Sativa", "sativa", "3.5g", 6.0),
    ),
    (
        "weedmaps",  # a unit item: no variants
        {"data": [{"id": "10", "type": "menu_item", "attributes": {
            "name": "Pen", "external_id": "ext-10", "inventory_quantity": 2}}]},
        ("ext-10", "", None, None, None, None, 2.0),
    ),
    (
        "leafly",
        {"menu": {"items": [{"id": "l1", "name": "Jack Herer", "brand": "Acme",
                             "strain": "Jack Herer", "type": "preroll",
                             "variants": [{"sku": "s1", "amount": 1, "unit": "gram",
                                           "inventory": 9}]}]}},
        ("s1", "", "Acme", "preroll", None, "1g", 9.0),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("system", "document", "expected"), FIELD_CASES)
def test_each_system_feeds_its_structured_fields(
    tmp_path: Path, system: str, document: Any, expected: tuple[Any, ...]
) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    (record,) = open_system(system, path).records()
    assert isinstance(record, PosRecord), record
    fields = ("pos_id", "category", "brand", "product_type", "lineage", "weight")
    assert (*(getattr(record, f) for f in fields), record.quantity) == expected


def open_system(system: str, path: Path) -> SystemSource:
    cls = plugins.load("sources", system)
    assert issubclass(cls, SystemSource)
    return cls(path)


@pytest.mark.parametrize(
    ("system", "text", "message"),
    [
        ("flowhub", '{"status": 200, "items": []}', "no flowhub records: expected an array or"),
        (
            "metrc",
            '{"Data": [{"Label": 1,}]}',
            "invalid JSON at line 1 column 23: Expecting property name",
        ),
        ("dutchie", '[{"inventoryId": 1, "productName": "\xff"', "invalid JSON"),
        ("leafly", "", "the file is empty"),
    ],
)
def test_a_document_that_cannot_be_read_says_where(
    tmp_path: Path, system: str, text: str, message: str
) -> None:
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as raised:
        list(open_system(system, path).records())
    assert str(path) in str(raised.value)


def test_a_folder_without_pages_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no saved pages"):
        list(open_system("dutchie", tmp_path).records())


def test_a_bad_variant_names_its_place(tmp_path: Path) -> None:
    path = tmp_path / "menu.json"
    item = {"id": "i", "name": "Two Sizes", "variants": [{"id": "a"}, {"weight": "1g"}]}
    path.write_text(json.dumps({"items": [item]}))
    good, bad = open_system("leafly", path).records()
    assert isinstance(good, PosRecord) and isinstance(bad, SkippedRecord)
    assert bad.reason == "menu.json record 1 variant 2: no id (variant.id or variant.sku)"


# -- outside input: any JSON, any header, any unit --------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
_keys = st.sampled_from(
    ["inventoryId", "productId", "productName", "Label", "Name", "Item", "id", "name",
     "attributes", "variants", "quantity", "quantityAvailable", "Quantity", "unitWeight",
     "unitWeightUnit", "weight", "external_id", "brandName", "category", "type"]
)  # fmt: skip
_records = st.recursive(
    st.none()
    | st.integers()
    | st.text(max_size=12)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=8),
    max_leaves=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(system=st.sampled_from(SYSTEMS), records=st.lists(_records, max_size=5))
def test_any_json_records_give_records_or_reasons(
    tmp_path: Path, system: str, records: list[Any]
) -> None:
    path = tmp_path / f"{system}.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    source = open_system(system, path)
    got = list(source.records())
    assert [r.row for r in got] == list(range(len(got)))
    assert set().union(*(r.raw for r in got if isinstance(r, PosRecord))) <= set(source.fields)
    for record in got:
        if isinstance(record, PosRecord):
            assert record.pos_id and usable_name(record.name)
        else:
            assert isinstance(record, SkippedRecord) and record.reason.strip()


@given(value=_json, unit=_json)
def test_weight_text_reads_any_value_and_unit(value: Any, unit: Any) -> None:
    text = weight_text(value, unit)
    if text is not None:
        found = _WEIGHT.fullmatch(text)
        assert found is not None, text
        assert float(found.group(1)) > 0


@given(st.text(max_size=40))
def test_retry_after_reads_any_header(value: str) -> None:
    wait = retry_after(value)
    assert wait is None or wait >= 0


@given(
    user=st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True),
    secret=st.from_regex(r"[A-Za-z0-9]{6,12}", fullmatch=True),
    path=st.from_regex(r"[a-z]{0,8}", fullmatch=True),
)
def test_safe_url_never_shows_credentials(user: str, secret: str, path: str) -> None:
    url = f"https://{user}:{secret}@api.example.com/{path}?api_key={secret}&page=2"
    shown = safe_url(url)
    assert secret not in shown.replace("api.example.com", "").replace(path, "")
    assert shown.startswith("https://api.example.com/") and "page=2" in shown


@pytest.mark.parametrize(
    ("table", "category", "types", "default"),
    [
        ("default", "28", {"flower", "pre-roll"}, "flower"),  # BioTrack's Usable Marijuana
        ("default", "24", {"vape", "extract"}, None),
        ("default", "22", {"edible"}, None),
        ("dutchie", "Vaporizers", {"vape", "gear"}, None),
        ("dutchie", "Orals", {"edible", "tincture"}, None),
        ("flowhub", "PackedBud", {"flower", "pre-roll"}, "flower"),
        ("flowhub", "Joint", {"pre-roll"}, None),
        ("flowhub", "Concentrate", {"extract", "vape"}, "extract"),
        ("metrc", "Buds", {"flower", "pre-roll"}, "flower"),
        ("metrc", "Shake/Trim", {"flower"}, None),
        ("metrc", "Vape Cartridge (weight - each)", {"vape"}, None),
        ("metrc", "Infused Edible (each)", {"edible", "tincture"}, None),
        ("weedmaps", "Vape Pens", {"vape"}, None),
        ("weedmaps", "Concentrates", {"extract", "vape"}, None),
        ("leafly", "preroll", {"pre-roll"}, None),
        ("leafly", "capsule", {"edible"}, None),
    ],
)
def test_system_categories_say_which_types(
    table: str, category: str, types: set[str], default: str | None
) -> None:
    found = load_category_table(table)[words(category)]
    assert (set(found.types), found.default) == (types, default)
