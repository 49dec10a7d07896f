"""The matcher's decisions: vetoes, threshold, margin and tie-breaks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from poslink.matching import Matcher
from poslink.records import Status

Build = Callable[[Sequence[tuple[object, ...]]], Matcher]

CATALOG = [
    (1, "", "Gold Leaf", "hybrid", "gelato", "extract", "Waxes"),
    (2, "500mg", "Gold Leaf", "hybrid", "gelato vaporizer cartridge", "vape", "Cartridges"),
    (3, "10pk", "Gold Leaf", "hybrid", "grape gummies", "edible", "Candies"),
    (4, "10pk", "Gold Leaf", "", "grape gummies", "edible", "Candies"),
    (5, "", "Gold Leaf", "", "1:2 green apple", "edible", "Candies"),
    (6, "10pk", "Gold Leaf", "cbd", "2:1 green apple", "edible", "Candies"),
    (7, "", "Grassroots", "hybrid", "chem 4", "flower", ""),
    (8, "", "Grassroots", "hybrid", "chem dawg", "flower", ""),
    (9, "", "Bedford Grow", "hybrid", "blockhead", "extract", "Other"),
    (10, "", "Bedford Grow", "hybrid", "blockhead", "extract", "Waxes"),
    (11, "4pk", "SCCS", "cbd", "brownie pop cbd", "edible", "Baked Goods"),
    (12, "4pk", "SCCS", "", "brownie pop thc", "edible", "Baked Goods"),
    (13, "4pk", "SCCS", "", "1:1 brownie pop", "edible", "Baked Goods"),
    (14, "", "Grassroots", "indica", "blue dream haze", "flower", ""),
    (15, "", "Other Brand", "indica", "blue dream", "flower", ""),
    (16, "", "Other Brand", "indica", "cosmic dream", "vape", "Cartridges"),
    (17, "", "Grassroots", "", "truffle dark chocolate", "edible", "Chocolates"),
    (18, "", "Grassroots", "", "dark chocolate truffle", "edible", "Chocolates"),
    (19, "", "Grassroots", "hybrid", "platinum kush", "flower", ""),
    (20, "", "Gold Leaf", "", "sour grapes", "vape", "Cartridges"),
    (21, "", "Grassroots", "", "sour grapes", "vape", "Cartridges"),
    # Lineage fields contradicting the names: still two products, not duplicates.
    (22, "", "Harbor Extracts", "hybrid", "sativa oil", "extract", "Oils"),
    (23, "", "Harbor Extracts", "hybrid", "indica oil", "extract", "Oils"),
]


@pytest.mark.parametrize(
    ("name", "category", "expected", "status"),
    [
        ("Gelato RAW WAX -1.0g- Gold Leaf", "", 1, Status.MATCHED),
        ("Gelato Sunrock SHATTER -1.0g- Gold Leaf", "", None, Status.NO_MATCH),
        ("Gelato SHATTER -1.0g- Gold Leaf", "", None, Status.NO_MATCH),  # form veto
        ("Gelato Vaporizer CARTRIDGE -500mg- Gold Leaf", "", 2, Status.MATCHED),
        ("Gelato FLOWER -3.5g- Gold Leaf", "", None, Status.NO_MATCH),  # type veto
        ("Grape Gummies -HYBRID- Gold Leaf", "", 3, Status.MATCHED),  # lineage breaks the tie
        ("Grape Gummies -INDICA- Gold Leaf", "", 4, Status.MATCHED),  # lineage conflict vetoes 3
        # the same name, form and size twice (lineage fields aside): duplicates, first listed
        ("Grape Gummies Gold Leaf", "", 3, Status.MATCHED),
        ("Green Apple 2:1 Gummies -CBD- Gold Leaf", "", 6, Status.MATCHED),
        ("Green Apple Gummies Gold Leaf", "", None, Status.NO_MATCH),  # ratio on one side only
        ("Chem 4 - 1.0g - Grassroots", "Usable Marijuana", 7, Status.MATCHED),
        ("Chem 91 - 1.0g - Grassroots", "Usable Marijuana", None, Status.NO_MATCH),
        ("Chem Dawg -3.5g- Grassroots", "Usable Marijuana", 8, Status.MATCHED),
        ("Chemdawg -3.5g- Grassroots", "Usable Marijuana", 8, Status.MATCHED),
        (
            "Blockhead -1.0g- Bedford Grow",
            "Marijuana Extract for Inhalation",
            None,
            Status.AMBIGUOUS,
        ),
        ("Brownie Pop CBD (4-Pack) - SCCS", "", 11, Status.MATCHED),
        ("Brownie Pop (4-Pack) - SCCS", "", 12, Status.MATCHED),  # thc is the default
        ("Brownie Pop CBN (4-Pack) - SCCS", "", None, Status.NO_MATCH),
        ("Blue Dream -3.5g- Grassroots", "Usable Marijuana", None, Status.NO_MATCH),
        ("Blue Dream -3.5g- Tidewater", "Usable Marijuana", None, Status.NO_MATCH),
        ("Blue Drem Haze -3.5g- Grassroots", "Usable Marijuana", 14, Status.MATCHED),  # typo
        ("Blue Cream Haze -3.5g- Grassroots", "Usable Marijuana", None, Status.NO_MATCH),
        ("Platinum OG Kush -3.5g- Grassroots", "Usable Marijuana", None, Status.NO_MATCH),
        ("Dark Chocolate Truffle - Grassroots", "", 18, Status.MATCHED),  # word order breaks tie
        # no brand in the name: a unique, near-exact name across all brands, or nothing
        ("Cosmic Dream Vape Cart -1g-", "", 16, Status.MATCHED),
        ("Cosmic Drift Vape Cart -1g-", "", None, Status.NO_MATCH),
        ("Sour Grapes Vape Cart -1g-", "", None, Status.AMBIGUOUS),
        # Not the first listed of two "duplicates" whose names say other lineages.
        ("Harbor Extracts Indica Oil 1g", "", None, Status.AMBIGUOUS),
    ],
)
def test_decisions(
    matcher_for: Build, name: str, category: str, expected: int | None, status: Status
) -> None:
    matcher = matcher_for(CATALOG)
    item = matcher.index.parser().parse_pos(name, category)
    match = matcher.match(0, item)
    expected_id = None if expected is None else str(expected)
    assert (match.jane_product_id, match.status) == (expected_id, status), match.reason


def test_identical_records_are_decided_once(matcher_for: Build) -> None:
    matcher = matcher_for(CATALOG)
    parser = matcher.index.parser()
    first = matcher.match(0, parser.parse_pos("Gelato RAW WAX -1.0g- Gold Leaf"))
    second = matcher.match(1, parser.parse_pos("GELATO raw wax -1.0g- GOLD LEAF"))
    assert matcher.cache_hits == 1
    assert (second.row, second.jane_product_id) == (1, first.jane_product_id)


def test_threshold_is_respected(matcher_for: Build) -> None:
    matcher = matcher_for(CATALOG)
    item = matcher.index.parser().parse_pos("Gelatto RAW WAX Gold Leaf")
    assert matcher.match(0, item).jane_product_id == "1"
    strict = Matcher(matcher.index, matcher.config.model_copy(update={"threshold": 0.99}))
    assert strict.match(0, item).status is Status.NO_MATCH


EXCLUSIVE = [
    (1, "1g", "Exclusive", "", "gelato shatter", "extract", "Shatter"),
    (2, "1g", "Exclusive", "", "tangie shatter", "extract", "Shatter"),
    (3, "1g", "Acme", "", "exclusive og shatter", "extract", "Shatter"),
    (4, "1g", "Acme", "", "tangie shatter", "extract", "Shatter"),
]


def test_a_remembered_decision_is_one_the_record_would_get(matcher_for: Build) -> None:
    # "Exclusive OG Shatter" is Acme's product read past the brand its name starts with, but
    # not when a Brand field says Exclusive: the two parse alike but for where the brand came
    # from, and one must not be given the other's remembered decision, in either order.
    matcher = matcher_for(EXCLUSIVE)
    parser = matcher.index.parser()
    named = parser.parse_pos("Exclusive OG Shatter", "Concentrates")
    fielded = parser.parse_pos("Exclusive OG Shatter", "Concentrates", brand="Exclusive")
    records = {"named": named, "fielded": fielded}
    alone = {
        k: matcher_for(EXCLUSIVE).match(0, item).jane_product_id for k, item in records.items()
    }
    assert alone == {"named": "3", "fielded": None}
    for order in (("named", "fielded"), ("fielded", "named")):
        both = matcher_for(EXCLUSIVE)
        got = [both.match(0, records[k]).jane_product_id for k in order]
        assert got == [alone[k] for k in order], order
