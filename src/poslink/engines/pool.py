"""The local engine's match workers: each holds the index, then only Arrow batches cross.

A worker receives the index once, when it starts (inherited by ``fork`` where the platform has
it, so nothing is copied or pickled; pickled once per worker elsewhere: ``forks.py``), then
only Arrow batches cross the process boundary, never one Python object per row. One worker
matches in this process, without a pool. A pool serves records read with any POS category table:
each worker makes a matcher per table on first use (a network sync's stores differ in tables).
"""

from __future__ import annotations

from concurrent.futures import Future
from types import TracebackType

import pyarrow as pa

from poslink.config import MatcherConfig
from poslink.engines.batch import BatchMatcher
from poslink.engines.forks import WorkerPool
from poslink.matching import CatalogIndex

_WORKER: _Matchers | None = None

# Decisions a match worker remembers by parsed record. The run's decision cache, in the parent
# (``LocalOptions.cache_size``), answers every repeated record before it reaches a worker; a
# worker's own cache only catches two spellings of one parsed record, and is paid once per
# worker. On 1M x 1M (peak RSS, processes summed) the matcher's default 500,000 gave 3,737 MB,
# 200,000 gives 3,439 and 50,000 3,289; 50,000 cost the 200-store network sync 4% more time
# (such repeats are far apart), 200,000 nothing measurable there or on 100k x 1M repeated.
WORKER_CACHE = 200_000
__all__ = ["MatchPool"]


class _Matchers:
    """One index's batch matchers, one per POS category table, made on first use."""

    def __init__(self, index: CatalogIndex, config: MatcherConfig, category_table: str) -> None:
        self.index = index
        self.config = config
        self.default = category_table
        self.by_table: dict[str, BatchMatcher] = {}
        self.get(category_table)

    def get(self, category_table: str | None) -> BatchMatcher:
        table = category_table or self.default
        found = self.by_table.get(table)
        if found is None:
            found = self.by_table[table] = BatchMatcher(
                self.index, self.config, table, cache_size=WORKER_CACHE
            )
        return found


def _start_worker(index: CatalogIndex, config: MatcherConfig, category_table: str) -> None:
    global _WORKER
    _WORKER = _Matchers(index, config, category_table)


def _match_in_worker(batch: pa.RecordBatch, category_table: str | None) -> pa.RecordBatch:
    assert _WORKER is not None, "worker started without its index"
    return _WORKER.get(category_table).match_batch(batch)


class MatchPool:
    """Matches Arrow batches on ``workers`` processes (or in this process for one worker), read
    with ``category_table`` unless ``submit`` names another."""

    def __init__(
        self, index: CatalogIndex, config: MatcherConfig, category_table: str, workers: int
    ) -> None:
        self.workers = workers
        self.index = index
        self.config = config
        self._inline: _Matchers | None = None
        self._pool: WorkerPool | None = None
        if workers <= 1:
            self._inline = _Matchers(index, config, category_table)
        else:
            self._pool = WorkerPool(workers, _start_worker, (index, config, category_table))

    def submit(
        self, batch: pa.RecordBatch, category_table: str | None = None
    ) -> Future[pa.RecordBatch]:
        """Match one batch; the future holds the matches batch (at once, in this process)."""
        if self._pool is not None:
            return self._pool.submit(_match_in_worker, batch, category_table)
        assert self._inline is not None
        future: Future[pa.RecordBatch] = Future()
        try:
            future.set_result(self._inline.get(category_table).match_batch(batch))
        except BaseException as exc:
            future.set_exception(exc)
        return future

    result = staticmethod(WorkerPool.result)

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: once they are done, or (``cancel``: an error, an interrupt) now."""
        if self._pool is not None:
            self._pool.close(cancel)

    def __enter__(self) -> MatchPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(cancel=kind is not None)
