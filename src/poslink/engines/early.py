"""The local engine's decisions as its workers send them back, and batches sent ahead.

A network sync (``network/ahead.py``) sends the workers the new records of the stores to come
before their runs (``SharedDecisions.ahead``): an ``EarlyBatch`` holds their futures until
the run that reads those records takes their decisions.
"""

from __future__ import annotations

from concurrent.futures import Future
from sys import intern

import pyarrow as pa

from poslink.engines.pool import MatchPool
from poslink.records import PosRecord, Status

# What a record's decision depends on: the fields matching reads (``records.RECORD_FIELDS``).
Key = tuple[str, str, str | None, str | None, str | None, str | None]
Decision = tuple[str | None, float, Status, str]

_STATUS_OF = {status.value: status for status in Status}


def decisions_of(batch: pa.RecordBatch) -> list[Decision]:
    """A matches batch's decisions (``BatchMatcher.match_batch``'s rows), in order."""
    data = batch.to_pydict()
    status_of = _STATUS_OF.__getitem__  # Status(text), without the enum's call machinery
    # A reason's text is one of a few hundred: the decision cache keeps one string of each.
    return [
        (pid, score, status_of(status), intern(reason))
        for pid, score, status, reason in zip(
            data["jane_product_id"],
            data["match_score"],
            data["match_status"],
            data["match_reason"],
            strict=True,
        )
    ]


# Records of a batch worth sending to a worker of their own. A store of a re-sync with a
# decision store sends a few changed records (20 of 1,000 at 2% changed): they are cut too, so
# every worker matches some while the others wait (a part costs a batch's IPC, well under one
# record's matching).
LEAST_PART = 8


def cut_parts(records: list[PosRecord], parts: int) -> list[list[PosRecord]]:
    """``records`` cut into at most ``parts`` runs of at least ``LEAST_PART``, in order."""
    parts = max(1, min(parts, len(records) // LEAST_PART))
    size = -(-len(records) // parts)
    return [records[i : i + size] for i in range(0, len(records), size)]


class EarlyBatch:
    """Records of a run to come, sent to the workers ahead of it (``SharedDecisions.ahead``);
    their decisions, taken from the workers once, by row."""

    def __init__(self, pool: MatchPool, futures: list[Future[pa.RecordBatch]]) -> None:
        self.pool = pool
        self.futures = futures
        self._decisions: list[Decision] | None = None

    def done(self) -> bool:
        """Whether every decision is back from the workers."""
        return self._decisions is not None or all(f.done() for f in self.futures)

    def decision(self, row: int) -> Decision:
        """The ``row``-th record's decision (waiting for it)."""
        if self._decisions is None:
            self._decisions = [
                d for future in self.futures for d in decisions_of(self.pool.result(future))
            ]
        return self._decisions[row]


# Where a record sent ahead is decided: its batch, and its row there.
Early = tuple[EarlyBatch, int]
