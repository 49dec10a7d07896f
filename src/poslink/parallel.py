"""This machine's cores, and forked processes that inherit the data they work on."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


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
    with (
        frozen_heap(),
        ProcessPoolExecutor(parts - 1, mp_context=multiprocessing.get_context("fork")) as pool,
    ):
        futures = [pool.submit(work, bounds[k], bounds[k + 1]) for k in range(1, parts)]
        first = work(bounds[0], bounds[1])
        return [first, *(f.result() for f in futures)]
