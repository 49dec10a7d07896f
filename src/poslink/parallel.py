"""This machine's cores, and forked processes that inherit the data they work on.

Child processes die with their parent: a killed run (even by SIGKILL) leaves no worker
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
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

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


def map_forked(work: Callable[[int, int], T], size: int, parts: int) -> list[T]:
    """``work(start, stop)`` over ``parts`` contiguous ranges of ``range(size)``, in order.

    The first range runs in this process, the others each in a forked child that inherits
    whatever ``work`` reads (module state set before the call), so nothing is pickled but the
    results.
    """
    bounds = [size * k // parts for k in range(parts + 1)]
    if parts <= 1 or not can_fork():
        return [work(bounds[k], bounds[k + 1]) for k in range(parts)]
    lifeline = Lifeline()
    pool = ProcessPoolExecutor(
        parts - 1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=die_with_parent,
        initargs=(lifeline,),
    )
    try:
        with frozen_heap():
            futures = [pool.submit(work, bounds[k], bounds[k + 1]) for k in range(1, parts)]
            first = work(bounds[0], bounds[1])
            results = [first, *(f.result() for f in futures)]
    except BaseException:
        stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True)
        lifeline.close()
    return results
