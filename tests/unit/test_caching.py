"""The one bounded cache: never more than its size, the oldest tenth forgotten first."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from poslink.caching import BoundedCache


@given(size=st.integers(0, 40), keys=st.lists(st.integers(0, 60), max_size=200))
def test_holds_at_most_its_size_and_the_newest_entries(size: int, keys: list[int]) -> None:
    cache: BoundedCache[int, str] = BoundedCache(size)
    added: list[int] = []  # what a cache without a bound would hold, in order of adding
    for key in keys:
        if key in cache:
            assert cache[key] == f"v{key}"
            continue
        assert cache.put(key, f"v{key}") == f"v{key}"
        added.append(key)
        assert len(cache) <= size
    # What it still holds is the newest entries added, in the order they were added.
    held = list(cache)
    assert held == added[len(added) - len(held) :]
    if size == 0:
        assert held == []


def test_a_full_cache_forgets_its_oldest_tenth_at_once() -> None:
    cache: BoundedCache[int, int] = BoundedCache(20)
    for key in range(20):
        cache.put(key, key)
    cache.put(20, 20)
    assert list(cache) == list(range(2, 21))
    calls: list[int] = []

    def compute(key: int) -> int:
        calls.append(key)
        return key * 10

    assert cache.get_or(5, compute) == 5 and calls == []
    assert cache.get_or(99, compute) == 990 and calls == [99] and cache[99] == 990


def test_survives_pickling_with_its_size() -> None:
    cache: BoundedCache[str, int] = BoundedCache(3)
    cache.put("a", 1)
    copy = pickle.loads(pickle.dumps(cache))
    assert isinstance(copy, BoundedCache) and copy.size == 3 and copy == {"a": 1}
