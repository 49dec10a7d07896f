"""A catalog's products parsed into what matching compares: brand key, core name and profile.

A *profile* is the rest of what the vetoes and agreements read (type, form, lineage, ratio,
cannabinoids, numbers, pack, potency, weight, and what the name says a device holds: the
"live resin" of a "live resin cartridge"); a few thousand distinct ones cover a million
products, so the index keeps each once. A large catalog is parsed on every core, in forked
processes that send back each part's profiles once.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from poslink.domain import load_knowledge
from poslink.domain.parser import Parser
from poslink.engines.forks import available_cores, map_forked
from poslink.records import CatalogProduct, ParsedItem

# What the scoring reads of a catalog product besides its core name: types, families,
# lineage, ratio, markers, implied markers, digits, potency, pack, weight, whether the lineage
# is a field's only, and the form hints (what a "live resin cartridge" holds).
Profile = tuple[
    frozenset[str],
    frozenset[str],
    str | None,
    str | None,
    frozenset[str],
    frozenset[str],
    tuple[str, ...],
    float | None,
    int | None,
    float | None,
    bool,
    frozenset[str],
]


# Catalogs from this many products have their names parsed on every core.
PARALLEL_FROM = 50_000

# What a process parsing part of a catalog reads: set before the parsing processes fork.
_PARSING: tuple[Parser, list[CatalogProduct], list[str]] | None = None

# A part's profiles (numbered in order of first use) and each product's brand key, core name
# and profile number: compact to send back from a parsing process.
_Part = tuple[list[Profile], list[tuple[str, str, int]]]


def _parse_part(start: int, stop: int) -> _Part:
    assert _PARSING is not None
    parser, kept, folded = _PARSING
    numbers: dict[Profile, int] = {}
    rows = []
    for i in range(start, stop):
        item = parser.parse_catalog(kept[i], folded[i])
        number = numbers.setdefault(profile_key(item), len(numbers))
        rows.append((item.brand or "", item.core, number))
    return list(numbers), rows


def parse_products(
    parser: Parser, kept: list[CatalogProduct], folded: list[str], workers: int | None
) -> Iterator[tuple[str, str, Profile]]:
    """Each product's brand key, core name and profile, in order, parsed on ``workers``."""
    if workers is None:
        workers = available_cores() if len(kept) >= PARALLEL_FROM else 1
    if workers <= 1:
        for p, name in zip(kept, folded, strict=True):
            item = parser.parse_catalog(p, name)
            yield item.brand or "", item.core, profile_key(item)
        return
    global _PARSING
    _PARSING = (parser, kept, folded)
    try:
        parts = map_forked(_parse_part, len(kept), workers)
    finally:
        _PARSING = None
    for profiles, rows in parts:
        for brand, core, number in rows:
            yield brand, core, profiles[number]


def profile_key(item: ParsedItem) -> Profile:
    """The attributes of a parsed catalog product that ``score.compare`` reads, but its name."""
    return (
        item.types,
        item.subtypes,
        item.lineage,
        item.ratio,
        item.markers,
        item.implied,
        item.digits,
        item.potency_mg,
        item.pack,
        item.weight_g,
        item.lineage_soft,
        # The contents a device's name states ("live resin cartridge"), which a veto reads;
        # other hints ("cookies" of a strain) would only split profiles.
        item.hints & _contents(),
    )


@cache
def _contents() -> frozenset[str]:
    """The form families a device may hold: the concentrates' (``forms.toml [families]``)."""
    return frozenset(n for n, f in load_knowledge().families.items() if f.product_type == "extract")


def profile_item(key: Profile) -> ParsedItem:
    """A ``ParsedItem`` holding only a profile's attributes."""
    types, subtypes, lineage, ratio, markers, implied, digits, mg, pack, weight, soft, hints = key
    return ParsedItem(
        brand=None,
        core="",
        types=types,
        subtypes=subtypes,
        lineage=lineage,
        ratio=ratio,
        markers=markers,
        implied=implied,
        digits=digits,
        potency_mg=mg,
        pack=pack,
        weight_g=weight,
        lineage_soft=soft,
        hints=hints,
    )
