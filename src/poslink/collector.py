"""The garbage collector, set for long batch runs.

A run allocates millions of short-lived objects (decoded records, their keys, parsed items)
while it holds large long-lived ones (the index, the decision caches, the chunks in flight).
At CPython's default threshold the collector looks at the young objects every 700 allocations
and at the older ones every 7,000: a sixth of the CPU of the repeated 1M-record feed of
``make bench``. Each look walks every object the caches gained since the last one; at 200,000
allocations that was still about 0.45 s of the main process's CPU on that feed; at 2,000,000
no look falls within that run at all (measured with ``gc.callbacks``), a longer one has one
every 2 million allocations. Records, keys and decisions hold no reference
cycles (a whole bench run leaves about a thousand objects in cycles in the main process, none
in the workers; peak RSS is unchanged), so what waits for the collector is that little;
reference counting frees everything else at once, as always.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 2_000_000


@contextmanager
def batch_collection() -> Iterator[None]:
    """Look for young cycles every ``YOUNG_THRESHOLD`` allocations, not 700, while inside.

    Processes forked inside (match workers, index parsers) inherit the setting.
    """
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], YOUNG_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
