"""Catalog duplicates: products a catalog lists twice, for the catalog team to merge.

A simple finder: two products are duplicates when they have the same brand and type, and
names that are equal once punctuation, spacing and size notes ("| 100mg", "(3.5g)", "10pk")
are folded away, and their sizes do not conflict (equal, or stated by one side only).
"Marionberry Indica Enhanced Gummies 100mg" and "marionberry indica enhanced gummies | 100mg"
are one product listed twice; "Super Boof (1g)" and "Super Boof (3.5g)" are two sizes.
Two duplicates leave the matcher unable to choose, so every listing of the product is
``ambiguous`` until one of them goes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from poslink.domain.brands import brand_key
from poslink.domain.knowledge import load_knowledge
from poslink.domain.measures import MeasureReader, Measures
from poslink.domain.text import fold, folded_words
from poslink.records import CatalogProduct

Sizes = tuple[float | None, float | None, int | None, str | None]


def _sizes(m: Measures) -> Sizes:
    return (m.weight_g, m.potency_mg, m.pack, m.ratio)


def _compatible(a: Sizes, b: Sizes) -> bool:
    return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


def duplicate_groups(products: Iterable[CatalogProduct]) -> list[list[CatalogProduct]]:
    """Groups of two or more products that are one product listed more than once, each group
    in id order, the groups by their first id."""
    read = MeasureReader(load_knowledge()).read
    buckets: dict[tuple[str, str, str], list[tuple[CatalogProduct, Sizes]]] = defaultdict(list)
    for p in products:
        text, measures = read(fold(p.name))
        name = folded_words(text)
        if not name:
            continue
        key = (brand_key(p.brand), p.product_type.strip().lower(), name)
        buckets[key].append((p, _sizes(measures)))
    groups: list[list[CatalogProduct]] = []
    for members in buckets.values():
        if len(members) < 2:
            continue
        # Products stating the same sizes are one group; one stating none joins the group it
        # is compatible with when there is exactly one such group.
        stated: dict[Sizes, list[CatalogProduct]] = defaultdict(list)
        loose: list[tuple[CatalogProduct, Sizes]] = []
        for p, sizes in members:
            if any(v is not None for v in sizes):
                stated[sizes].append(p)
            else:
                loose.append((p, sizes))
        for p, sizes in loose:
            fits = [k for k in stated if _compatible(k, sizes)]
            if len(fits) == 1:
                stated[fits[0]].append(p)
            else:
                stated.setdefault(sizes, []).append(p)
        groups += [sorted(g, key=lambda p: p.id) for g in stated.values() if len(g) > 1]
    groups.sort(key=lambda g: g[0].id)
    return groups
