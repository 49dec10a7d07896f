"""The garbage collector, set once by the command line for long batch runs.

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

The command line sets it for its whole process (``poslink`` and ``python -m poslink``), and
processes it forks (match workers, index parsers) inherit it. The library never changes it:
a program that embeds poslink keeps its own collector settings, and may set this one itself.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 2_000_000


def collect_for_batch_work() -> None:
    """Look for young cycles every ``YOUNG_THRESHOLD`` allocations, not 700, from now on."""
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_THRESHOLD), *older)
