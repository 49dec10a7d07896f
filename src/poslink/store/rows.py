"""What the decision store keeps, as values: a decision with what it depended on, a run, an
output as published."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple


class StoredDecision(NamedTuple):
    """A decision as the store holds it, with what it depended on.

    A named tuple: a store's decisions are read a thousand at a time for every store of a
    sync, and a tuple is made from a row several times faster than a frozen dataclass.
    """

    fingerprint: str
    brands: str
    catalog_version: str
    brand_key: str | None
    jane_product_id: str | None
    score: float
    status: str
    reason: str


@dataclass(frozen=True, slots=True)
class Published:
    """An output file as published: its absolute path and the SHA-256 of its bytes."""

    path: str
    digest: str


@dataclass(frozen=True, slots=True)
class Outputs:
    """Where a run's output and rejects file are published, as the run records them (none for
    an output written to a stream, or a run that records none)."""

    output: Published | None = None
    rejects: Published | None = None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What one run writes about itself."""

    source: str
    store: str
    catalog_version: str
    full: bool
    records: int
    matched_now: int
    reused: int
    counts: Mapping[str, int]
    feed_key: str


# A run that records no output (nothing published to a file, or no feed to reuse it for).
NO_OUTPUTS = Outputs()
