"""A line's name read from the parts of a brand's catalog names (docs/matching.md).

A catalog writes some products as a line's name and the product's own ("night shift -
velvet thunder"); stores leave the line's name out. Words of a part that several of the
brand's names carry beside parts that differ weigh as a line's, however few products the
line has. The catalog is invented for these tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from poslink.matching import Matcher

Build = Callable[[Sequence[tuple[object, ...]]], Matcher]

_PLAIN = [
    "amber comet",
    "scarlet willow",
    "copper moon",
    "silver fern",
    "jade river",
    "ivory tide",
    "cobalt pine",
    "golden mesa",
]

# (id, amount, brand, lineage, name, product_type, product_subtype): eight plain flowers, a
# line of two pre-rolls ("night shift - ..."), a concentrate line written after the strain
# ("... - reserve", two of them), one strain listed as flower and pre-roll ("ember fox -
# velvet comet"), and a name whose parenthesis repeats across forms.
CATALOG: list[tuple[object, ...]] = [
    *((i, "", "Moonlit Botanicals", "", name, "flower", "") for i, name in enumerate(_PLAIN, 1)),
    (20, "", "Moonlit Botanicals", "", "night shift - velvet thunder", "pre-roll", "Pre-Rolls"),
    (21, "", "Moonlit Botanicals", "", "night shift - polar sunrise", "pre-roll", "Pre-Rolls"),
    (30, "", "Moonlit Botanicals", "", "harbor glow shatter - reserve", "extract", "Shatter"),
    (31, "", "Moonlit Botanicals", "", "sable ridge shatter - reserve", "extract", "Shatter"),
    (40, "", "Moonlit Botanicals", "", "ember fox - velvet comet", "flower", ""),
    (41, "", "Moonlit Botanicals", "", "ember fox - velvet comet - pre-roll", "pre-roll", ""),
    (50, "", "Moonlit Botanicals", "", "lunar kite (lk) | 1g", "vape", "Cartridges"),
    (51, "", "Moonlit Botanicals", "", "lunar kite (lk) | disposable", "vape", "Disposables"),
]


def test_a_part_several_names_share_beside_others_is_a_line(matcher_for: Build) -> None:
    words = matcher_for(CATALOG).index.brand_words("moonlit botanicals")
    assert words is not None
    assert words.line("night") and words.line("shift") and words.line("reserve")
    # One product in two forms shares all its parts: none of them is a line's.
    assert not words.line("ember") and not words.line("velvet") and not words.line("comet")
    assert not words.line("lunar") and not words.line("lk")


@pytest.mark.parametrize(
    ("name", "category", "expected"),
    [
        # The line's name left out: the strain tells the product apart.
        ("Moonlit Botanicals Velvet Thunder Pre-Roll 1g", "Pre-Rolls", "20"),
        ("Polar Sunrise PR | Moonlit Botanicals", "Pre-Rolls", "21"),
        ("Moonlit - Harbor Glow Shatter 1g", "Concentrates", "30"),
        # Named in part, a strain is not its whole: "ember fox" is no line (the same
        # product's two listings share it), so "Velvet Comet" alone stays unlinked.
        ("Moonlit Botanicals Velvet Comet 3.5g", "Flower", None),
        # A strain the line does not list is not its product.
        ("Moonlit Botanicals Night Shift Amber Moon Pre-Roll", "Pre-Rolls", None),
    ],
)
def test_a_line_name_stores_leave_out(
    matcher_for: Build, name: str, category: str, expected: str | None
) -> None:
    matcher = matcher_for(CATALOG)
    match = matcher.match(0, matcher.index.parser().parse_pos(name, category))
    assert match.jane_product_id == expected, match.reason
