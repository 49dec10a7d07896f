"""The POS feed as listings: which product each names (present or absent) and how it is written.

A :class:`Listing` is one product on one store's shelf; each of its records is one size or lot
of it, so records of a listing share one true catalog id. Stores are runs of listings sorted by
name, as POS exports are, with their own increasing POS ids.

Absent listings (truth blank) are the hard kinds a matcher must refuse:

- ``other form``: a catalog product's brand and strain in a form the catalog lacks (a shatter
  where the catalog has the cartridge, shake where it has flower);
- ``not carried``: a catalog brand with a name the catalog sells only under other brands;
- ``unknown brand``: a brand that is in no catalog, with a name and form the catalog sells;
- ``name variant``: a catalog name with a word or number added, removed or changed ("Blue Dream
  Haze", "OG Kush #18"), or an edible with another ratio or cannabinoid ("2:1" for "1:1").

An absent record is never one its brand sells under a name read alike (the same words in any
order, a leading "The" or a trailing "THC" aside, a nickname for its full name; see
``Pools.alike``), nor in a form a careful reader could take for the one the catalog has
(``forms.CONFUSABLE``: a wax for a live resin), and always shows its brand. How each listing
is written, and its tier, is ``store_names``' part.

With repetition, listings recur in later stores (new POS ids), and a few listings hold a
second lot of one product (same POS id, another quantity), as real exports do.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import combinations
from math import comb
from typing import NamedTuple

from poslink_dev.synth.catalog import NO_NOUN, NOUN_SHIFT, Catalog
from poslink_dev.synth.forms import CONFUSED_WITH, FORMS, LINEAGES, Form, Weight
from poslink_dev.synth.kushy_forms import NOT_STRAINS
from poslink_dev.synth.name_words import MARKERS, RATIOS, STRAIN_PREFIXES, STRAIN_SUFFIXES
from poslink_dev.synth.pools import FLAVOR, PRODUCT
from poslink_dev.synth.render import PosName, Weighted, below, pick, says_noun, split_ratio
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
# Per form: the other forms of its product type, and (strain forms) every other strain form.
_OTHER_FORMS = [
    (
        [
            j
            for j, f in enumerate(FORMS)
            if f.product_type == form.product_type
            and f is not form
            and f.strain_based == form.strain_based
        ],
        [j for j, f in enumerate(FORMS) if f.strain_based and form.strain_based and f is not form],
    )
    for form in FORMS
]
_SIZES = {(i, w.option): w for i, f in enumerate(FORMS) for w in f.weights}
# Words whose removal leaves the same product: a lineage tag or marker may still say them.
_KEEP_WORDS = frozenset({"indica", "sativa", "hybrid", "cbd", "thc", "cbn"})
_NUMBER = re.compile(r"#?(\d+)(?!.*\d)")


class Record(NamedTuple):
    """One feed record: the POS id, its names, size option, quantity and price."""

    pos_id: int
    name: str  # the full POS name, brand included
    short: str  # the name without the brand
    option: str  # the size ("3.5g", "500mg") or ""
    quantity: float
    price: float


class Spec(NamedTuple):
    """What a listing names: brand, core name, form; and its true catalog id (None: absent)."""

    truth: int | None
    note: str
    brand: int
    core: str
    kind: int  # pools.STRAIN, FLAVOR or PRODUCT
    form: int
    lineage: str
    amount: str  # the catalog's amount ("500mg", "10pk") or ""
    noun: int  # product forms: which noun; -1: none
    slot: int  # the catalog product it was drawn from
    twin: int | None  # present: the id of the product's duplicate in the catalog, if any
    outside: bool  # absent: its brand is in no catalog


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
        self.pools = catalog.pools
        self.rng = rng
        self.absent_share = absent_share
        self.repetition = repetition
        self.pool: list[Listing] = []
        self.seen: set[int] | None = set() if repetition == 0 else None
        self.shelved: set[int] = set()  # pool slots already in the current store
        self.absent_kinds: Weighted[Callable[[], Spec | None]] = Weighted(
            [
                (self._other_form, 0.35),
                (self._not_carried, 0.25),
                (self._unknown_brand, 0.25),
                (self._name_variant, 0.15),
            ]
        )
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
        """This planner drawing from ``rng`` from now on (its renderer too)."""
        self.rng = self.renderer.rng = rng
        return self

    def draw_spec(self, absent: bool) -> Spec:
        """A catalog product (``absent``: a product the catalog lacks), drawn at random."""
        return self._absent_spec() if absent else self._present()

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
            spec = self._absent_spec() if rng.random() < self.absent_share else self._present()
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

    # --- what the listing names ---------------------------------------------------------

    def _spec(self, i: int, truth: int | None, note: str) -> Spec:
        """The spec of catalog product ``i``."""
        c = self.catalog
        bits = c.style[i]
        twin = c.twin_of(i)
        return Spec(
            truth,
            note,
            c.brand[i],
            self.pools.names[c.name[i]],
            self.pools.kinds[c.name[i]],
            c.form[i],
            LINEAGES[c.lineage[i]],
            c.amount_text(i),
            -1 if bits & NO_NOUN or FORMS[c.form[i]].strain_based else bits >> NOUN_SHIFT & 7,
            i,
            c.ids[twin] if truth is not None and twin >= 0 else None,
            False,
        )

    def _present(self) -> Spec:
        i = below(len(self.catalog), self.rng)
        return self._spec(i, self.catalog.ids[i], "present")

    def _absent_spec(self) -> Spec:
        for _ in range(20):
            spec = self.absent_kinds.draw(self.rng)()
            if spec is not None:
                return spec
        return self._unknown_brand()

    def _other_form(self) -> Spec | None:
        rng, c = self.rng, self.catalog
        i = below(len(c), rng)
        form = FORMS[c.form[i]]
        if self.pools.kinds[c.name[i]] == PRODUCT:  # a whole product name says its own form
            return None
        near, far = _OTHER_FORMS[c.form[i]]
        others = near if near and (not far or rng.random() < 0.6) else far
        if not others:
            return None
        other = pick(others, rng)
        if other in CONFUSED_WITH[c.form[i]]:
            return None  # a live resin where the catalog has the wax: not plainly absent
        if self._sells(c.brand[i], self.pools.names[c.name[i]], other):
            return None
        nouns = FORMS[other].nouns
        noun = below(len(nouns), rng) if nouns else -1
        if noun >= 0 and says_noun(c.pools.names[c.name[i]], nouns[noun][0]):
            return None  # "Pink Lemonade" as a drink would read exactly as the catalog gummy
        note = f"absent: other form (catalog has {form.key})"
        return self._spec(i, None, note)._replace(form=other, amount="", noun=noun)

    def _not_carried(self) -> Spec | None:
        rng, c = self.rng, self.catalog
        i = below(len(c), rng)
        same_form = c.by_form[c.form[i]]
        j = pick(same_form, rng)
        if self.pools.kinds[c.name[j]] == PRODUCT or self._sells(
            c.brand[i], self.pools.names[c.name[j]], None
        ):
            return None  # a brand's own product name ("Dixie Relaxing Scrips") stays its own
        return self._spec(j, None, "absent: brand does not carry it")._replace(brand=c.brand[i])

    def _unknown_brand(self) -> Spec:
        i = below(len(self.catalog), self.rng)
        for _ in range(10):  # not a brand's own product name, as in _not_carried
            if self.pools.kinds[self.catalog.name[i]] != PRODUCT:
                break
            i = below(len(self.catalog), self.rng)
        brand = pick(self.catalog.outside, self.rng)
        spec = self._spec(i, None, "absent: brand not in catalog")
        return spec._replace(brand=brand, outside=True)

    def _name_variant(self) -> Spec | None:
        rng, c = self.rng, self.catalog
        i = below(len(c), rng)
        core = self.pools.names[c.name[i]]
        kind = self.pools.kinds[c.name[i]]
        if kind == PRODUCT:  # "Beard" for "Beard Balm" is the same product, shortened
            return None
        variant = _flavor_variant(core, rng) if kind == FLAVOR else _strain_variant(core, rng)
        if variant is None:
            return None
        if self._sells(c.brand[i], variant, c.form[i]):
            return None
        spec = self._spec(i, None, f"absent: name variant of {core}")
        if kind == FLAVOR:  # "Olive Oil THC" is no longer the CBD product it came from
            cbd = "CBD" in variant.split() or split_ratio(variant)[0]
            spec = spec._replace(lineage="cbd" if cbd else "")
        return spec._replace(core=variant, amount="")

    def _sells(self, brand: int, text: str, form: int | None) -> bool:
        """Whether the catalog has ``brand`` sell a name read as ``text`` (in ``form`` or a form
        taken for it, or in any form)."""
        c = self.catalog
        if form is None:
            return any(c.carries(brand, name) for name in self.pools.alike(text))
        return any(
            c.has(brand, name, f) for name in self.pools.alike(text) for f in CONFUSED_WITH[form]
        )

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


def _strain_variant(core: str, rng: random.Random) -> str | None:
    """A different strain name one word or number away from ``core``, or None."""
    words = core.split()
    roll = rng.random()
    if roll < 0.35 and len(words) > 1:
        rest = words[1:] if rng.random() < 0.5 else words[:-1]
        gone = {w.lower() for w in words} - {w.lower() for w in rest}
        dropped = gone.pop() if gone else ""
        if dropped in _KEEP_WORDS or sum(ch.isalpha() for ch in dropped) < 2:
            return None  # "Blueberry" for "Blueberry Indica" only drops the lineage; "X" a letter
        variant = " ".join(rest)
        letters = sum(ch.isalpha() for ch in variant)
        return None if letters < 3 or variant.lower() in NOT_STRAINS else variant
    if roll < 0.6:
        extra = rng.choice(STRAIN_SUFFIXES)
        return None if extra.lower() in core.lower().split() else f"{core} {extra}"
    if roll < 0.75:
        extra = rng.choice(STRAIN_PREFIXES)
        return None if extra.lower() in core.lower().split() else f"{extra} {core}"
    number = _NUMBER.search(core)
    if number is None:
        return f"{core} #{rng.randint(1, 30)}"
    value = int(number.group(1))
    other = value + rng.choice((-2, -1, 1, 2, 3, 10)) if value > 2 else value + rng.randint(1, 5)
    return core[: number.start(1)] + str(other) + core[number.end(1) :]


def _flavor_variant(core: str, rng: random.Random) -> str | None:
    """Another edible of the same flavor: a different ratio or cannabinoid marker."""
    # Never a plain THC marker added, nor a ratio dropped: "Orange THC" or "Orange" may well be
    # how a POS writes the catalog's "orange" or "1:1 orange".
    ratio, rest = split_ratio(core)
    if ratio:
        return f"{pick([r for r in RATIOS if r != ratio], rng)} {rest}"
    words = core.split()
    if words[-1] in MARKERS:
        return " ".join([*words[:-1], pick([m for m in MARKERS if m != words[-1]], rng)])
    if rng.random() < 0.5:
        return f"{pick(RATIOS, rng)} {core}"
    return f"{core} {pick(('CBD', 'CBN'), rng)}"
