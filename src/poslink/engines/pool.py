"""Where batches are matched: worker processes that each hold the index, or this process.

A worker receives the index once, when it starts (inherited by ``fork`` where the platform has
it, so nothing is copied or pickled; pickled once per worker elsewhere), then only Arrow
batches cross the process boundary, never one Python object per row.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from types import TracebackType
from typing import Any

import pyarrow as pa

from poslink.config import MatcherConfig
from poslink.engines.batch import BatchMatcher
from poslink.exceptions import EngineError
from poslink.matching import CatalogIndex
from poslink.parallel import (
    Lifeline,
    available_cores,
    can_fork,
    die_with_parent,
    frozen_heap,
    stop_workers,
)

_WORKER: BatchMatcher | None = None
__all__ = ["MatchPool", "available_cores"]


def _start_worker(
    index: CatalogIndex, config: MatcherConfig, category_table: str, lifeline: Lifeline | None
) -> None:
    global _WORKER
    if lifeline is not None:
        die_with_parent(lifeline)
    _WORKER = BatchMatcher(index, config, category_table)


def _match_in_worker(batch: pa.RecordBatch) -> pa.RecordBatch:
    assert _WORKER is not None, "worker started without its index"
    return _WORKER.match_batch(batch)


class InlineExecutor(Executor):
    """Matches each batch in this process as it is submitted (one worker: no processes)."""

    def __init__(self, index: CatalogIndex, config: MatcherConfig, category_table: str) -> None:
        self.matcher = BatchMatcher(index, config, category_table)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn`` now; its future is already done."""
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class MatchPool:
    """Matches Arrow batches on ``workers`` processes (or in this process for one worker)."""

    def __init__(
        self, index: CatalogIndex, config: MatcherConfig, category_table: str, workers: int
    ) -> None:
        self.workers = workers
        self._held = ExitStack()
        self._lifeline: Lifeline | None = None
        self._executor: Executor
        if workers <= 1:
            inline = InlineExecutor(index, config, category_table)
            self._executor = inline
            self._match = inline.matcher.match_batch
            return
        context = multiprocessing.get_context("fork" if can_fork() else "spawn")
        if context.get_start_method() == "fork":
            # Forked workers share the index's memory pages while the pool lives.
            self._held.enter_context(frozen_heap())
            # ... and die with this process, whatever kills it (see ``parallel.py``).
            self._lifeline = Lifeline()
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(index, config, category_table, self._lifeline),
        )
        self._match = _match_in_worker

    def submit(self, batch: pa.RecordBatch) -> Future[pa.RecordBatch]:
        """Match one batch; the future holds the matches batch."""
        try:
            return self._executor.submit(self._match, batch)
        except BrokenProcessPool as exc:
            raise worker_died() from exc

    @staticmethod
    def result(future: Future[pa.RecordBatch]) -> pa.RecordBatch:
        """A submitted batch's matches; ``EngineError`` when its worker died."""
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise worker_died() from exc

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: once they are done, or (``cancel``: an error, an interrupt) now."""
        try:
            if cancel:
                stop_workers(self._executor)
            else:
                self._executor.shutdown(wait=True)
        finally:
            if self._lifeline is not None:
                self._lifeline.close()
            self._held.close()

    def __enter__(self) -> MatchPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(cancel=kind is not None)


def worker_died() -> EngineError:
    """The error of a run whose worker process was killed (out of memory, a signal)."""
    return EngineError(
        "a worker process died (killed by the system: out of memory? or by a signal);"
        " no output was written"
    )
