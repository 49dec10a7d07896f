"""Engine-free batch matching: Arrow batches of records in, Arrow batches of matches out.

Every engine moves records as Arrow batches, never one Python object per row across a process
boundary: the local engine's worker processes and Spark's ``mapInArrow`` both call
``BatchMatcher.match_batch``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from poslink.caching import BoundedCache
from poslink.config import MatcherConfig
from poslink.domain.parser import Parser, unparsable
from poslink.matching import CatalogIndex, Matcher
from poslink.matching.matcher import CACHE_SIZE, decision_key
from poslink.records import RECORD_FIELDS, Match, ParsedItem, PosRecord, Status

# What matching reads of a record (``RECORD_FIELDS``), as nullable text.
RECORD_SCHEMA = pa.schema(
    [pa.field("row", pa.int64(), nullable=False)]
    + [pa.field(f, pa.string()) for f in RECORD_FIELDS]
)
MATCH_SCHEMA = pa.schema(
    [
        pa.field("row", pa.int64(), nullable=False),
        pa.field("jane_product_id", pa.string()),
        pa.field("match_score", pa.float64()),
        pa.field("match_status", pa.string()),
        pa.field("match_reason", pa.string()),
    ]
)


def records_to_batch(records: Sequence[PosRecord]) -> pa.RecordBatch:
    """The matching fields of some records as one Arrow batch."""
    columns: list[pa.Array] = [pa.array([r.row for r in records], pa.int64())]
    for name in RECORD_FIELDS:
        columns.append(pa.array([getattr(r, name) for r in records], pa.string()))
    return pa.RecordBatch.from_arrays(columns, schema=RECORD_SCHEMA)


# A record's decision, without its row: id, score, status and reason.
_Decided = tuple[str | None, float, str, str]


class BatchMatcher:
    """Parses and matches whole batches against one catalog index.

    ``remember``: how many records' decisions to keep, by the fields matching reads, for
    batches that may repeat earlier batches' records (a Spark executor sees every record of
    its stores, repeats included; the local engine sends its workers only records its own
    cache has not answered, and keeps none here). A repeat is then neither parsed nor matched
    again: its decision is a pure function of those fields.
    """

    def __init__(
        self,
        index: CatalogIndex,
        config: MatcherConfig | None = None,
        category_table: str = "default",
        parser: Parser | None = None,
        remember: int = 0,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.matcher = Matcher(index, config, cache_size=cache_size)
        # A parser may be shared by matchers over parts of one catalog (same brands, same table).
        self.parser = parser or index.parser(category_table)
        self.remember = remember
        self._decided: BoundedCache[tuple[str | None, ...], _Decided] = BoundedCache(remember)

    def remembers(self, values: tuple[str | None, ...]) -> bool:
        """Whether a record of these ``RECORD_FIELDS`` values is answered from memory."""
        return values in self._decided

    def match_batch(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """One output row per input row, same order."""
        data = batch.to_pydict()
        rows: list[int] = data["row"]
        columns = [data.get(f) or [None] * len(rows) for f in RECORD_FIELDS]
        values = list(zip(*columns, strict=True))
        if not self.remember or not values:
            return self._decide(rows, values)
        known = self._decided
        decided: list[_Decided | None] = [known.get(v) for v in values]
        todo = [i for i, d in enumerate(decided) if d is None]
        if todo:
            found = self._decide([rows[i] for i in todo], [values[i] for i in todo])
            ids, scores, statuses, reasons = (found.column(n).to_pylist() for n in _DECIDED)
            for j, i in enumerate(todo):
                decided[i] = known.put(values[i], (ids[j], scores[j], statuses[j], reasons[j]))
        ids, scores, statuses, reasons = (list(c) for c in zip(*decided, strict=True))
        return _matches_batch(rows, ids, scores, statuses, reasons)

    def _decide(self, rows: list[int], values: list[tuple[str | None, ...]]) -> pa.RecordBatch:
        """Parse and match the records (their ``RECORD_FIELDS`` values), one row each."""
        # Parse the whole batch first: brands and then candidates are looked up in bulk.
        parsed = self.parser.parse_many(values)
        items = [p for p in parsed if isinstance(p, ParsedItem)]
        keys = [decision_key(item) for item in items]  # once, for prefetch and match
        self.matcher.prefetch(items, keys)
        next_key = iter(keys).__next__
        ids: list[str | None] = []
        scores: list[float] = []
        statuses: list[str] = []
        reasons: list[str] = []
        for row, item in zip(rows, parsed, strict=True):
            reason = item if isinstance(item, str) else ""
            if isinstance(item, ParsedItem):
                try:
                    match = self.matcher.match(row, item, next_key())
                except Exception as exc:  # one odd record must not stop the batch
                    reason = unparsable(exc)
                else:
                    ids.append(match.jane_product_id)
                    scores.append(match.score)
                    statuses.append(match.status.value)
                    reasons.append(match.reason)
                    continue
            ids.append(None)
            scores.append(0.0)
            statuses.append(Status.REJECTED.value)
            reasons.append(reason)
        return _matches_batch(rows, ids, scores, statuses, reasons)


_DECIDED = ("jane_product_id", "match_score", "match_status", "match_reason")


def matches_of(batch: pa.RecordBatch) -> list[Match]:
    """Each row of a matches batch (``BatchMatcher.match_batch``'s) as a ``Match``, in order."""
    data = batch.to_pydict()
    return [
        Match(row, pid, score, Status(status), reason)
        for row, pid, score, status, reason in zip(
            data["row"], *(data[name] for name in _DECIDED), strict=True
        )
    ]


def _matches_batch(
    rows: list[int],
    ids: list[str | None],
    scores: list[float],
    statuses: list[str],
    reasons: list[str],
) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [
            pa.array(rows, pa.int64()),
            pa.array(ids, pa.string()),
            pa.array(scores, pa.float64()),
            pa.array(statuses, pa.string()),
            pa.array(reasons, pa.string()),
        ],
        schema=MATCH_SCHEMA,
    )
