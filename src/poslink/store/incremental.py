"""A run with a decision store: only new or changed records reach the engine.

Engine-independent: the engine gets a source that yields only the records without a valid
stored decision, and a sink that hands its matches to an ``OrderedMerge``. The merge writes
every record to the real sink in input order (a reused decision waits only for the engine's
matches of earlier records), with overrides on top. The new decisions are saved in one
transaction before the output is published. See ``store/basis.py`` for when a stored decision
is valid.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from poslink.config import MatcherConfig
from poslink.domain.parser import Parser
from poslink.engines.base import Engine, Job, parse_record
from poslink.exceptions import PluginError, SkippedRecord
from poslink.files.rejects import RejectsFile
from poslink.matching import CatalogIndex
from poslink.records import Match, Origin, PosRecord, Status
from poslink.sinks.base import Sink
from poslink.sources.base import Source
from poslink.store.basis import ABSENT, ALL, CatalogState, fingerprint, record_fields, rules_hash
from poslink.store.db import DecisionStore, RunRecord, StoredDecision
from poslink.store.overrides import OverrideSet

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Entry:
    """One input record on its way to the output: reused (``stored``) or sent to the engine."""

    record: PosRecord | SkippedRecord
    store: str = ""
    fingerprint: str = ""
    stored: StoredDecision | None = None


class Validity:
    """Decides whether a stored decision still holds for a record under the current catalog."""

    def __init__(
        self, store: DecisionStore, state: CatalogState, parser: Callable[[], Parser]
    ) -> None:
        self.store = store
        self.state = state
        self._parser = parser
        self._blocks: dict[str, dict[str, str] | None] = {}
        # (source, store, pos_id, brand_key) of decisions carried over to this catalog version.
        self.refreshed: list[dict[str, Any]] = []

    def holds(self, source: str, entry: Entry, stored: StoredDecision) -> bool:
        """Same record, and the same catalog, or one whose record's brand block is unchanged."""
        if stored.fingerprint != entry.fingerprint:
            return False
        if stored.catalog_version == self.state.version:
            return True
        if stored.brands != self.state.brands:
            return False
        blocks = self._old_blocks(stored.catalog_version)
        if blocks is None:
            return False
        assert isinstance(entry.record, PosRecord)
        key = stored.brand_key
        if key is None:
            key = brand_key(self.parser, entry.record)
        if blocks.get(key or ALL, ABSENT) != self.state.block(key):
            return False
        self.refreshed.append(
            {
                "k_source": source,
                "k_store": entry.store,
                "k_pos_id": entry.record.pos_id,
                "k_brand": key,
                "k_version": self.state.version,
            }
        )
        return True

    @cached_property
    def parser(self) -> Parser:
        """The parser the engines read records with (it needs the catalog's index)."""
        return self._parser()

    def _old_blocks(self, version: str) -> dict[str, str] | None:
        if version not in self._blocks:
            self._blocks[version] = self.store.blocks(version)
        return self._blocks[version]


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
        if entry.stored is not None:
            self.reused += 1
            self.flush()
        elif isinstance(entry.record, SkippedRecord):
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
            self.overridden += final is not match
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
        run: StoreRun,
        merge: OrderedMerge,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(inner.path, inner.options)
        # The engine reads these as the wrapped source's: the same name and category table.
        for attr in ("name", "description", "category_table"):
            setattr(self, attr, getattr(inner, attr))
        self.inner = inner
        self.trail = inner.trail  # what is read of the file is the wrapped source's reading
        self.run = run
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
        run, merge, progress = self.run, self.merge, self.tick
        for record in self.inner.records():
            if isinstance(record, SkippedRecord):
                merge.push(Entry(record))
            else:
                entry = Entry(record, record.store or run.default_store, fingerprint(record))
                entry.stored = run.stored_for(entry)
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


@dataclass
class StoreRunResult:
    """Counts of one run with a store."""

    counts: Counter[Status]
    reused: int
    matched_now: int
    overridden: int
    run_id: int
    feed_key: str = ""


class StoreRun:
    """Runs a job against the decision store (see the module docstring)."""

    def __init__(
        self,
        store: DecisionStore,
        *,
        source: Source,
        catalog_version: str,
        index: Callable[[], CatalogIndex],
        matcher_config: MatcherConfig,
        default_store: str,
        full: bool = False,
        knowledge: str = "",
    ) -> None:
        """``index`` gives the catalog's index (of version ``catalog_version``); it is called
        only when a record must be matched or a stored decision is checked against a changed
        catalog. ``knowledge`` is the digest of the taught knowledge the index reads."""
        self.store = store
        self.source = source
        self.source_name = source.name
        self.default_store = default_store
        self.full = full
        self.index = index
        self.matcher_config = matcher_config
        self.state = CatalogState(catalog_version, index)
        self.rules = rules_hash(matcher_config, source.category_table, knowledge)
        self.stored: dict[tuple[str, str], StoredDecision] = {}
        self.overrides = store.override_set(source.name)
        self.validity = Validity(store, self.state, lambda: index().parser(source.category_table))

    def stored_for(self, entry: Entry) -> StoredDecision | None:
        """The stored decision for this record when it still holds."""
        assert isinstance(entry.record, PosRecord)
        found = self.stored.get((entry.store, entry.record.pos_id))
        if found is None or not self.validity.holds(self.source_name, entry, found):
            return None
        return found

    def run(
        self,
        engine: Engine,
        sink: Sink,
        rejects: RejectsFile,
        feed_key: Callable[[], str],
        progress: Callable[[int], None] | None = None,
    ) -> StoreRunResult:
        """Match what changed, write every record to ``sink``, save the new decisions.

        The engine (and the catalog's index) is set to work only when some record must be
        matched: an unchanged feed against an unchanged catalog needs neither. ``feed_key``
        gives the key of the feed as read (asked once every record is read).
        """
        if not self.full:
            self.stored = self.store.load(self.source_name, self.rules)
        merge = OrderedMerge(sink, rejects, self.overrides)
        changed = ChangedRecords(self.source, self, merge, progress)
        if changed.any():
            index = self.index()
            engine.run(
                Job(changed, index, self.matcher_config, MergeSink(merge), rejects, progress)
            )
        merge.finish(engine.name or type(engine).__name__)
        key = feed_key()
        log.info("saving %d new decisions to the decision store", len(merge.new))
        new_keys = {(e.store, e.record.pos_id) for e, _ in merge.new}
        run_id = self.store.save(
            RunRecord(
                source=self.source_name,
                store=self.default_store,
                catalog_version=self.state.version,
                full=self.full,
                records=sum(merge.counts.values()),
                matched_now=len(merge.new),
                reused=merge.reused,
                counts={
                    **{s.value: n for s, n in merge.counts.items()},
                    "overridden": merge.overridden,
                },
                feed_key=key,
            ),
            self._rows(merge.new),
            blocks=lambda: self.state.blocks,
            # A key the feed repeats may have a new decision too: that one stands.
            refreshed=[
                r for r in self.validity.refreshed if (r["k_store"], r["k_pos_id"]) not in new_keys
            ],
        )
        return StoreRunResult(
            merge.counts, merge.reused, len(merge.new), merge.overridden, run_id, key
        )

    def _rows(self, new: list[tuple[Entry, Match]]) -> Iterator[dict[str, Any]]:
        # One row per key: a feed that repeats a key keeps its last record's decision.
        last: dict[tuple[str, str], tuple[Entry, Match]] = {}
        for entry, match in new:
            assert isinstance(entry.record, PosRecord)
            last[(entry.store, entry.record.pos_id)] = (entry, match)
        for (store, pos_id), (entry, match) in last.items():
            assert isinstance(entry.record, PosRecord)
            yield {
                "source": self.source_name,
                "store": store,
                "pos_id": pos_id,
                "fingerprint": entry.fingerprint,
                # The quantity as last matched: the review console ranks by it (not a key).
                "record": json.dumps(
                    {**record_fields(entry.record), "quantity": entry.record.quantity},
                    ensure_ascii=False,
                ),
                "rules": self.rules,
                "brands": self.state.brands,
                "catalog_version": self.state.version,
                # Worked out by parsing, when a catalog change needs it (see store/basis.py).
                "brand_key": None,
                "jane_product_id": match.jane_product_id,
                "score": match.score,
                "status": match.status.value,
                "reason": match.reason,
            }


def brand_key(parser: Parser, record: PosRecord) -> str:
    """The catalog brand a record is read as ("" for none), as the engines' parser reads it."""
    try:
        item = parse_record(parser, record)
    except Exception:  # the engine rejected it the same way; its decision depends on no block
        return ""
    return item.brand or ""
