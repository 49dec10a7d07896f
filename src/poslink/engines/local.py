"""The local engine: the whole flow on this machine, on every core.

Records stream from the source in chunks. A record whose matching fields equal those of one
already decided (or on its way to a worker) is not sent again: only the distinct new ones of a
chunk go, as one Arrow batch, to a worker process. Chunks are written in input order as soon
as the batches they wait for are back, so memory follows the catalog and a bounded window of
chunks, not the feed.

Several runs may share one pool and one cache (``LocalEngine.sharing``: a network sync, one
run per store): a record decided for one store is then not decided again for another. The
cache is kept per POS category table, since the table is part of what a decision depends on.
A sync also sends the new records of the stores to come ahead of their runs
(``SharedDecisions.ahead``), so that the workers match while this process reads and writes;
each run then takes those decisions as if it had sent the records itself.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import attrgetter
from typing import Any

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from poslink.caching import BoundedCache
from poslink.config import MatcherConfig
from poslink.engines.base import Engine, Job
from poslink.engines.batch import records_to_batch
from poslink.engines.early import Decision, Early, EarlyBatch, Key, cut_parts, decisions_of
from poslink.engines.forks import available_cores
from poslink.engines.pool import MatchPool
from poslink.exceptions import SkippedRecord
from poslink.matching import CatalogIndex
from poslink.records import RECORD_FIELDS, Match, PosRecord, Status


class LocalOptions(BaseModel):
    """How the local engine runs."""

    model_config = ConfigDict(extra="forbid")

    workers: int | None = Field(None, ge=1, description="processes that match (default: all)")
    batch_size: int = Field(8000, ge=1, description="records per chunk")
    cache_size: int = Field(500_000, ge=0, description="distinct decisions remembered")


# The fields one record's decision depends on, as a ``Key``.
record_key: Callable[[PosRecord], Key] = attrgetter(*RECORD_FIELDS)

# Decisions by record key, the oldest forgotten first once the cache is full.
DecisionCache = BoundedCache[Key, Decision]


class SharedDecisions:
    """One pool and one decision cache kept over several runs (``LocalEngine.sharing``).

    The pool is started by the first run that needs it, on that run's index. A later run on
    another index, other brands (taught knowledge) or other matcher settings starts a new pool
    and a new cache in their place, so sharing never changes a decision. ``decided`` counts the
    records sent to the matcher, ``answered`` the others (answered from the cache, or by an
    identical record sent before them), over every run: together, every record read.
    """

    def __init__(self, config: LocalOptions) -> None:
        self.config = config
        self.pool: MatchPool | None = None
        self.caches: dict[str, DecisionCache] = {}
        # Records sent to the workers before the run that reads them, by category table.
        self.early: dict[str, dict[Key, Early]] = {}
        self.decided = 0
        self.answered = 0
        self._basis: tuple[CatalogIndex, object, MatcherConfig] | None = None

    def pool_for(self, job: Job, workers: int) -> MatchPool:
        """The pool (and the caches) for the job's index, brands and settings."""
        basis = self._basis
        same = basis is not None and (
            basis[0] is job.index and basis[1] is job.index.brands and basis[2] == job.matcher
        )
        if not same:
            self.close()
            self.caches = {}
        if self.pool is None:
            self.pool = MatchPool(job.index, job.matcher, job.source.category_table, workers)
            self._basis = (job.index, job.index.brands, job.matcher)
        return self.pool

    def cache_for(self, category_table: str) -> DecisionCache:
        """The decisions of records read with this POS category table."""
        found = self.caches.get(category_table)
        if found is None:
            found = self.caches[category_table] = DecisionCache(self.config.cache_size)
        return found

    def ahead(self, records: Iterable[PosRecord | SkippedRecord], table: str) -> int:
        """Send the workers those of ``records`` (read with ``table``) that no cached or
        earlier sent decision answers, before the run that will read them: they are matched
        while this process reads and writes other stores. That run takes their decisions as
        if it had sent them itself (same counts, same cache), so nothing it writes changes:
        a decision depends on the record's key, the table, the index and the settings only,
        and the pool these went to is the run's (``close`` forgets them with it). Nothing is
        sent before a run has started the pool. The records sent."""
        pool = self.pool
        if pool is None:
            return 0
        cache: dict[Key, Decision] = self.caches.get(table, {})
        early = self.early.setdefault(table, {})
        new: dict[Key, PosRecord] = {}
        for record in records:
            if isinstance(record, SkippedRecord):
                continue
            key = record_key(record)
            if key not in cache and key not in early and key not in new:
                new[key] = record
        if new:
            parts = cut_parts(list(new.values()), pool.workers)
            batch = EarlyBatch(pool, [pool.submit(records_to_batch(p), table) for p in parts])
            for row, key in enumerate(new):
                early[key] = (batch, row)
        return len(new)

    def close(self, cancel: bool = False) -> None:
        """Stop the pool's workers."""
        self.early = {}
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.close(cancel)


@dataclass
class _Chunk:
    records: list[PosRecord | SkippedRecord]
    decisions: list[Decision | None]
    waiting: list[tuple[int, int, int]] = field(default_factory=list)  # (slot, batch, row)
    needs: set[int] = field(default_factory=set)


class LocalEngine(Engine):
    """Matches on every core (``workers``), each distinct record once, writing in input order."""

    name = "local"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.config = self.validated(LocalOptions)
        self.shared: SharedDecisions | None = None

    @contextmanager
    def sharing(self) -> Iterator[SharedDecisions]:
        """Runs made meanwhile share one worker pool and one decision cache (see the module
        docstring); the workers stop when the block ends."""
        shared = self.shared = SharedDecisions(self.config)
        try:
            yield shared
        except BaseException:
            shared.close(cancel=True)
            raise
        finally:
            self.shared = None
        shared.close()

    def run(self, job: Job) -> Counter[Status]:
        """Stream the source through the workers into the sink."""
        workers = self.config.workers or available_cores()
        window = 2 * workers + 2
        shared = self.shared
        if shared is not None:
            pool = shared.pool_for(job, workers)
            cache = shared.cache_for(job.source.category_table)
            # A store of a sync is often one chunk: its new records go to every worker.
            early = shared.early.get(job.source.category_table)
            run = _Run(job, pool, self.config, window, cache, parts=workers, early=early)
            try:
                return run.all()
            finally:
                shared.decided += run.decided
                shared.answered += run.answered
        with MatchPool(job.index, job.matcher, job.source.category_table, workers) as pool:
            return _Run(job, pool, self.config, window).all()


class _Run:
    """One run's bookkeeping: the cache, the batches in flight and the chunks not yet written."""

    def __init__(
        self,
        job: Job,
        pool: MatchPool,
        config: LocalOptions,
        window: int,
        cache: DecisionCache | None = None,
        parts: int = 1,
        early: dict[Key, Early] | None = None,
    ) -> None:
        self.job = job
        self.parts = parts  # batches a chunk's new records are cut into, at most
        self.pool = pool
        self.batch_size = config.batch_size
        self.window = window
        self.cache = cache if cache is not None else DecisionCache(config.cache_size)
        self.table = job.source.category_table
        self.early = early if early is not None else {}
        self.decided = 0  # records sent to the matcher
        self.answered = 0  # records answered from the cache
        self.inflight: dict[Key, tuple[int, int]] = {}
        self.futures: dict[int, list[Future[pa.RecordBatch]]] = {}
        # A batch's records in the order sent, each decided by its own futures (None) or by
        # an early batch (sent ahead of the run).
        self.sent: dict[int, tuple[list[Key], list[Early | None]]] = {}
        self.waits: dict[int, list[EarlyBatch]] = {}
        self.done: dict[int, list[Decision]] = {}
        self.users: Counter[int] = Counter()
        self.counts: Counter[Status] = Counter()
        self._next = 0

    def all(self) -> Counter[Status]:
        chunks: deque[_Chunk] = deque()
        for records in _chunks(self.job.source.records(), self.batch_size):
            chunks.append(self._send(records))
            while chunks and (len(chunks) > self.window or self._ready(chunks[0])):
                self._write(chunks.popleft())
        while chunks:
            self._write(chunks.popleft())
        return self.counts

    def _send(self, records: list[PosRecord | SkippedRecord]) -> _Chunk:
        chunk = _Chunk(records, [None] * len(records))
        batch_id = self._next
        new: list[PosRecord] = []
        keys: list[Key] = []
        origins: list[Early | None] = []
        decisions, remembered, inflight = chunk.decisions, self.cache.get, self.inflight
        early = self.early
        for slot, record in enumerate(records):
            if isinstance(record, SkippedRecord):
                decisions[slot] = (None, 0.0, Status.REJECTED, record.reason)
                continue
            key = record_key(record)
            known = remembered(key)
            if known is not None:
                decisions[slot] = known
                self.answered += 1
                continue
            where = inflight.get(key)
            if where is None:
                where = inflight[key] = (batch_id, len(keys))
                # Sent ahead of this run: decided there, counted and cached here as if sent now.
                found = early.pop(key, None) if early else None
                if found is None:
                    new.append(record)
                origins.append(found)
                keys.append(key)
            else:
                self.answered += 1  # an identical record on its way to the matcher decides it
            chunk.waiting.append((slot, *where))
            chunk.needs.add(where[0])
        if keys:
            self.decided += len(keys)
            self.futures[batch_id] = [
                self.pool.submit(records_to_batch(part), self.table)
                for part in (cut_parts(new, self.parts) if new else [])
            ]
            self.sent[batch_id] = keys, origins
            self.waits[batch_id] = list({id(o[0]): o[0] for o in origins if o}.values())
            self._next += 1
        for needed in chunk.needs:
            self.users[needed] += 1
        return chunk

    def _ready(self, chunk: _Chunk) -> bool:
        return all(
            b in self.done
            or (all(f.done() for f in self.futures[b]) and all(e.done() for e in self.waits[b]))
            for b in chunk.needs
        )

    def _collect(self, batch_id: int) -> list[Decision]:
        """A batch's decisions, taken from its worker once and remembered."""
        found = self.done.get(batch_id)
        if found is None:
            own = iter(
                [
                    decision
                    for future in self.futures.pop(batch_id)
                    for decision in decisions_of(self.pool.result(future))
                ]
            )
            keys, origins = self.sent.pop(batch_id)
            del self.waits[batch_id]
            found = self.done[batch_id] = [
                next(own) if o is None else o[0].decision(o[1]) for o in origins
            ]
            for key, decision in zip(keys, found, strict=True):
                self.cache.put(key, decision)
                del self.inflight[key]
        return found

    def _write(self, chunk: _Chunk) -> None:
        batches = {b: self._collect(b) for b in chunk.needs}
        for slot, batch_id, row in chunk.waiting:
            chunk.decisions[slot] = batches[batch_id][row]
        for batch_id in chunk.needs:
            self.users[batch_id] -= 1
            if not self.users[batch_id]:
                del self.users[batch_id], self.done[batch_id]
        write, rejects = self.job.sink.write, self.job.rejects
        statuses: list[Status] = []
        for record, decision in zip(chunk.records, chunk.decisions, strict=True):
            assert decision is not None
            match = Match(record.row, *decision)
            if isinstance(record, SkippedRecord):
                rejects.write(record.row, record.pos_id, record.reason, record.raw)
                write(record.raw if isinstance(record.raw, dict) else {}, match)
            else:
                write(record.raw, match)
            statuses.append(match.status)
        self.counts.update(statuses)
        if self.job.progress is not None:
            self.job.progress(len(chunk.records))


def _chunks(
    records: Iterable[PosRecord | SkippedRecord], size: int
) -> Iterator[list[PosRecord | SkippedRecord]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk
