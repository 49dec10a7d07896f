"""Catalog duplicates: products a catalog lists twice, for the catalog team to merge.

Two products are duplicates when the matcher cannot tell them apart: the same brand, the same
core name once brand, form words, sizes and punctuation are read out ("Marionberry Indica
Enhanced Gummies 100mg" and "marionberry indica enhanced gummies | 100mg"), the same type and
form, and the same size where one is stated ("Super Boof (1g)" and "Super Boof (3.5g)" are
two sizes, not duplicates). A record of such a product gets the first listed (the lowest id),
or the one whose lineage field agrees with it; ``poslink catalog check`` lists the groups.
"""

from __future__ import annotations

from collections import defaultdict

from poslink.matching.index import CatalogIndex
from poslink.records import CatalogProduct

DupKey = tuple[object, ...]


def duplicate_key(index: CatalogIndex, position: int) -> DupKey:
    """What the matcher tells products apart by: brand, core name, type, form, size, potency,
    pack and a lineage named in the name (a product stating none of a size is not taken for one
    that states it)."""
    p = index.profiles[index.profile_of[position]]
    return (
        index.brand_keys[position],
        index.cores[position],
        p.types,
        p.subtypes,
        p.weight_g,
        p.potency_mg,
        p.pack,
        # A lineage the name states tells products apart ("Jello Shooter Sativa"); one only a
        # field states is the catalog's noise.
        None if p.lineage_soft else p.lineage,
    )


def duplicate_groups(index: CatalogIndex) -> list[list[CatalogProduct]]:
    """Groups of two or more products the matcher takes for one, each in id order (the
    index's order), the groups by their first product."""
    groups: dict[DupKey, list[int]] = defaultdict(list)
    for position in range(len(index)):
        groups[duplicate_key(index, position)].append(position)
    found = [places for places in groups.values() if len(places) > 1]
    found.sort(key=lambda places: places[0])
    return [[index.products[p] for p in places] for places in found]
