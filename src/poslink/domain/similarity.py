"""Many queries against one list of names at once: what ``process.extract`` gives each, faster.

``process.extract`` prepares every name again for every query; for a record that names no brand
the names are a whole type's products (tens of thousands), and that preparation is most of
the cost. Here the queries of a batch are compared with the names in few ``process.cdist``
calls (vectorised in C++), each only against the names whose length can reach the cutoff at
all. ``cdist`` serves as a coarse, generous filter; every pair it keeps is scored again by the
same ``fuzz.ratio`` call ``extract`` makes and ordered as ``extract`` orders (score, then
position), so the result is exactly ``extract``'s.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

# The coarse matrix of one call stays within this many cells.
_CELLS = 1 << 24
# Queries per cdist call: enough for its vectorised comparisons to pay.
_GROUP = 32

Hits = list[tuple[float, int]]


class _ByLength:
    """A list's distinct names ordered by length, with the positions each has in the list.

    Distinct: a brand's block repeats a name once per form and size, and each is scored once.
    The positions of ``names[k]`` are ``order[offsets[k]:offsets[k + 1]]``.
    """

    def __init__(self, names: Sequence[str]) -> None:
        self.source = names  # kept so that id(names) is not reused while this is cached
        places: dict[str, list[int]] = {}
        for i, name in enumerate(names):
            places.setdefault(name, []).append(i)
        self.names = sorted(places, key=len)
        self.lengths = array("I", map(len, self.names))
        # Compact arrays: a worker keeps millions of these.
        self.order = array("I")
        self.offsets = array("I", [0])
        for name in self.names:
            self.order.extend(places[name])
            self.offsets.append(len(self.order))

    def positions(self, k: int) -> array[int]:
        """The positions in the original list of the ``k``-th distinct name."""
        return self.order[self.offsets[k] : self.offsets[k + 1]]


# Views of the lists met so far (a worker meets the same blocks again and again), up to this
# many names in all; then they are made anew.
_VIEW_BUDGET = 4_000_000
_VIEWS: dict[int, _ByLength] = {}
_viewed = 0


def _by_length(names: Sequence[str]) -> _ByLength:
    global _viewed
    view = _VIEWS.get(id(names))
    if view is None or view.source is not names:
        if _viewed + len(names) > _VIEW_BUDGET:
            _VIEWS.clear()
            _viewed = 0
        view = _VIEWS[id(names)] = _ByLength(names)
        _viewed += len(names)
    return view


def length_window(length: int, cutoff: float) -> tuple[int, int]:
    """The name lengths that can reach ``cutoff`` (0-100) against a query of ``length``.

    ``fuzz.ratio`` is at most 2·min(a, b) / (a + b); one is added on each side for rounding.
    """
    c = cutoff / 100
    return max(0, math.floor(length * c / (2 - c)) - 1), math.ceil(length * (2 - c) / c) + 1


def extract_many(
    queries: Sequence[str], names: Sequence[str], cutoff: float, limit: int
) -> list[Hits]:
    """For each query, ``(score, index)`` of ``process.extract(query, names, scorer=fuzz.ratio,
    limit=limit, score_cutoff=cutoff)``, in its order."""
    out: list[Hits] = [[] for _ in queries]
    if not queries or not names:
        return out
    if cutoff <= 1:  # the filters need a cutoff to be cheaper than scoring everything
        for q, query in enumerate(queries):
            out[q] = [
                (s, i)
                for _, s, i in process.extract(
                    query, names, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff
                )
            ]
        return out
    view = _by_length(names)
    # Queries in groups of similar length: cdist is fastest with a few dozen queries a call,
    # and each group meets only the names whose length can reach the cutoff.
    ranked = sorted(range(len(queries)), key=lambda q: len(queries[q]))
    # One point below: a pair scoring ``cutoff`` exactly is kept however cdist rounds.
    coarse = math.floor(cutoff) - 1
    for first in range(0, len(ranked), _GROUP):
        members = ranked[first : first + _GROUP]
        low = length_window(len(queries[members[0]]), cutoff)[0]
        high = length_window(len(queries[members[-1]]), cutoff)[1]
        start, stop = bisect_left(view.lengths, low), bisect_right(view.lengths, high)
        if start >= stop:
            continue
        choices = view.names[start:stop]
        step = max(1, _CELLS // len(choices))
        for offset in range(0, len(members), step):
            part = members[offset : offset + step]
            matrix = process.cdist(
                [queries[q] for q in part],
                choices,
                scorer=fuzz.ratio,
                score_cutoff=coarse,
                dtype=np.uint8,
                workers=1,
            )
            rows, cols = _nonzero(matrix)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                q = part[r]
                score = fuzz.ratio(queries[q], choices[c], score_cutoff=cutoff)
                if score:
                    out[q].extend((score, i) for i in view.positions(start + c))
    for q, hits in enumerate(out):
        if len(hits) > limit:
            out[q] = heapq.nsmallest(limit, hits, key=_rank)
        else:
            hits.sort(key=_rank)
    return out


def _nonzero(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a 2-D uint8 matrix that is nearly all zero, read 8 cells at a time."""
    flat = matrix.reshape(-1)
    whole = flat.size - flat.size % 8
    # The 8-cell words holding a hit, then the hits within them; then the tail.
    words = np.flatnonzero(flat[:whole].view(np.uint64))
    within, offset = np.nonzero(flat[:whole].reshape(-1, 8)[words])
    hits = np.concatenate([words[within] * 8 + offset, whole + np.flatnonzero(flat[whole:])])
    return np.divmod(hits, matrix.shape[1])


def _rank(hit: tuple[float, int]) -> tuple[float, int]:
    """``process.extract``'s order: the best score first, then the earliest position."""
    return -hit[0], hit[1]
