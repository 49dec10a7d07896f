"""Words that say what a product is not (``forms.toml [unlike]`` and ``[shapes]``,
docs/matching.md).

An edible "Bar" is a chocolate or a baked bar: never a gummy or another candy, a drink or a
capsule, unless the catalog product's own name says "bar" too; a chocolate's "Bites" are not
its bar. The catalog is invented for these tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from poslink.domain import load_knowledge
from poslink.matching import Matcher

Build = Callable[[Sequence[tuple[object, ...]]], Matcher]

_FLAVOURS = ["black cherry", "watermelon", "sour apple", "blue razz", "mango", "grape"]

# (id, amount, brand, lineage, name, product_type, product_subtype): a brand of gummies, chews
# and sodas (no bar among them), and a brand whose bars are a baked good, a chocolate and a
# candy whose own name says "bar".
CATALOG: list[tuple[object, ...]] = [
    *(
        (i, "100mg", "Quarry Hill", "", f"{f} fast acting gummies", "edible", "Candies")
        for i, f in enumerate(_FLAVOURS, 1)
    ),
    (10, "100mg", "Quarry Hill", "", "watermelon chews", "edible", "Candies"),
    (11, "100mg", "Quarry Hill", "", "root beer soda", "edible", "Drinks"),
    (20, "100mg", "Lantern", "", "lemon bar", "edible", "Baked Goods"),
    (21, "100mg", "Lantern", "", "sea salt caramel bar", "edible", "Candies"),
    (22, "100mg", "Lantern", "", "toffee crunch", "edible", "Chocolates"),
    (23, "100mg", "Lantern", "", "grape gummies", "edible", "Candies"),
    (24, "100mg", "Lantern", "", "mint dark chocolate bar", "edible", "Chocolates"),
    (25, "100mg", "Lantern", "", "espresso chocolate bar", "edible", "Chocolates"),
    (26, "100mg", "Lantern", "", "sea salt chocolate bar", "edible", "Chocolates"),
]

CASES = [
    # A bar is none of the brand's gummies, chews or drinks of that flavour ...
    ("Quarry Hill - Black Cherry Bar 100mg", None),
    ("Sour Apple Bar 10mg/10pc - Quarry Hill", None),
    ("Quarry Hill Root Beer Bar 100mg", None),
    # ... but it may be a chocolate or a baked good ...
    ("Lantern - Lemon Bar - 100mg", "20"),
    ("Lantern Toffee Crunch Chocolate Bar 100mg", "22"),
    # ... and a product whose own name says "bar" is one, whatever its catalog form.
    ("Lantern Sea Salt Caramel Bar 100mg", "21"),
    # A chocolate's record naming "chocolate" names its form, no word the bar lacks; its
    # "Bites" are another shape than the bar.
    ("Lantern Mint Dark Chocolate 100mg", "24"),
    ("Lantern Mint Dark Chocolate Bites 100mg", None),
    # Names without the word are read as before.
    ("Quarry Hill - Black Cherry Gummies 100mg", "1"),
    ("Lantern Grape Gummies 100mg", "23"),
]


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_a_bar_is_no_gummy(matcher_for: Build, name: str, expected: str | None) -> None:
    matcher = matcher_for(CATALOG)
    item = matcher.index.parser().parse_pos(name, "Edibles")
    match = matcher.match(0, item)
    assert match.jane_product_id == expected, (match.status, match.reason, item)


def test_the_unlike_table_covers_the_kinds_of_its_families() -> None:
    unlike = load_knowledge().unlike["bar"]
    assert {"candy", "gummy", "chew", "hard candy", "drink", "capsule"} <= unlike
    assert not {"chocolate", "baked"} & unlike
