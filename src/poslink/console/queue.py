"""The review queue: stored decisions worth a person's look, grouped by normalized product.

Every stored decision without an override is parsed as the engines parse it (with the
knowledge taught for its source and store). Listings that parse to the same product (brand,
core name, type, form, lineage, ratio, cannabinoids, size) are one *group*, across stores and
sources: one decision resolves every listing of it. A group is in the queue when a listing is

- ``ambiguous``; or
- ``matched`` with a score under ``confident`` (0.95): a match not sure enough; or
- ``no_match`` and the catalog has *candidates* for it: products whose evidence is at least
  ``floor`` (0.3), vetoed or not (a veto may be wrong). A listing whose written brand
  the catalog lacks meets the products of catalog brands that *resemble* it
  (``learn.resembles``): that is how an unknown spelling of a brand gets reviewed and taught.
  A listing in which no brand is found at all meets every brand's products at 0.6 or more.

A ``no_match`` listing with no candidate at all is a catalog *gap* (``gaps.py``), as is every
listing a reviewer answered "not in catalog".

Groups are ordered by *impact*, the stores carrying the product times the quantity on hand
(a listing whose quantity is unknown counts 1; quantities are as last matched), or by
*evidence*, how strongly the best candidate's name agrees (``poslink explain``'s evidence, not
the calibrated ``match_score``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from poslink.console.listings import Listing, Parsers, stored_listings
from poslink.domain.text import words
from poslink.matching import CatalogIndex, Matcher
from poslink.matching.score import Candidate
from poslink.records import CatalogProduct, ParsedItem
from poslink.store.db import DecisionStore

TOP = 3
# The matcher's evidence (0-1) a candidate needs to be worth a look: a name cut short
# ("Pineapple Exp") or one word of two named gives about 0.3.
FLOOR = 0.3
# A listing in which no catalog brand is found meets every brand's products: a candidate must
# be at least this near (most below are another brand's strain of a similar name).
WIDE_FLOOR = 0.6
# A match whose probability (match_score) is under this is worth a look.
CONFIDENT = 0.95

GroupKey = tuple[object, ...]


@dataclass(slots=True)
class Choice:
    """A catalog product offered for a group: its name similarity, the share of its name the
    listing names, veto and agreements."""

    product: CatalogProduct
    score: float
    veto: str
    agreements: list[str]
    covered: float = 0.0


@dataclass(slots=True)
class Group:
    """Listings of one normalized product; ``candidates`` best first."""

    id: str
    key: GroupKey
    item: ParsedItem
    listings: list[Listing] = field(default_factory=list)
    candidates: list[Choice] = field(default_factory=list)
    reason: str = ""  # why it is in the queue

    @property
    def stores(self) -> set[str]:
        """The stores carrying it."""
        return {x.store for x in self.listings}

    @property
    def sources(self) -> set[str]:
        """The POS sources it was read from."""
        return {x.source for x in self.listings}

    @property
    def quantity(self) -> float:
        """Units on hand over every listing (an unknown quantity counts 1)."""
        return sum(1.0 if x.quantity is None else max(x.quantity, 0.0) for x in self.listings)

    @property
    def impact(self) -> float:
        """Stores carrying it times the quantity on hand."""
        return len(self.stores) * self.quantity

    @property
    def evidence(self) -> float:
        """The best candidate's name evidence (0 without candidates): how strongly the names
        agree, as ``poslink explain`` shows it; not the calibrated ``match_score``."""
        return self.candidates[0].score if self.candidates else 0.0

    @property
    def brand(self) -> str:
        """The brand as read (a catalog brand key, or the written one), or ""."""
        return self.item.brand or ""

    @property
    def product_type(self) -> str:
        """The product type as read ("/"-joined when several are possible)."""
        return "/".join(sorted(self.item.types))

    @property
    def title(self) -> str:
        """The most common listing name."""
        return Counter(x.record.name for x in self.listings).most_common(1)[0][0]


def group_key(item: ParsedItem) -> GroupKey:
    """What makes two listings the same product: every parsed attribute but how the brand was
    found and the weak form hints (which stay in the name)."""
    return (
        item.brand,
        " ".join(sorted(item.core.split())),
        tuple(sorted(item.types)),
        tuple(sorted(item.subtypes)),
        item.lineage,
        item.ratio,
        tuple(sorted(item.markers)),
        item.weight_g,
        item.potency_mg,
        item.pack,
    )


def group_id(key: GroupKey) -> str:
    """A short stable id for a group key (it names the item's page)."""
    return hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()


def candidates(
    matcher: Matcher, item: ParsedItem, floor: float = FLOOR, top: int = TOP
) -> list[Choice]:
    """The best catalog products for an item, as ``poslink explain`` lists them.

    An item whose brand the catalog lacks meets the products of the brands that resemble the
    written one (``learn.resembles``).
    """
    from poslink.console.learn import resembles

    index = matcher.index
    found: Sequence[Candidate]
    if item.brand and item.brand not in index.blocks:
        wide = matcher.candidates(replace(item, brand=None), floor=floor)
        found = [c for c in wide if resembles(item.brand, index.brand_keys[c.position])]
    elif not item.brand:
        # Every brand's products: only a close name is worth a look; or, when a word at
        # either end of the name may be a brand the catalog writes otherwise ("BDE Gelato"),
        # the rest of the name among the products of the brands that word resembles.
        found = matcher.candidates(item, floor=max(floor, WIDE_FLOOR))
        words_ = item.core.split()
        if not found and len(words_) > 1:
            for word, rest in ((words_[0], words_[1:]), (words_[-1], words_[:-1])):
                bare = replace(item, core=" ".join(rest), digits=item.digits)
                wide = matcher.candidates(bare, floor=max(floor, WIDE_FLOOR))
                found = [c for c in wide if resembles(word, index.brand_keys[c.position])]
                if found:
                    break
    else:
        found = matcher.candidates(item, floor=floor)
    return [
        Choice(
            index.products[c.position],
            round(c.name, 4),
            c.veto,
            list(c.agreements),
            round(c.covered, 4),
        )
        for c in found[:top]
    ]


@dataclass
class Queue:
    """The groups to review and the listings that are catalog gaps, from one store snapshot."""

    groups: list[Group]
    gaps: list[Listing]
    decided: list[Listing]
    # (source, normalized name) -> stored records with that name: a name override is safe
    # only when every one of them is a listing of the group decided.
    names: Counter[tuple[str, str]]

    def by_id(self) -> dict[str, Group]:
        """The groups by id."""
        return {g.id: g for g in self.groups}

    def facets(self) -> dict[str, list[str]]:
        """The values each filter can take."""
        return {
            "store": sorted({s for g in self.groups for s in g.stores}),
            "source": sorted({s for g in self.groups for s in g.sources}),
            "brand": sorted({g.brand for g in self.groups if g.brand}),
            "type": sorted({g.product_type for g in self.groups if g.product_type}),
        }


def build_queue(
    store: DecisionStore,
    index: CatalogIndex,
    parsers: Parsers,
    *,
    floor: float = FLOOR,
    confident: float = CONFIDENT,
    listings: Iterable[Listing] | None = None,
) -> Queue:
    """The queue of one decision store against one catalog (see the module docstring)."""
    matcher = Matcher(index)
    groups: dict[GroupKey, Group] = {}
    gaps: list[Listing] = []
    decided: list[Listing] = []
    names: Counter[tuple[str, str]] = Counter()
    for x in stored_listings(store) if listings is None else listings:
        names[(x.source, words(x.record.name))] += 1
        if x.override is not None:
            decided.append(x)
            if x.override == "none":
                x.item = _parse_or_none(parsers, x)
                gaps.append(x)
            continue
        uncertain = x.status == "ambiguous" or (x.status == "matched" and x.score < confident)
        if not uncertain and x.status != "no_match":
            continue
        x.item = _parse_or_none(parsers, x)
        if x.item is None:
            continue
        key = group_key(x.item)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(group_id(key), key, x.item)
        group.listings.append(x)
    queued: list[Group] = []
    for group in groups.values():
        statuses = {x.status for x in group.listings}
        group.candidates = candidates(matcher, group.item, floor)
        if "ambiguous" in statuses:
            group.reason = "ambiguous"
        elif any(x.status == "matched" for x in group.listings):
            group.reason = "matched below confidence"
        elif group.candidates:
            group.reason = "no match, with candidates"
        else:
            gaps.extend(group.listings)
            continue
        queued.append(group)
    queued.sort(key=lambda g: (-g.impact, -len(g.listings), g.id))
    for x in gaps:
        if x.item is not None:
            x.display = parsers.display(x)
    return Queue(queued, gaps, decided, names)


def _parse_or_none(parsers: Parsers, x: Listing) -> ParsedItem | None:
    try:
        return parsers.parse(x)
    except Exception:  # the engines rejected it the same way: nothing to review
        return None


SORTS: dict[str, Callable[[Group], Any]] = {
    "impact": lambda g: (-g.impact, -len(g.listings), g.id),
    "evidence": lambda g: (-g.evidence, -g.impact, g.id),
    "least-evidence": lambda g: (g.evidence, -g.impact, g.id),
}
# The names these orders had when the column was called "confidence" (bookmarked addresses).
_FORMER_SORTS = {"confidence": "evidence", "least-confident": "least-evidence"}


def sort_named(name: str) -> str:
    """The order ``name`` asks for, by its current name ("" stays "": the default order)."""
    return _FORMER_SORTS.get(name, name)


def select(
    groups: Iterable[Group],
    *,
    store: str = "",
    source: str = "",
    brand: str = "",
    product_type: str = "",
    sort: str = "impact",
) -> list[Group]:
    """The groups that pass the filters, in the chosen order."""
    out = [
        g
        for g in groups
        if (not store or store in g.stores)
        and (not source or source in g.sources)
        and (not brand or g.brand == brand)
        and (not product_type or g.product_type == product_type)
    ]
    out.sort(key=SORTS.get(sort_named(sort), SORTS["impact"]))
    return out
