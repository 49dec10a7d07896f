"""Structured fields a POS gives (brand, type, lineage, weight) are used instead of guesses from
the name, and ``explain_pos`` says where each attribute came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poslink.domain import BrandIndex, Parser, load_knowledge
from poslink.records import RECORD_FIELDS, PosRecord
from poslink.testing import MemoryCatalog, MemorySink, MemorySource

BRANDS = ["Gold Leaf", "Sunny Valley Farms", "Emerald Coast Extracts"]


@pytest.fixture(scope="module")
def parser() -> Parser:
    k = load_knowledge()
    return Parser(k, BrandIndex.build(BRANDS, k.brand_rules), "menu")


@pytest.mark.parametrize(
    ("name", "fields", "expected", "origins"),
    [
        # brand only in its field
        (
            "Grape Escape",
            {"brand": "Sunny Valley Farms"},
            {"brand": "sunny valley farms", "core": "grape escape"},
            {"brand": "field brand 'Sunny Valley Farms' (alias)"},
        ),
        # the brand field wins; the same brand in the name is taken out of the core
        (
            "Gelato Wax Gold Leaf",
            {"brand": "gold leaf"},
            {"brand": "gold leaf", "core": "gelato"},
            {"brand": "field brand 'gold leaf' (alias)"},
        ),
        # a brand field not in the catalog is kept when the name names no catalog brand:
        # such a record gets no id
        (
            "Gelato Wax",
            {"brand": "Tidewater"},
            {"brand": "tidewater"},
            {"brand": "field brand 'Tidewater' (not in catalog)"},
        ),
        # ... and where the name writes one, the field names a distributor or a store's own
        # placeholder: the name's brand
        (
            "Gelato Gold Leaf",
            {"brand": "Dispensary Near Me"},
            {"brand": "gold leaf", "core": "gelato"},
            {"brand": "name (suffix; field 'Dispensary Near Me' not in catalog)"},
        ),
        (
            "Gelato Wax Gold Leaf",
            {},
            {"brand": "gold leaf", "types": frozenset({"extract"})},
            {"brand": "name (suffix)", "types": "form word in the name (extract)"},
        ),
        # type from the type field through the source's category table
        (
            "Citrus Comet",
            {"product_type": "PRE_ROLLS", "category": "FLOWER"},
            {"types": frozenset({"pre-roll"})},
            {"types": "field type 'PRE_ROLLS'"},
        ),
        (
            "Citrus Comet",
            {"product_type": "Gadgets", "category": "FLOWER"},
            {
                "types": frozenset({"flower", "pre-roll"}),
                "subtypes": frozenset(),
                "prefer": "flower",
            },
            {"types": "category 'FLOWER', read as flower (no form word)"},
        ),
        # a lineage field, however the POS writes it
        (
            "Blue Dream",
            {"lineage": "SATIVA"},
            {"lineage": "sativa"},
            {"lineage": "field lineage 'SATIVA'"},
        ),
        # ... but a lineage word in the name that contradicts it leaves the lineage unsure
        (
            "Blue Dream -INDICA-",
            {"lineage": "SATIVA"},
            {"lineage": None},
            {"lineage": "field lineage 'SATIVA' and the name disagree: unsure"},
        ),
        ("Blue Dream -INDICA-", {}, {"lineage": "indica"}, {"lineage": "name"}),
        ("Blue Dream", {"lineage": "indica_dominant"}, {"lineage": None}, {}),
        (
            "Blue Dream",
            {"lineage": "NOT_APPLICABLE"},
            {"lineage": None},
            {"lineage field": "'NOT_APPLICABLE' not a known lineage"},
        ),
        (
            "Blue Dream",
            {"lineage": "CBD"},
            {"implied": frozenset({"cbd"})},
            {"implied": "field lineage 'CBD'"},
        ),
        # the weight field is what the POS says the unit is: it wins over the name
        (
            "Blue Dream 1g",
            {"weight": "1/8 oz"},
            {"weight_g": 3.5},
            {"weight_g": "field weight '1/8 oz'"},
        ),
        ("Blue Dream 1g", {}, {"weight_g": 1.0}, {"weight_g": "name"}),
        (
            "Peach Tonic",
            {"weight": "100mg"},
            {"potency_mg": 100.0},
            {"potency_mg": "field weight '100mg'"},
        ),
        # ... and a weight field read as nothing is said so; the name's size stands
        (
            "Blue Dream 1g",
            {"weight": "banana"},
            {"weight_g": 1.0},
            {"weight_g": "name", "weight field": "'banana' names no weight, potency or pack"},
        ),
    ],
)
def test_structured_fields(
    parser: Parser,
    name: str,
    fields: dict[str, str],
    expected: dict[str, Any],
    origins: dict[str, str],
) -> None:
    category = fields.pop("category", "")
    item, trace = parser.explain_pos(name, category, **fields)
    for key, value in expected.items():
        assert getattr(item, key) == value, key
    for key, value in origins.items():
        assert trace.get(key) == value, (key, trace)
    assert parser.parse_pos(name, category, **fields) == item


text = st.text(max_size=20)
optional = st.none() | text


@settings(max_examples=200)
@given(text, text, optional, optional, optional, optional)
def test_explain_parses_as_parse_does(
    name: str,
    category: str,
    brand: str | None,
    product_type: str | None,
    lineage: str | None,
    weight: str | None,
) -> None:
    k = load_knowledge()
    parser = Parser(k, BrandIndex.build(BRANDS, k.brand_rules))
    fields = {"brand": brand, "product_type": product_type, "lineage": lineage, "weight": weight}
    item, trace = parser.explain_pos(name, category, **fields)
    assert item == parser.parse_pos(name, category, **fields)
    assert all(isinstance(v, str) and v for v in trace.values())


def test_structured_brand_matches_a_name_without_it() -> None:
    """Through the engine: the brand reaches the matcher from its field, not from the name."""
    from poslink.config import MatcherConfig
    from poslink.engines.base import Job
    from poslink.engines.local import LocalEngine
    from poslink.files.rejects import RejectsFile
    from poslink.matching import CatalogIndex

    catalog = MemoryCatalog(
        [
            {"id": 1, "name": "gelato", "brand": "Gold Leaf", "product_type": "extract"},
            {"id": 2, "name": "gelato", "brand": "Rival Farms", "product_type": "extract"},
        ]
    )
    source = MemorySource(
        [
            {"id": "a", "name": "Gelato Wax", "brand": "Gold Leaf"},
            {"id": "b", "name": "Gelato Wax", "brand": "Rival Farms"},
            {"id": "c", "name": "Gelato Wax"},
            {"id": "d", "name": "Gelato Wax", "brand": "Unknown Co"},
            {"id": "e", "name": "Gold Leaf Gelato Wax", "brand": "Unknown Co"},
        ]
    )
    sink = MemorySink(source.fields)
    index = CatalogIndex.build(catalog.products())
    rejects = RejectsFile(Path("/nonexistent/never-written.csv"))  # no record is rejected
    with sink:
        LocalEngine().run(Job(source, index, MatcherConfig(), sink, rejects))
    assert [(r["id"], r["jane_product_id"], r["match_status"]) for r in sink.rows] == [
        ("a", "1", "matched"),
        ("b", "2", "matched"),
        ("c", None, "no_match"),  # no brand, and "Gelato" is a name the whole trade uses
        ("d", None, "no_match"),
        ("e", "1", "matched"),  # the field names no catalog brand; the name does
    ]


@settings(max_examples=100)
@given(st.tuples(text, text, optional, optional, optional, optional), text)
def test_matching_reads_the_record_fields_and_nothing_else(
    values: tuple[str, str, str | None, str | None, str | None, str | None], other: str
) -> None:
    """Two records equal in ``RECORD_FIELDS`` parse alike and share a decision key, whatever
    else differs; ``parse_many`` of those fields' values (in order) parses as one record does."""
    from poslink.engines.base import parse_record
    from poslink.engines.local import record_key

    k = load_knowledge()
    parser = Parser(k, BrandIndex.build(BRANDS, k.brand_rules))
    name, category, brand, product_type, lineage, weight = values
    a, b = (
        PosRecord(
            row=row,
            source=other + "x",
            pos_id=other,
            name=name,
            category=category,
            quantity=quantity,
            brand=brand,
            product_type=product_type,
            lineage=lineage,
            weight=weight,
            store=other,
            raw=raw,
        )
        for row, other, quantity, raw in ((1, "a", None, {}), (2, other, 3.0, {"x": 1}))
    )
    assert parse_record(parser, a) == parse_record(parser, b)
    assert record_key(a) == record_key(b) == values
    assert dict(zip(RECORD_FIELDS, values, strict=True))["weight"] == weight
    assert parser.parse_many([record_key(a)]) == [parse_record(parser, a)]
