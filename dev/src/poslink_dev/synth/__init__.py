"""Seeded workloads built from the public Kushy data set: a catalog, a POS feed, true labels.

``generate`` writes into one folder a Jane-style catalog (``catalog.db``), the same POS feed in
three formats (``pos.json``, ``pos.csv``, ``menu.json``) and ``labels.csv`` with the true
catalog id of every record, the ids accepted and its tier. The same arguments always give
byte-identical files. Kushy is read where it lies, at generation time; nothing of it is kept
in the repository.

What is rendered follows what real menus show (``data/renderings.toml``,
``data/nicknames.toml``, ``forms.py``, ``name_words.py``: the generator's own vocabulary, never
the parser's): catalog names with the brand, a size, the lineage or a product line's word in
them, catalog duplicates, the whole subtype taxonomy; store names in many layouts, with
nicknames, short and cut words, typos, lineage tags, pack counts and words that name no product;
Brand columns and categories as stores fill them. Labels are by tier: ``exact`` (the catalog's
own text), ``store`` (a store's rendering of a catalog product), ``store_none`` (a store's
rendering of a catalog brand's product the catalog lacks) and ``other_brand``.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from poslink_dev.synth import kushy
from poslink_dev.synth.catalog import Catalog
from poslink_dev.synth.feed import FILE_NAMES, FORMATS, FeedWriter
from poslink_dev.synth.listings import FeedPlanner
from poslink_dev.synth.pools import Pools

__all__ = ["FORMATS", "VERSION", "Workload", "generate"]

# Raised whenever the same arguments come to give other files (workloads kept by the benchmark
# are generated anew). 2: real menus' renderings, tiers, catalog duplicates, the whole taxonomy.
# 3: no pack printed on a single pre-roll's record, and a pre-roll pack's record always
# counts its pieces.
VERSION = 3


@dataclass(frozen=True)
class Workload:
    """The files of one generated workload (feed formats not asked for are not written)."""

    catalog: Path  # the SQLite file
    pos_json: Path
    pos_csv: Path
    menu_json: Path
    labels: Path
    n_products: int
    n_records: int


@lru_cache(maxsize=2)
def _kushy(kushy_dir: Path) -> kushy.KushyData:
    """The cleaned data set; cached because tests generate several workloads from it."""
    return kushy.load(kushy_dir)


def generate(
    kushy_dir: Path,
    out_dir: Path,
    *,
    n_products: int,
    n_records: int,
    seed: int = 0,
    repetition: float = 0.0,
    absent_share: float = 0.4,
    formats: Sequence[str] = FORMATS,
    csv_delimiter: str = ";",
) -> Workload:
    """Generate a catalog of ``n_products`` and a feed of ``n_records`` into ``out_dir``.

    ``absent_share`` of the records name products the catalog does not have (label blank).
    ``repetition`` is the chance that a listing repeats one seen in an earlier store (new POS
    ids, mostly the same name, other sizes); at 0 no two records share a name. The catalog
    depends only on ``kushy_dir``, ``n_products`` and ``seed``.
    """
    if n_products < 1 or n_records < 0:
        raise ValueError("n_products must be positive and n_records not negative")
    if not 0.0 <= repetition < 1.0 or not 0.0 <= absent_share <= 1.0:
        raise ValueError("repetition must be in [0, 1) and absent_share in [0, 1]")
    if unknown := sorted(set(formats) - set(FORMATS)):
        raise ValueError(f"unknown formats {unknown}: choose from {FORMATS}")
    with _gc_paused():
        return _generate(
            _kushy(Path(kushy_dir).resolve()),
            Path(out_dir),
            n_products,
            n_records,
            seed,
            repetition,
            absent_share,
            formats,
            csv_delimiter,
        )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Cyclic GC off while generating: millions of short-lived acyclic objects, no cycles.

    The collector would otherwise rescan the data set's objects over and over (~20% of the time).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _catalog(data: kushy.KushyData, out_dir: Path, n_products: int, seed: int) -> Catalog:
    """The catalog of ``n_products`` for ``seed``, written to ``out_dir/catalog.db``: a workload
    and a network of the same size and seed have the same file."""
    pools = Pools(data, random.Random(f"{seed}:pools"))
    catalog = Catalog(pools, n_products, random.Random(f"{seed}:catalog"))
    catalog.write(out_dir / "catalog.db")
    return catalog


def _generate(
    data: kushy.KushyData,
    out_dir: Path,
    n_products: int,
    n_records: int,
    seed: int,
    repetition: float,
    absent_share: float,
    formats: Sequence[str],
    csv_delimiter: str,
) -> Workload:
    out_dir.mkdir(parents=True, exist_ok=True)
    catalog = _catalog(data, out_dir, n_products, seed)
    planner = FeedPlanner(catalog, random.Random(f"{seed}:feed"), absent_share, repetition)
    with FeedWriter(out_dir, formats, csv_delimiter) as writer:
        writer.write_all(planner.stores(n_records))
    return Workload(
        catalog=out_dir / "catalog.db",
        pos_json=out_dir / FILE_NAMES["json"],
        pos_csv=out_dir / FILE_NAMES["csv"],
        menu_json=out_dir / FILE_NAMES["menu"],
        labels=out_dir / FILE_NAMES["labels"],
        n_products=len(catalog),
        n_records=writer.rows,
    )
