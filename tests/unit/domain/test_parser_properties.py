"""Property tests: the parser and matcher take any text without crashing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from poslink.matching import CatalogIndex, Matcher
from poslink.records import CatalogProduct, Status

INDEX = CatalogIndex.build(
    [
        CatalogProduct("1", "blue dream vaporizer cartridge", "Gold Leaf", "vape", "Cartridges"),
        CatalogProduct("2", "1:1 orange gummy", "Gold Leaf", "edible", "Candies", "cbd", "10pk"),
        CatalogProduct("3", "x", "", "", "", "", ""),
    ]
)
MATCHER = Matcher(INDEX)
PARSER = INDEX.parser()

shaped = st.lists(
    st.sampled_from(
        [
            "Blue",
            "Dream",
            "CARTRIDGE",
            "-1.0g-",
            "1:1",
            "(10-Pack)",
            "Gold Leaf",
            "#4",
            "1/8",
            "oz",
            ":",
            "/",
            "-",
            "(",
            ")",
            "CBD",
            "sativa",
            "’",
            "é",
            "💨",
            "\x00",
            "  ",
            "500mg",
            "999999999999g",
            ".5g",
            "0/0 oz",
        ]
    ),
    max_size=12,
).map(" ".join)


@settings(max_examples=300)
@given(st.text(max_size=300) | shaped, st.text(max_size=40))
def test_parse_and_match_never_crash(name: str, category: str) -> None:
    item = PARSER.parse_pos(name, category)
    assert isinstance(item.core, str)
    match = MATCHER.match(0, item)
    assert match.status in set(Status)
    assert 0.0 <= match.score <= 1.0


@given(st.text(min_size=2000, max_size=5000))
def test_very_long_names_are_cut_not_fatal(name: str) -> None:
    item = PARSER.parse_pos(name, "")
    assert len(item.core) <= 2000


@settings(max_examples=100)
@given(
    st.text(max_size=60),
    st.text(max_size=20),
    st.text(max_size=12),
    st.text(max_size=12),
    st.text(max_size=12),
)
def test_catalog_products_of_any_text_parse(
    name: str, brand: str, ptype: str, subtype: str, amount: str
) -> None:
    item = PARSER.parse_catalog(CatalogProduct("1", name, brand, ptype, subtype, "", amount))
    assert isinstance(item.core, str)


records = st.tuples(
    shaped,
    st.sampled_from(["", "Flower", "Edibles", "Vaporizers"]),
    st.sampled_from([None, "", "Gold Leaf", "gold lef"]),
    st.sampled_from([None, "vape"]),
    st.sampled_from([None, "cbd", "indica"]),
    st.sampled_from([None, "1g", "3.5 g", "10pk"]),
)


@settings(max_examples=200)
@given(st.lists(records, max_size=12), st.lists(st.sampled_from(["1g", "-0.5g-", "100mg"])))
def test_parse_many_is_parse_pos_of_each(
    some: list[tuple[str, str, str | None, str | None, str | None, str | None]],
    sizes: list[str],
) -> None:
    # The same names again in other sizes: what parse_many parses once for several records.
    some += [(f"{r[0]} {size}", *r[1:]) for r, size in zip(some, sizes, strict=False)]
    expected = [
        PARSER.parse_pos(name, cat, brand=b, product_type=t, lineage=lin, weight=w)
        for name, cat, b, t, lin, w in some
    ]
    assert PARSER.parse_many(some) == expected
