"""Catalog gaps: listings no catalog product matches, clustered into proposed products.

The listings are the queue's gaps (``no_match`` with no candidate at all, including every
listing of a brand the catalog lacks) and every listing a reviewer answered "not in
catalog". They are bucketed by brand (the catalog brand, else the brand as written),
product type and form, and within a bucket listings whose core names are alike (RapidFuzz
``token_sort_ratio`` of at least ``SAME_NAME``, so "Blue Dream" and "Dream Blue" and "Blue
Dreem" are one) form one proposed product: its name is the most common name as written
(brand and sizes out), with the most common subtype and lineage, every size seen, the stores
carrying it and a few listings as they were written. Proposals are ranked by stores, then listings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from poslink.console.listings import Listing
from poslink.exceptions import ConfigError
from poslink.files.atomic import AtomicFile
from poslink.sinks.base import safe_cell

SAME_NAME = 90.0
EXAMPLES = 3
COLUMNS = (
    "rank",
    "brand",
    "name",
    "product_type",
    "product_subtype",
    "lineage",
    "sizes",
    "stores",
    "listings",
    "quantity",
    "sources",
    "examples",
)


@dataclass(frozen=True, slots=True)
class ProposedProduct:
    """A product the catalog lacks, as the listings that name it suggest."""

    brand: str
    name: str
    product_type: str
    product_subtype: str
    lineage: str
    sizes: tuple[str, ...]
    stores: int
    listings: int
    quantity: float
    sources: tuple[str, ...]
    examples: tuple[str, ...]

    def row(self, rank: int) -> list[object]:
        """The product as a row of ``COLUMNS``."""
        return [
            rank,
            self.brand,
            self.name,
            self.product_type,
            self.product_subtype,
            self.lineage,
            "; ".join(self.sizes),
            self.stores,
            self.listings,
            round(self.quantity, 3),
            "; ".join(self.sources),
            " || ".join(self.examples),
        ]


def _size(x: Listing) -> str:
    item = x.item
    if item is None:
        return ""
    parts = []
    if item.weight_g:
        parts.append(f"{item.weight_g:g}g")
    if item.potency_mg:
        parts.append(f"{item.potency_mg:g}mg")
    if item.pack:
        parts.append(f"{item.pack}pk")
    return " ".join(parts)


def _brand(x: Listing) -> str:
    if x.record.brand and x.record.brand.strip():
        return x.record.brand.strip()
    return x.item.brand if x.item is not None and x.item.brand else ""


def _most(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else ""


def cluster(listings: Sequence[Listing]) -> list[ProposedProduct]:
    """The proposed products of these gap listings, most stores first."""
    buckets: dict[tuple[str, str, str], list[Listing]] = {}
    for x in listings:
        if x.item is None or not x.item.core.strip():
            continue
        # A name naming no form is read by its category's default ("Flower": flower).
        plain = x.item.prefer if x.item.prefer and not x.item.subtypes else None
        ptype = plain or "/".join(sorted(x.item.types))
        subtype = "/".join(sorted(x.item.subtypes))
        buckets.setdefault((_brand(x).lower(), ptype, subtype), []).append(x)
    out: list[ProposedProduct] = []
    for (_, ptype, _), members in buckets.items():
        names = sorted({" ".join(sorted(x.item.core.split())) for x in members if x.item})
        parent = list(range(len(names)))
        for i, name in enumerate(names):
            for _, _, j in process.extract(
                name, names, scorer=fuzz.token_sort_ratio, score_cutoff=SAME_NAME, limit=None
            ):
                parent[_root(parent, j)] = _root(parent, i)
        where = {name: _root(parent, i) for i, name in enumerate(names)}
        clusters: dict[int, list[Listing]] = {}
        for x in members:
            assert x.item is not None
            clusters.setdefault(where[" ".join(sorted(x.item.core.split()))], []).append(x)
        for group in clusters.values():
            out.append(_proposed(group, ptype))
    out.sort(key=lambda p: (-p.stores, -p.listings, -p.quantity, p.brand.lower(), p.name))
    return out


def _root(parent: list[int], i: int) -> int:
    """The representative of ``i``'s cluster (union-find, with path halving)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _proposed(group: list[Listing], ptype: str) -> ProposedProduct:
    items = [x.item for x in group if x.item is not None]
    sizes = sorted({s for s in map(_size, group) if s})
    examples = Counter(f"{x.record.name} ({x.store})" for x in group)
    return ProposedProduct(
        brand=_most(_brand(x) for x in group),
        name=_most(x.display or (x.item.core if x.item else "") for x in group),
        product_type=ptype,
        product_subtype=_most("/".join(sorted(i.subtypes)) for i in items),
        lineage=_most(i.lineage or "" for i in items),
        sizes=tuple(sizes),
        stores=len({x.store for x in group}),
        listings=len(group),
        quantity=sum(x.quantity or 0.0 for x in group),
        sources=tuple(sorted({x.source for x in group})),
        examples=tuple(e for e, _ in examples.most_common(EXAMPLES)),
    )


def export(products: Sequence[ProposedProduct], path: Path) -> int:
    """Write the proposals as CSV, or Parquet for a ``.parquet`` path, atomically; how many."""
    if path.suffix.lower() == ".parquet":
        return _parquet(products, path)
    if path.suffix.lower() not in (".csv", ""):
        raise ConfigError(f"{path}: write .csv or .parquet")
    import csv

    out = AtomicFile(path)
    try:
        writer = csv.writer(out.open())
        writer.writerow(COLUMNS)
        for rank, p in enumerate(products, start=1):
            writer.writerow([safe_cell(c) for c in p.row(rank)])
        out.commit()
    except BaseException:
        out.abort()
        raise
    return len(products)


def _parquet(products: Sequence[ProposedProduct], path: Path) -> int:
    import os
    import tempfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [p.row(rank) for rank, p in enumerate(products, start=1)]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS]
    kinds = [pa.int64(), *[pa.string()] * 6, pa.int64(), pa.int64(), pa.float64()]
    kinds += [pa.string(), pa.string()]
    table = pa.table(
        {
            name: pa.array(list(col), kind)
            for name, col, kind in zip(COLUMNS, columns, kinds, strict=True)
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(products)
