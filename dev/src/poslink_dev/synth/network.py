"""A network of stores: one catalog, many stores' exports in several formats, a manifest.

``generate_network`` writes, for ``poslink sync``:

- ``catalog.db``: the catalog ``generate`` makes for the same ``n_products`` and seed (the
  benchmark's 100k-product catalog is the same file);
- ``exports/<store>/``: each store's export in its own format (``pos.json`` for jane-json,
  ``pos.csv`` for csv, ``menu.json`` for menu; a share of them gzip-compressed, ``.gz``) and
  its ``labels.csv`` (the true catalog id of every record, as ``generate`` writes them);
- ``stores.toml``: the manifest, one ``[[store]]`` a store with its source and options;
- ``changed/``: the same network again with a share of each store's records changed (another
  product under the same POS ids, as when a store relabels its shelf), its own manifest and
  labels, the other records byte for byte the same.

What stores carry: a shared pool of products (catalog products and products the catalog lacks)
with Zipf-like popularity, so that the head is on nearly every shelf and the tail on few; and
store-only items. How they write them: stores fall into spelling groups (a POS system, a data
entry habit: its own name layouts and how often it uses them); a product is written the same
way across a group's stores, a store now and then writes it its own way, and flower sizes are
each store's own. Every random draw is seeded by ``seed`` and the store's or product's number,
so the same arguments give byte-identical files, whatever the order of generation.
"""

from __future__ import annotations

import gzip
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from poslink_dev.synth import _catalog, _gc_paused, _kushy
from poslink_dev.synth.catalog import Catalog
from poslink_dev.synth.feed import FILE_NAMES, FeedWriter
from poslink_dev.synth.listings import FeedPlanner, Listing, Record, shelf
from poslink_dev.synth.render import Weighted

__all__ = ["NETWORK_VERSION", "Network", "generate_network"]

# Raised whenever the same arguments come to give other files (the benchmark's cached networks
# are generated anew). 2: the stores' names rendered by the workload generator's version 3.
NETWORK_VERSION = 2

# Source name, file the generator writes, and the manifest's options for it.
_SOURCES = {
    "json": ("jane-json", FILE_NAMES["json"], ""),
    "csv": (
        "csv",
        FILE_NAMES["csv"],
        'options = { delimiter = ";", columns = { id = "SKU", name = "Product Name", '
        'brand = "Brand", category = "Category", weight = "Unit Weight", '
        'quantity = "Qty On Hand" } }',
    ),
    "menu": ("menu", FILE_NAMES["menu"], ""),
}
_FORMAT_MIX = {"json": 0.5, "csv": 0.3, "menu": 0.2}
_ZIPF = 1.0  # popularity of the shared pool's k-th product ~ 1 / k**_ZIPF


@dataclass(frozen=True)
class Network:
    """The files of one generated network."""

    folder: Path
    catalog: Path
    manifest: Path
    changed_manifest: Path
    stores: int
    records: int  # in all stores
    changed_records: int  # records of the changed copy that differ from the first


def generate_network(
    kushy_dir: Path,
    out_dir: Path,
    *,
    n_stores: int,
    per_store: int,
    n_products: int = 100_000,
    seed: int = 7,
    shared: float = 0.75,
    pool_factor: int = 20,
    groups: int = 8,
    own_spelling: float = 0.1,
    absent_share: float = 0.3,
    changed: float = 0.02,
    gzip_share: float = 0.1,
    formats: Sequence[str] = ("json", "csv", "menu"),
) -> Network:
    """Generate a network of ``n_stores`` stores of ``per_store`` records each into ``out_dir``.

    ``shared``: the chance a listing comes from the network's pool (``pool_factor`` x
    ``per_store`` products, a share ``absent_share`` of them absent from the catalog) rather
    than being the store's own; ``groups``: how many spelling groups; ``own_spelling``: the
    chance a store writes a pool product its own way; ``changed``: the share of each store's
    records changed in ``changed/``; ``gzip_share``: the share of exports gzip-compressed;
    ``formats``: the export formats stores are drawn among (json, csv, menu).
    """
    if n_stores < 1 or per_store < 1 or n_products < 1 or groups < 1:
        raise ValueError("n_stores, per_store, n_products and groups must be positive")
    for name, share in (
        ("shared", shared),
        ("own_spelling", own_spelling),
        ("absent_share", absent_share),
        ("changed", changed),
        ("gzip_share", gzip_share),
    ):
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} must be in [0, 1]")
    if not formats or set(formats) - set(_SOURCES):
        raise ValueError(f"formats: choose from {', '.join(_SOURCES)}")
    out_dir = Path(out_dir)
    for old in (out_dir / "exports", out_dir / "changed"):
        shutil.rmtree(old, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _gc_paused():
        catalog = _catalog(_kushy(Path(kushy_dir).resolve()), out_dir, n_products, seed)
        plan = _Plan(catalog, seed, shared, max(1, pool_factor * per_store), groups, absent_share)
        plan.own_spelling = own_spelling
        mix = Weighted([(f, _FORMAT_MIX[f]) for f in formats])
        lines: list[str] = []
        changed_lines: list[str] = []
        total = differ = 0
        for number in range(n_stores):
            store_id = f"s{number + 1:05d}"
            rng = random.Random(f"{seed}:store:{number}")
            fmt = mix.draw(rng)
            packed = rng.random() < gzip_share
            records = plan.store(rng, per_store)
            edited, count = plan.change(random.Random(f"{seed}:change:{number}"), records, changed)
            for folder, rows, manifest in (
                (out_dir, records, lines),
                (out_dir / "changed", edited, changed_lines),
            ):
                where = folder / "exports" / store_id
                where.mkdir(parents=True)
                with FeedWriter(where, (fmt,)) as writer:
                    for listing, recs in rows:
                        writer.write(listing, recs)
                manifest.append(_entry(store_id, fmt, _pack(where / _SOURCES[fmt][1], packed)))
            total += per_store
            differ += count
    first = _manifest(out_dir / "stores.toml", lines, "", "catalog.db")
    again = _manifest(
        out_dir / "changed" / "stores.toml",
        changed_lines,
        f" ({changed:.0%} changed)",
        "../catalog.db",
    )
    return Network(out_dir, out_dir / "catalog.db", first, again, n_stores, total, differ)


class _Plan:
    """The network's pool of products and spelling groups; draws each store's shelf."""

    def __init__(
        self,
        catalog: Catalog,
        seed: int,
        shared: float,
        pool_size: int,
        groups: int,
        absent_share: float,
    ) -> None:
        self.seed = seed
        self.shared = shared
        self.absent_share = absent_share
        self.own_spelling = 0.1
        rng = random.Random(f"{seed}:network")
        # Some repetition, so that a listing may hold a second lot of one product.
        base = FeedPlanner(catalog, rng, absent_share, repetition=0.5)
        self.pool = [base.draw_spec(rng.random() < absent_share) for _ in range(pool_size)]
        self.popularity = Weighted([(i, 1.0 / (i + 1) ** _ZIPF) for i in range(pool_size)])
        self.planners = [self._group(catalog, g) for g in range(groups)]
        self.rendered: dict[tuple[int, int], Listing] = {}

    def _group(self, catalog: Catalog, group: int) -> FeedPlanner:
        """A spelling group's planner: two of the vocabulary's layouts, its own layout share."""
        rng = random.Random(f"{self.seed}:group:{group}")
        planner = FeedPlanner(catalog, rng, self.absent_share, repetition=0.5)
        renderer = planner.renderer
        main, second = renderer.layouts.draw(rng), renderer.layouts.draw(rng)
        renderer.layouts = Weighted([(main, 0.8), (second, 0.2)])
        renderer.shares = {**renderer.shares, "layout": 0.2 + 0.7 * rng.random()}
        return planner

    def store(self, rng: random.Random, size: int) -> list[tuple[Listing, list[Record]]]:
        """One store's listings (``size`` records, sorted by name) with their records."""
        group = self.planners[int(rng.random() * len(self.planners))]
        taken: set[int] = set()

        def draw() -> Listing:
            if rng.random() < self.shared and len(taken) < len(self.pool):
                while (slot := self.popularity.draw(rng)) in taken:
                    pass  # a store shelves a product once
                taken.add(slot)
                if rng.random() < self.own_spelling:
                    return group.seeded(rng).render(self.pool[slot])
                return group.seeded(rng).resized(self._written(group, slot))
            return self._own(group, rng)

        listings = shelf(size, draw)
        records, _ = group.seeded(rng).shelve(listings, rng.randint(100_000, 9_000_000))
        return records

    def _written(self, group: FeedPlanner, slot: int) -> Listing:
        """How a spelling group writes pool product ``slot`` (the same in each of its stores)."""
        key = (self.planners.index(group), slot)
        listing = self.rendered.get(key)
        if listing is None:
            rng = random.Random(f"{self.seed}:written:{key[0]}:{slot}")
            listing = self.rendered[key] = group.seeded(rng).render(self.pool[slot])
        return listing

    def _own(self, group: FeedPlanner, rng: random.Random) -> Listing:
        """A store-only item: a catalog product or one the catalog lacks, the store's own."""
        planner = group.seeded(rng)
        return planner.render(planner.draw_spec(rng.random() < self.absent_share))

    def change(
        self, rng: random.Random, store: list[tuple[Listing, list[Record]]], share: float
    ) -> tuple[list[tuple[Listing, list[Record]]], int]:
        """The store with whole listings holding about ``share`` of its records replaced by
        other products under the same POS ids, quantities and prices; and how many records."""
        size = sum(len(records) for _, records in store)
        want = round(size * share)
        order = list(range(len(store)))
        rng.shuffle(order)
        edited = list(store)
        count = 0
        group = self.planners[int(rng.random() * len(self.planners))]
        for at in order:
            if count >= want:
                break
            old, records = store[at]
            new = self._own(group, rng)
            n = len(new.rows)
            rows = [new.rows[k % n] for k in range(len(records))]
            names = [new.names[k % n] for k in range(len(records))]
            fresh = [
                r._replace(name=full, short=short, option=size_.option if size_ else "")
                for r, (full, short), (size_, _) in zip(records, names, rows, strict=True)
            ]
            edited[at] = (replace(new, rows=rows, names=names, lots=old.lots), fresh)
            count += len(records)
        return edited, count


def _pack(path: Path, packed: bool) -> Path:
    """``path`` gzip-compressed into ``path.gz`` (and removed) when ``packed``."""
    if not packed:
        return path
    target = path.with_name(path.name + ".gz")
    # mtime 0: the same bytes on every run.
    target.write_bytes(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))
    path.unlink()
    return target


def _entry(store_id: str, fmt: str, export: Path) -> str:
    source, _, options = _SOURCES[fmt]
    relative = f"exports/{store_id}/{export.name}"
    lines = ["[[store]]", f'id = "{store_id}"', f'source = "{source}"', f'pos = "{relative}"']
    return "\n".join([*lines, *([options] if options else []), ""])


def _manifest(path: Path, entries: list[str], what: str, catalog: str) -> Path:
    header = (
        f"# A generated network of {len(entries)} stores{what}: poslink sync --manifest "
        f"{path.name} --catalog {catalog} --out DIR (from this file's folder).\n\n"
    )
    path.write_text(header + "\n".join(entries), encoding="utf-8")
    return path
