"""The POS feed as listings: which product each names, how it is written, its sizes and records.

A :class:`Listing` is one product on one store's shelf; each of its records is one size or lot
of it, so records of a listing share one true catalog id. Stores are runs of listings sorted by
name, as POS exports are, with their own increasing POS ids.

What a listing names, a catalog product or one the catalog lacks (truth blank, of the hard
kinds a matcher must refuse), is ``specs``' part; how it is written, and its tier,
``store_names``'.

With repetition, listings recur in later stores (new POS ids), and a few listings hold a
second lot of one product (same POS id, another quantity), as real exports do.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import combinations
from math import comb
from typing import NamedTuple

from poslink_dev.synth.catalog import Catalog
from poslink_dev.synth.forms import FORMS, Form, Weight
from poslink_dev.synth.render import PosName, Weighted, below, pick
from poslink_dev.synth.specs import Spec, SpecDrawer
from poslink_dev.synth.store_names import EXACT, Renderer, StoreName

POOL_SIZE = 50_000  # listings kept for repeating across stores
_ID_STEPS = (1, 1, 1, 1, 2, 2, 3, 5, 8, 13)  # POS ids rise with gaps, as in real exports
_SHELF_COUNTS = {1: 0.4, 2: 0.4, 3: 0.2}  # how many sizes of one flower a store shelves
_FLOWER_SIZES = {
    i: Weighted(
        [
            (sizes, share / comb(len(f.weights), k))
            for k, share in _SHELF_COUNTS.items()
            for sizes in combinations(f.weights, k)
        ]
    )
    for i, f in enumerate(FORMS)
    if f.family == "flower"
}
_SIZES = {(i, w.option): w for i, f in enumerate(FORMS) for w in f.weights}


class Record(NamedTuple):
    """One feed record: the POS id, its names, size option, quantity and price."""

    pos_id: int
    name: str  # the full POS name, brand included
    short: str  # the name without the brand
    option: str  # the size ("3.5g", "500mg") or ""
    quantity: float
    price: float


@dataclass(slots=True)
class Listing:
    """One product on a store's shelf, rendered; ``rows`` has one entry per feed record."""

    spec: Spec
    form: Form
    note: str
    name: PosName | StoreName
    strain: str | None
    rows: list[tuple[Weight | None, str]]  # (size, how the name prints it) per record
    names: list[tuple[str, str]]  # (full name, name in the CSV) per record
    lots: int  # how many of the last rows repeat the previous row's POS id (a second lot)
    tier: str  # exact, store, store_none, other_brand (see store_names)
    brand_field: str  # the Brand column (CSV, menu)
    category: str  # the store category (CSV)
    csv_with_brand: bool  # the CSV's name keeps the brand

    def named(self, rows: list[tuple[Weight | None, str]]) -> list[tuple[str, str]]:
        """The (full name, CSV name) of each row."""
        name = self.name
        return [
            (
                name.full(shown),
                name.full(shown) if self.csv_with_brand else name.without_brand(shown),
            )
            for _, shown in rows
        ]


class FeedPlanner:
    """Draws listings for a feed from a catalog, seeded by ``rng``."""

    def __init__(
        self, catalog: Catalog, rng: random.Random, absent_share: float, repetition: float
    ) -> None:
        self.catalog = catalog
        self.rng = rng
        self.absent_share = absent_share
        self.repetition = repetition
        self.pool: list[Listing] = []
        self.seen: set[int] | None = set() if repetition == 0 else None
        self.shelved: set[int] = set()  # pool slots already in the current store
        # The spec drawer and the renderer draw from the planner's rng (seeded() swaps all
        # three): one sequence of draws, so one seed gives one feed.
        self.specs = SpecDrawer(catalog, rng)
        self.form_words = [Weighted(form.pos_words) for form in FORMS]
        self.renderer = Renderer(catalog, rng)

    def stores(self, n_records: int) -> Iterator[list[tuple[Listing, list[Record]]]]:
        """Stores holding ``n_records`` records in all: listings sorted by name, with records."""
        rng = self.rng
        left = n_records
        pos_id = rng.randint(100_000, 200_000)
        while left > 0:
            size = min(left, rng.randint(200, 2500))
            self.shelved.clear()
            listings = shelf(size, self._next_listing)
            left -= size
            pos_id += rng.randint(1_000, 50_000)  # every store numbers its own products
            store, pos_id = self.shelve(listings, pos_id)
            yield store

    def shelve(
        self, listings: list[Listing], pos_id: int
    ) -> tuple[list[tuple[Listing, list[Record]]], int]:
        """The records of one store's listings, POS ids rising from ``pos_id``; and the last id."""
        rng = self.rng
        store: list[tuple[Listing, list[Record]]] = []
        for listing in listings:
            records: list[Record] = []
            first_lot = len(listing.rows) - listing.lots
            for k, ((size_, _), (full, short)) in enumerate(
                zip(listing.rows, listing.names, strict=True)
            ):
                if k < first_lot or k == 0:
                    pos_id += pick(_ID_STEPS, rng)
                weight = size_ or listing.form.weights[0]
                price = round(weight.price * rng.uniform(0.85, 1.3), 2)
                option = size_.option if size_ else ""
                quantity = float(1 + below(60, rng))
                records.append(Record(pos_id, full, short, option, quantity, price))
            store.append((listing, records))
        return store, pos_id

    # --- for generators that plan their own stores (``network.py``) -------------------------

    def seeded(self, rng: random.Random) -> FeedPlanner:
        """This planner drawing from ``rng`` from now on (its spec drawer and renderer too)."""
        self.rng = self.renderer.rng = self.specs.rng = rng
        return self

    def draw_spec(self, absent: bool) -> Spec:
        """A catalog product (``absent``: a product the catalog lacks), drawn at random."""
        return self.specs.absent() if absent else self.specs.present()

    def render(self, spec: Spec) -> Listing:
        """The listing of ``spec`` as this planner's renderer writes it, with its sizes."""
        return self._render(spec)

    def resized(self, listing: Listing) -> Listing:
        """The same listing (one lot) in another store: flower with the sizes it shelves."""
        if listing.form.family == "flower" and listing.tier != EXACT:
            rows = self._rows(listing.spec, listing.form)
        else:
            rows = listing.rows[: len(listing.rows) - listing.lots]  # a second lot is local
        return replace(listing, rows=rows, names=listing.named(rows), lots=0)

    def _next_listing(self) -> Listing:
        rng = self.rng
        if self.pool and rng.random() < self.repetition:
            slot = below(len(self.pool), rng)
            if slot not in self.shelved:  # a store shelves a product once
                self.shelved.add(slot)
                return self._repeat(self.pool[slot])
        for _ in range(30):  # a tiny catalog may run out of new names: then a repeat it is
            spec = self.specs.absent() if rng.random() < self.absent_share else self.specs.present()
            listing = self._render(spec)
            if self._fresh(listing):
                break
        if self.repetition > 0:
            slot = len(self.pool) if len(self.pool) < POOL_SIZE else below(POOL_SIZE, rng)
            if slot == len(self.pool):
                self.pool.append(listing)
            else:
                self.pool[slot] = listing
            self.shelved.add(slot)
        return listing

    def _fresh(self, listing: Listing) -> bool:
        """Without repetition no two records share a name: whether this listing's names are new."""
        if self.seen is None:
            return True
        # A cheap deterministic 64-bit digest; a rare false "seen" only costs a redraw.
        digests = []
        for full, _ in listing.names:
            data = full.encode()
            digests.append(zlib.crc32(data) << 32 | zlib.adler32(data))
        if any(d in self.seen for d in digests):
            return False
        self.seen.update(digests)
        return True

    def _repeat(self, listing: Listing) -> Listing:
        """The same product in another store: mostly the same name; flower sizes vary."""
        if self.rng.random() < 0.2:
            return self._render(listing.spec)
        return self.resized(listing)

    # --- how the listing is written ------------------------------------------------------

    def _render(self, spec: Spec) -> Listing:
        form = FORMS[spec.form]
        written = self.renderer.render(spec, form, self.form_words[spec.form])
        rows = self._rows(spec, form)
        if written.tier == EXACT:
            rows = rows[:1]  # the catalog's text says no size: one record
        lots = 0
        if self.repetition > 0 and len(rows) == 1 and self.rng.random() < 0.01:
            rows, lots = rows * 2, 1  # two lots of one product: same POS id, two quantities
        listing = Listing(
            spec,
            form,
            written.note,
            written.name,
            written.strain,
            rows,
            [],
            lots,
            written.tier,
            written.brand_field,
            written.category,
            written.csv_with_brand,
        )
        listing.names = listing.named(rows)
        return listing

    def _rows(self, spec: Spec, form: Form) -> list[tuple[Weight | None, str]]:
        """The sizes on the shelf: several for flower, the catalog's own amount when it has one."""
        rng = self.rng
        fixed = _SIZES.get((spec.form, spec.amount)) if spec.amount else None
        if fixed is not None:
            sizes: list[Weight | None] = [fixed if rng.random() < 0.8 else None]
        elif form.family == "flower":
            sizes = list(_FLOWER_SIZES[spec.form].draw(rng))
        else:
            sizes = [pick(form.weights, rng) if rng.random() < 0.75 else None]
        return [(size, pick(size.displays, rng) if size else "") for size in sizes]


def shelf(size: int, draw: Callable[[], Listing]) -> list[Listing]:
    """Listings from ``draw`` holding ``size`` records exactly, sorted by name as exports are."""
    listings: list[Listing] = []
    count = 0
    while count < size:
        listing = draw()
        cut = count + len(listing.rows) - size
        if cut > 0:  # the last listing loses sizes to fit exactly
            keep = len(listing.rows) - cut
            listing.rows, listing.names = listing.rows[:keep], listing.names[:keep]
            listing.lots = max(0, listing.lots - cut)
        listings.append(listing)
        count += len(listing.rows)
    listings.sort(key=lambda item: item.names[0][1].lower())
    return listings
