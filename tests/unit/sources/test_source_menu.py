"""The nested menu source: variants as records, field paths, and what it sets aside."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import strategies
from poslink.exceptions import ConfigError, InputError, SkippedRecord
from poslink.records import PosRecord
from poslink.sources import menu
from poslink.sources.menu import MenuSource, flatten

PRODUCT = {
    "id": 12,
    "name": "Blue Dream",
    "brand": {"name": "Gold Leaf", "id": 3},
    "category": "FLOWER",
    "strain": "Blue Dream",
    "strainType": "HYBRID",
    "effects": ["happy", "calm"],
    "variants": [
        {"sku": "BD-1", "option": "1g", "price": 12.5, "quantity": 4},
        {"id": 99, "option": "3.5g", "price": {"rec": 35, "med": 30}, "quantity": "2"},
    ],
}


def read(path: Path, data: Any, **options: Any) -> list[PosRecord | SkippedRecord]:
    path.write_text(json.dumps(data), encoding="utf-8")
    return list(MenuSource(path, options).records())


def test_one_record_per_variant_with_the_products_fields(tmp_path: Path) -> None:
    recs = read(tmp_path / "m.json", {"products": [PRODUCT]})
    assert all(isinstance(r, PosRecord) for r in recs)
    first, second = recs
    assert isinstance(first, PosRecord) and isinstance(second, PosRecord)
    assert [(r.row, r.pos_id, r.weight, r.quantity) for r in (first, second)] == [
        (0, "BD-1", "1g", 4.0),
        (1, "99", "3.5g", 2.0),
    ]
    assert (first.name, first.brand, first.category, first.lineage) == (
        "Blue Dream",
        "Gold Leaf",
        "FLOWER",
        "HYBRID",
    )
    assert dict(first.raw) == {
        "product.id": 12,
        "product.name": "Blue Dream",
        "product.brand.name": "Gold Leaf",
        "product.brand.id": 3,
        "product.category": "FLOWER",
        "product.strain": "Blue Dream",
        "product.strainType": "HYBRID",
        "product.effects": '["happy", "calm"]',
        "variant.sku": "BD-1",
        "variant.option": "1g",
        "variant.price": 12.5,
        "variant.quantity": 4,
    }
    assert second.raw["variant.price.rec"] == 35 and "variant.sku" not in second.raw


def test_fields_are_every_flattened_key_products_first(tmp_path: Path) -> None:
    other = {"name": "X", "thc": 20, "variants": [{"sku": "x", "barcode": "0123"}]}
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"products": [PRODUCT, other]}), encoding="utf-8")
    assert MenuSource(path).fields == [
        "product.id",
        "product.name",
        "product.brand.name",
        "product.brand.id",
        "product.category",
        "product.strain",
        "product.strainType",
        "product.effects",
        "product.thc",
        "variant.sku",
        "variant.option",
        "variant.price",
        "variant.quantity",
        "variant.id",
        "variant.price.rec",
        "variant.price.med",
        "variant.barcode",
    ]


def _outcome(record: PosRecord | SkippedRecord) -> object:
    """A record as comparable data (a SkippedRecord, an exception, equals only itself)."""
    if isinstance(record, SkippedRecord):
        return ("skipped", record.row, record.pos_id, str(record), record.raw)
    return record


def test_the_fields_pass_keeps_its_records_for_the_next_call(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    other = {"name": "X", "variants": [{"sku": "x"}, "not a variant"]}
    path.write_text(json.dumps({"products": [PRODUCT, other]}), encoding="utf-8")
    expected = [_outcome(r) for r in MenuSource(path).records()]
    source = MenuSource(path)
    assert len(source.fields) == 15
    digest = source.read_digest()
    assert digest is not None  # the fields' pass read the whole file
    path.unlink()  # what the records are read from now is what that pass parsed
    assert [_outcome(r) for r in source.records()] == expected
    assert source.read_digest() == digest
    with pytest.raises(InputError, match="no such file"):
        list(source.records())  # kept for one call: a later one reads the file again


def test_a_menu_of_more_records_than_kept_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(menu, "KEPT_RECORDS", 1)
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"products": [PRODUCT, PRODUCT]}), encoding="utf-8")
    source = MenuSource(path)
    assert source.fields
    path.unlink()
    with pytest.raises(InputError, match="no such file"):
        list(source.records())


def test_records_read_to_the_end_give_the_fields(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"products": [PRODUCT, {"name": "X"}]}), encoding="utf-8")
    fields = MenuSource(path).fields
    source = MenuSource(path)
    records = source.records()
    next(records)
    path.unlink()
    assert len(list(records)) == 2  # the file was open: read to its end
    assert source.fields == fields  # no second pass over the file, which is gone


def test_a_product_without_variants_is_one_record(tmp_path: Path) -> None:
    recs = read(tmp_path / "m.json", {"products": [{"id": 5, "name": "Solo", "variants": []}]})
    assert [(r.row, r.pos_id) for r in recs] == [(0, "5")]


@pytest.mark.parametrize(
    ("product", "reasons"),
    [
        ({**PRODUCT, "variants": [{"option": "1g"}]}, ["product 2 (id 12) variant 1: no id"]),
        ({**PRODUCT, "variants": [{"sku": "a"}, "x"]}, [None, "variant 2 is text, not an object"]),
        ({**PRODUCT, "variants": [None, {"sku": "a"}]}, ["variant 1 is null, not an object", None]),
        ({**PRODUCT, "variants": {"sku": "a"}}, ["variants is an object, not a list"]),
        ({**PRODUCT, "name": None}, ["no usable name (looked for name, productName)"] * 2),
        ({**PRODUCT, "name": "  "}, ["no usable name"] * 2),
        ({"name": "X"}, ["product 2: no id (looked for id, productId)"]),
        ([1, 2], ["product 2 is an array, not an object"]),
        (
            {**PRODUCT, "variants": [{"sku": "a", "quantity": "lots"}]},
            ["variant 1: quantity must be a number, found 'lots'"],
        ),
    ],
)
def test_bad_products_and_variants_are_skipped(
    tmp_path: Path, product: Any, reasons: list[str | None]
) -> None:
    good = {"id": 1, "name": "Good", "variants": [{"sku": "g"}]}
    recs = read(tmp_path / "menu.json", {"products": [good, product, good]})
    assert [r.row for r in recs] == list(range(len(recs)))
    middle = recs[1:-1]
    assert len(middle) == len(reasons)
    for record, reason in zip(middle, reasons, strict=True):
        if reason is None:
            assert isinstance(record, PosRecord)
        else:
            assert isinstance(record, SkippedRecord)
            assert record.reason.startswith("menu.json product 2")
            assert reason in record.reason


def test_options_find_fields_elsewhere(tmp_path: Path) -> None:
    data = {
        "data": {
            "menu": [
                {
                    "productName": "Gelato Wax",
                    "brandName": "Gold Leaf",
                    "kind": "Concentrate",
                    "children": [{"variantId": "v1", "size": "1g"}],
                }
            ]
        }
    }
    recs = read(
        tmp_path / "m.json",
        data,
        products="data.menu",
        variants="children",
        variant_id="variantId",
        product_type=["kind"],
        weight="size",
    )
    [record] = recs
    assert isinstance(record, PosRecord)
    assert (record.pos_id, record.name, record.brand, record.product_type, record.weight) == (
        "v1",
        "Gelato Wax",
        "Gold Leaf",
        "Concentrate",
        "1g",
    )


def test_a_top_level_array(tmp_path: Path) -> None:
    recs = read(tmp_path / "m.json", [PRODUCT], products="")
    assert [r.pos_id for r in recs] == ["BD-1", "99"]


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ('{"products": [1, }', {}, "invalid JSON at line 1 column 18"),
        ('{"products": [', {}, "invalid JSON at line 1 column 15"),
        ('{"items": []}', {}, "expected an array of products at 'products' (option products)"),
        ('{"products": {}}', {}, "expected an array of products at 'products'"),
        ("[]", {}, "expected an array of products at 'products'"),
        ('{"products": []}', {"products": ""}, "expected an array of products at the top level"),
        (
            '[{"productId": 7, "productName": "Zorbly Chews"}]',
            {},
            "expected an array of products at 'products' (option products); the file is an"
            " array: a jane-style export is read by --source jane-json, a bare array of menu"
            " products with option products set to ''",
        ),
        ("", {}, "the file is empty"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: str, options: Any, message: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        list(MenuSource(path, options).records())
    assert str(path) in str(info.value)


def test_syntax_errors_stop_before_any_record(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"products": [PRODUCT] * 3})[:-3], encoding="utf-8")
    with pytest.raises(InputError):
        _ = MenuSource(path).fields  # the pipeline asks for fields before writing anything


def test_integers_beyond_64_bits(tmp_path: Path) -> None:
    big = {**PRODUCT, "id": 2**70, "variants": [{"sku": 2**65, "quantity": 1}]}
    recs = read(tmp_path / "m.json", {"products": [PRODUCT, big, PRODUCT]})
    assert [r.pos_id for r in recs] == ["BD-1", "99", str(2**65), "BD-1", "99"]


def test_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"products": [PRODUCT]}).encode())
    assert [r.pos_id for r in MenuSource(path).records()] == ["BD-1", "99"]


def test_unknown_option(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="option variant_sku: not a known key"):
        MenuSource(tmp_path / "m.json", {"variant_sku": "x"})


def test_flatten_keeps_scalars_and_arrays_as_json() -> None:
    assert flatten({"a": {"b": {"c": 1}}, "d": [1, {"e": 2}], "f": None, "g": {}}, "p.") == {
        "p.a.b.c": 1,
        "p.d": '[1, {"e": 2}]',
        "p.f": None,
        "p.g": "{}",
    }


json_values = strategies.json_values(6)
variants = st.lists(
    st.fixed_dictionaries(
        {}, optional={"sku": json_values, "option": json_values, "quantity": json_values}
    )
    | json_values,
    max_size=3,
)
products = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "name": st.text() | json_values,
        "brand": json_values,
        "strainType": json_values,
        "variants": variants | json_values,
    },
)


def _expected_rows(product: Any) -> int:
    if not isinstance(product, dict):
        return 1
    v = product.get("variants")
    if v is None or v == []:
        return 1
    return len(v) if isinstance(v, list) else 1


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(products | json_values, max_size=5))
def test_any_menu_yields_one_outcome_per_variant(tmp_path: Path, data: list[Any]) -> None:
    recs = read(tmp_path / "m.json", {"products": data})
    assert [r.row for r in recs] == list(range(sum(_expected_rows(p) for p in data)))
