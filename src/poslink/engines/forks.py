"""This machine's cores, and the one pool of worker processes poslink starts: the match workers
of the local engine (``pool.py``) and the index build's parsers (``map_forked``).

Workers are forked where the platform can (``spawn`` elsewhere): they inherit the data they
work on (the index, the catalog being parsed), so nothing of it is copied or pickled, and
the collector is kept from touching (so copying) it while they live. They die with their
parent: a killed run (even by SIGKILL) leaves no worker
behind. On Linux the kernel sends each child SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``); everywhere, each child also watches a pipe the parent holds
open (its *lifeline*) and exits when the pipe closes, which happens whenever the parent ends.
Children leave Ctrl-C and SIGTERM to the parent, which stops them.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from types import TracebackType
from typing import Any, TypeVar

from poslink.exceptions import EngineError

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1


class Lifeline:
    """A pipe whose write end only the parent holds: children see it close when it dies."""

    def __init__(self) -> None:
        self.parent = os.getpid()
        self.read, self.write = os.pipe()

    def close(self) -> None:
        """The parent is done with its children: close both ends."""
        for fd in (self.read, self.write):
            with contextlib.suppress(OSError):
                os.close(fd)


def _watch(fd: int) -> None:
    with contextlib.suppress(OSError):
        while os.read(fd, 1):
            pass
    os._exit(1)  # the parent is gone: so is this child, at once


def die_with_parent(lifeline: Lifeline | None) -> None:
    """In a forked child: end when the parent ends; leave Ctrl-C and SIGTERM to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops its children
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if lifeline is None:
        return
    os.close(lifeline.write)  # only the parent may hold it open
    if os.getppid() != lifeline.parent:  # the parent died before this child was ready
        os._exit(1)
    threading.Thread(target=_watch, args=(lifeline.read,), daemon=True).start()


def stop_workers(executor: Executor) -> None:
    """Kill a process pool's workers now (an interrupted run), then shut the pool down."""
    processes: dict[int, Any] = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):
            process.kill()
    executor.shutdown(wait=True, cancel_futures=True)


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether child processes can be forked here (they then share this one's memory)."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the collector from touching (and so copying into forked children) today's objects."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _start(
    lifeline: Lifeline | None, initializer: Callable[..., None] | None, args: tuple[Any, ...]
) -> None:
    if lifeline is not None:
        die_with_parent(lifeline)
    if initializer is not None:
        initializer(*args)


def worker_died() -> EngineError:
    """The error of a run whose worker process was killed (out of memory, a signal)."""
    return EngineError(
        "a worker process died (killed by the system: out of memory? or by a signal);"
        " no output was written"
    )


class WorkerPool:
    """``workers`` processes, forked where the platform can, each set up by ``initializer``.

    Used as a context manager: leaving the block normally waits for the work submitted,
    leaving it by an exception (an error, an interrupt) stops the workers at once.
    """

    def __init__(
        self,
        workers: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        self._held = ExitStack()
        self._lifeline: Lifeline | None = None
        context = multiprocessing.get_context("fork" if can_fork() else "spawn")
        if context.get_start_method() == "fork":
            # Forked workers share this process's memory pages while the pool lives ...
            self._held.enter_context(frozen_heap())
            # ... and die with it, whatever kills it.
            self._lifeline = Lifeline()
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start,
            initargs=(self._lifeline, initializer, initargs),
        )

    def submit(self, fn: Callable[..., T], /, *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on a worker (``fn`` and ``args`` are pickled, the data is not)."""
        try:
            return self._executor.submit(fn, *args)
        except BrokenProcessPool as exc:
            raise worker_died() from exc

    @staticmethod
    def result(future: Future[T]) -> T:
        """A submitted call's result; ``EngineError`` when its worker died."""
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

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(cancel=kind is not None)


def map_forked(work: Callable[[int, int], T], size: int, parts: int) -> list[T]:
    """``work(start, stop)`` over ``parts`` contiguous ranges of ``range(size)``, in order.

    The first range runs in this process, the others each in a forked worker that inherits
    whatever ``work`` reads (module state set before the call), so nothing is pickled but the
    results. Where processes cannot be forked, every range runs here.
    """
    bounds = [size * k // parts for k in range(parts + 1)]
    if parts <= 1 or not can_fork():
        return [work(bounds[k], bounds[k + 1]) for k in range(parts)]
    with WorkerPool(parts - 1) as pool:
        futures = [pool.submit(work, bounds[k], bounds[k + 1]) for k in range(1, parts)]
        first = work(bounds[0], bounds[1])
        return [first, *(pool.result(f) for f in futures)]
