"""The garbage collector, set for long batch runs.

A run allocates millions of short-lived objects (decoded records, their keys, parsed items)
while it holds large long-lived ones (the index, the decision caches, the chunks in flight).
At CPython's default threshold the collector looks at the young objects every 700 allocations
and at the older ones every 7,000, re-examining the chunks in flight thousands of times: a
sixth of the CPU of the repeated 1M-record feed of ``make bench``, and still a twentieth at
20,000. Records, keys and decisions hold no reference cycles (a whole bench run leaves about a
thousand objects in cycles), so looking every 200,000 allocations leaves little garbage
waiting (what cycles 200,000 allocations make) for a collector that runs 300 times less often.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 200_000


@contextmanager
def batch_collection() -> Iterator[None]:
    """Collect young objects every ``YOUNG_THRESHOLD`` allocations, not 700, while inside.

    Processes forked inside (match workers, index parsers) inherit the setting.
    """
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], YOUNG_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
