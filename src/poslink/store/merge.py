"""The decision store's wrappers of a run's source and sink: only changed records reach the
engine, every record reaches the sink in input order.

``ChangedRecords`` reads the run's source and gives the engine only the records without a
valid stored decision; the engine writes its matches to a ``MergeSink``, which hands them to
an ``OrderedMerge``. The merge writes every record (reused, matched now, or unusable) to the
real sink as soon as the records before it are written, with overrides on top.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from poslink.exceptions import PluginError, SkippedRecord
from poslink.files.rejects import RejectsFile
from poslink.records import Match, Origin, PosRecord, Status
from poslink.sinks.base import Sink
from poslink.sources.base import Source
from poslink.store.basis import fingerprint
from poslink.store.overrides import OverrideSet
from poslink.store.rows import StoredDecision


@dataclass(slots=True)
class Entry:
    """One input record on its way to the output: reused (``stored``) or sent to the engine."""

    record: PosRecord | SkippedRecord
    store: str = ""
    fingerprint: str = ""
    stored: StoredDecision | None = None


class OrderedMerge:
    """Writes every record to the sink in input order as soon as its decision is known.

    A reused decision and an unusable record (written to the rejects file too) are known at
    once; a changed record waits for the engine's match.
    """

    def __init__(self, sink: Sink, rejects: RejectsFile, overrides: OverrideSet) -> None:
        self.sink = sink
        self.rejects = rejects
        self.overrides = overrides
        self.queue: deque[Entry] = deque()
        self.captured: dict[int, Match] = {}
        self.counts: Counter[Status] = Counter()
        self.overridden = 0
        self.reused = 0
        self.new: list[tuple[Entry, Match]] = []

    def push(self, entry: Entry) -> None:
        """The next input record."""
        self.queue.append(entry)
        # A reused decision and an unusable record are known at once: write what is ready.
        if entry.stored is not None or isinstance(entry.record, SkippedRecord):
            self.flush()

    def capture(self, match: Match) -> None:
        """A match from the engine."""
        self.captured[match.row] = match
        self.flush()

    def flush(self) -> None:
        """Write the records at the head of the queue whose decisions are known."""
        queue, captured = self.queue, self.captured
        while queue:
            entry = queue[0]
            record, stored = entry.record, entry.stored
            if isinstance(record, SkippedRecord):
                match = Match(record.row, None, 0.0, Status.REJECTED, record.reason)
                self.rejects.write(record.row, record.pos_id, record.reason, record.raw)
            elif stored is not None:
                match = Match(
                    record.row,
                    stored.jane_product_id,
                    stored.score,
                    Status(stored.status),
                    stored.reason,
                    Origin.REUSED,
                )
            else:
                found = captured.pop(record.row, None)
                if found is None:
                    return
                match = found
                self.new.append((entry, match))
            queue.popleft()
            self._write(record, match)

    def _write(self, record: PosRecord | SkippedRecord, match: Match) -> None:
        if isinstance(record, SkippedRecord):
            self.sink.write(record.raw if isinstance(record.raw, dict) else {}, match)
        else:
            final = self.overrides.apply(record, match) if self.overrides else match
            if final is not match:
                self.overridden += 1
            elif match.origin is Origin.REUSED:
                # Counted as written: an override over a stored decision is an override,
                # as the output's ``match_source`` says.
                self.reused += 1
            match = final
            self.sink.write(record.raw, match)
        self.counts[match.status] += 1

    def finish(self, engine: str) -> None:
        """Every record must have been written."""
        self.flush()
        if self.queue or self.captured:
            row = self.queue[0].record.row if self.queue else min(self.captured)
            raise PluginError(f"engine {engine!r} gave no single decision for record {row}")


class ChangedRecords(Source):
    """The wrapped source's records without a valid stored decision.

    Every record read is pushed to the merge, so the output keeps input order; the reused and
    the unusable ones go nowhere else.
    """

    def __init__(
        self,
        inner: Source,
        stored_for: Callable[[Entry], StoredDecision | None],
        default_store: str,
        merge: OrderedMerge,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """``stored_for`` gives a record's stored decision when it still holds; a record
        without a store of its own is of ``default_store``."""
        super().__init__(inner.path, inner.options)
        # The engine reads these as the wrapped source's: the same name and category table.
        for attr in ("name", "description", "category_table"):
            setattr(self, attr, getattr(inner, attr))
        self.inner = inner
        self.trail = inner.trail  # what is read of the file is the wrapped source's reading
        self.stored_for = stored_for
        self.default_store = default_store
        self.merge = merge
        self.tick = progress
        self._pending = self._changed()
        self._head: PosRecord | None = None
        self._read = False

    @property
    def fields(self) -> list[str]:
        """The wrapped source's fields."""
        return self.inner.fields

    def any(self) -> bool:
        """Whether some record must be matched: reads the input up to the first such record."""
        if self._head is None:
            self._head = next(self._pending, None)
        return self._head is not None

    def records(self) -> Iterator[PosRecord]:
        """The records the engine must match."""
        if self._read:
            raise PluginError("an engine may read the source only once in a run")
        self._read = True
        if self.any():
            assert self._head is not None
            yield self._head
            yield from self._pending

    def _changed(self) -> Iterator[PosRecord]:
        stored_for, merge, progress = self.stored_for, self.merge, self.tick
        for record in self.inner.records():
            if isinstance(record, SkippedRecord):
                merge.push(Entry(record))
            else:
                entry = Entry(record, record.store or self.default_store, fingerprint(record))
                entry.stored = stored_for(entry)
                merge.push(entry)
                if entry.stored is None:
                    yield record
                    continue
            if progress is not None:
                progress(1)


class MergeSink(Sink):
    """The sink the engine writes to: hands each match to the merge."""

    name = "merge"

    def __init__(self, merge: OrderedMerge) -> None:
        super().__init__("", [])
        self.merge = merge

    def open(self) -> None:
        """The real sink is opened by the pipeline."""

    def write(self, raw: Any, match: Match) -> None:
        """Pass the match on."""
        self.merge.capture(match)

    def commit(self) -> None:
        """The real sink is committed by the pipeline."""

    def abort(self) -> None:
        """The real sink is aborted by the pipeline."""
