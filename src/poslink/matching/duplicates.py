"""Catalog duplicates: products a catalog lists twice, for the catalog team to merge.

Two products are duplicates when the matcher cannot tell them apart: the same brand, the same
core name once brand, form words, sizes and punctuation are read out ("Marionberry Indica
Enhanced Gummies 100mg" and "marionberry indica enhanced gummies | 100mg"), the same type and
form, and the same size where one is stated ("Super Boof (1g)" and "Super Boof (3.5g)" are
two sizes, not duplicates); and none of the matcher's vetoes between them, either read as the
record (``conflict``): "1:1 Wild Cherry Gummies" is not "Wild Cherry Gummies" (a ratio), nor
"Chem #4" "Chem #7" (a strain number), nor a CBD version its THC one. A record of such a
product gets the first listed (the lowest id), or the one whose lineage field agrees with it;
``poslink catalog check`` lists the groups.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from poslink.domain.knowledge import load_knowledge
from poslink.domain.text import words
from poslink.domain.vocabulary import Vocabulary
from poslink.matching.index import CatalogIndex
from poslink.matching.score import attribute_veto, number_veto, size_veto
from poslink.records import CatalogProduct, ParsedItem

DupKey = tuple[object, ...]


def duplicate_key(index: CatalogIndex, position: int) -> DupKey:
    """What a catalog names a product by: brand, core name, type, form, size, potency, pack,
    ratio and a lineage named in the name (a product stating none of a size is not taken for
    one that states it). Products of one key are duplicates unless a veto tells them apart
    (``conflict``)."""
    p = index.profiles[index.profile_of[position]]
    return (
        index.brand_keys[position],
        index.cores[position],
        p.types,
        p.subtypes,
        p.weight_g,
        p.potency_mg,
        p.pack,
        # The ratio veto is equality: keyed, so products of two ratios never meet.
        p.ratio,
        # A lineage the name states tells products apart ("Jello Shooter Sativa"); one only a
        # field states is the catalog's noise.
        None if p.lineage_soft else p.lineage or _named_lineage(index, position),
    )


def _named_lineage(index: CatalogIndex, position: int) -> str | None:
    """The lineages a product's name states where its field says another (the product then
    has none): "sativa oil" filed as hybrid is not the brand's "indica oil"."""
    product = index.products[position]
    if not product.lineage:
        return None
    vocabulary = _vocabulary()
    named = vocabulary.scan(vocabulary.canonical(words(product.name).split())).lineages
    return "/".join(sorted(named)) or None


@cache
def _vocabulary() -> Vocabulary:
    """The parser's vocabulary, which reads a name's lineages (made once, on first use)."""
    return Vocabulary(load_knowledge())


def conflict(a: ParsedItem, b: ParsedItem) -> str:
    """The first veto the matcher finds between two catalog products, each read as the record
    of the other (a veto reads its sides differently: a cannabinoid one is ruled out by what
    the product implies), or "" when nothing tells them apart.

    Form is not compared: products of one key have one type and form.
    """
    return (
        size_veto(a, b, b.weight_g)
        or size_veto(b, a, a.weight_g)
        or attribute_veto(a, b)
        or attribute_veto(b, a)
        # No brand's word statistics: any number two products' names differ by counts.
        or number_veto(a, b, None)
    )


def duplicate_of(index: CatalogIndex, positions: Iterable[int]) -> dict[int, int]:
    """Each of ``positions`` -> the first position (in order) of its group of duplicates among
    them: a product joins the first group of its key none of whose products it conflicts with
    (``conflict`` is read per pair: a product need not conflict with every other of a group
    it stays out of)."""
    groups: dict[DupKey, list[list[int]]] = {}
    first: dict[int, int] = {}
    profiles, profile_of = index.profiles, index.profile_of
    for position in sorted(positions):
        mine = profiles[profile_of[position]]
        found = groups.setdefault(duplicate_key(index, position), [])
        for group in found:
            # Products of one key share a core name: their profiles are all a veto reads.
            if not any(conflict(mine, profiles[profile_of[q]]) for q in group):
                group.append(position)
                first[position] = group[0]
                break
        else:
            found.append([position])
            first[position] = position
    return first


def duplicate_groups(index: CatalogIndex) -> list[list[CatalogProduct]]:
    """Groups of two or more products the matcher takes for one, each in id order (the
    index's order), the groups by their first product."""
    members: dict[int, list[int]] = {}
    for position, head in duplicate_of(index, range(len(index))).items():
        members.setdefault(head, []).append(position)
    found = sorted((places for places in members.values() if len(places) > 1), key=min)
    return [[index.products[p] for p in places] for places in found]
