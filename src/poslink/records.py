"""The data contracts that flow through poslink: one place, no behaviour.

``PosRecord`` (from a Source) -> ``ParsedItem`` (from the domain parser) -> ``Match`` (from the
matcher). ``CatalogProduct`` is what a Catalog yields; it goes through the same parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, TypeVar, dataclass_transform

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def value_class(cls: type[_T]) -> type[_T]:
    """A slotted dataclass of values: frozen to the type checker, hashable by its fields.

    A run makes millions of these, one or more per record. A frozen dataclass's ``__init__``
    sets every field through ``object.__setattr__``: 1 us per record of 13 fields, a sixth of
    the main process's CPU on the repeated 1M-record bench feed. So the fields are set as
    plain slots, and the type checker, told they are frozen, refuses any assignment to them.
    """
    return dataclass(slots=True, unsafe_hash=True)(cls)


class Status(StrEnum):
    """What the matcher decided for one record."""

    MATCHED = "matched"
    NO_MATCH = "no_match"
    AMBIGUOUS = "ambiguous"
    REJECTED = "rejected"


class Origin(StrEnum):
    """Where a record's decision came from: the output's ``match_source``."""

    MATCHER = "matcher"  # the matcher, in this run
    OVERRIDE = "override"  # a curated answer (``poslink override``), which always wins
    REUSED = "reused"  # the matcher's decision of an earlier run, still valid (decision store)


@value_class
class PosRecord:
    """One inventory record as a POS exported it, with its original fields kept verbatim."""

    row: int
    source: str
    pos_id: str
    name: str
    category: str = ""
    quantity: float | None = None
    brand: str | None = None
    product_type: str | None = None
    lineage: str | None = None
    weight: str | None = None
    store: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


# The fields of a ``PosRecord`` that matching reads: a record's decision depends on these alone.
# Wherever they travel together (Arrow batches, Spark frames, ``Parser.parse_many``, the API's
# columns, the decision store's fingerprint), they are these, in this order.
RECORD_FIELDS = ("name", "category", "brand", "product_type", "lineage", "weight")


@value_class
class CatalogProduct:
    """One canonical catalog product."""

    id: str
    name: str
    brand: str = ""
    product_type: str = ""
    product_subtype: str = ""
    lineage: str = ""
    amount: str = ""


@value_class
class ParsedItem:
    """What the parser understood of a name (POS or catalog), ready for matching.

    ``core`` is the strain or product name with brand, form words, weights, packs and tags taken
    out; ``types`` the product types the item may be (empty: unknown); ``subtypes`` the form
    families named; ``hints`` weak form hints (words such as "chocolate" that stay in the name).
    ``prefer``: the type a record whose name names no form is read as, when its brand sells it
    (the category's default); ``declared``: the types the record's category or type field
    allows, before its name narrowed them; ``exact``: the record's whole name when it is a
    catalog product's own (or a catalog product's whole name); ``lineage_soft``: the lineage is
    a catalog field's only, not named, so it agrees or disagrees but never vetoes.
    """

    brand: str | None
    core: str
    types: frozenset[str] = frozenset()
    subtypes: frozenset[str] = frozenset()
    hints: frozenset[str] = frozenset()
    lineage: str | None = None
    ratio: str | None = None
    markers: frozenset[str] = frozenset()
    implied: frozenset[str] = frozenset()
    digits: tuple[str, ...] = ()
    weight_g: float | None = None
    potency_mg: float | None = None
    pack: int | None = None
    prefer: str | None = None
    declared: frozenset[str] = frozenset()
    exact: str = ""
    lineage_soft: bool = False
    brand_source: str = ""

    @property
    def tokens(self) -> tuple[str, ...]:
        """The core name's words."""
        return tuple(self.core.split())


# What a decision depends on of a parsed record: every attribute but how its brand was found
# (reported only). The matcher's cache key.
DECISION_FIELDS = tuple(f.name for f in fields(ParsedItem) if f.name != "brand_source")


@value_class
class Match:
    """The decision for one record: a catalog id or none, with a score, the reason and where
    the decision came from."""

    row: int
    jane_product_id: str | None
    score: float
    status: Status
    reason: str = ""
    origin: Origin = Origin.MATCHER
