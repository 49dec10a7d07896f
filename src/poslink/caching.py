"""Bounded caches: answers worth remembering, in memory that does not grow with the feed.

Every cache of poslink (decisions by record, parsed brands and categories, brand and word
look-ups) is a ``BoundedCache`` with one eviction policy: it holds at most ``size`` entries,
and adding one to a full cache first forgets the oldest tenth, in the order they were added.
A hit is a plain dictionary lookup, with no bookkeeping to make it dearer (a
least-recently-used order would cost every hit a move); forgetting a tenth at once, rather than
one entry per miss, keeps the cost of a miss flat; and a feed's repeats come close together
(the sizes of one product, the products of one brand), so the newest entries are the ones
worth keeping. What is cached is a pure function of its key: forgetting it changes no answer.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(dict[K, V]):
    """A dictionary of at most ``size`` entries, the oldest tenth forgotten when it is full.

    Read it as a dictionary (``get``, ``in``, ``[]``); add entries with ``put`` or ``get_or``
    only, which keep the bound. A size of 0 remembers nothing.
    """

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: K, value: V) -> V:
        """Remember ``value`` for ``key`` (making room first when full); return ``value``."""
        if len(self) >= self.size:
            if not self.size:
                return value
            for old in list(islice(self, max(1, self.size // 10))):
                del self[old]
        self[key] = value
        return value

    def get_or(self, key: K, compute: Callable[[K], V]) -> V:
        """The value remembered for ``key``, else ``compute(key)``, remembered."""
        if key in self:
            return self[key]
        return self.put(key, compute(key))
