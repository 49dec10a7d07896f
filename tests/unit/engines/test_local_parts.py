"""How the local engine cuts a chunk's new records across its workers (a sync's shared mode)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from poslink.engines.early import LEAST_PART as _LEAST_PART
from poslink.engines.early import cut_parts as _parts
from poslink.engines.early import decisions_of as _decisions
from poslink.records import Status


@pytest.mark.parametrize(
    ("records", "workers", "sizes"),
    [
        (20, 2, [10, 10]),  # a store of a re-sync at 2% changed: both workers match
        (21, 2, [11, 10]),
        (15, 2, [15]),  # too few for two parts of _LEAST_PART
        (1, 4, [1]),
        (40, 4, [10, 10, 10, 10]),
        (2048, 2, [1024, 1024]),
        (30, 1, [30]),
    ],
)
def test_new_records_are_cut_in_order_into_one_part_a_worker(
    records: int, workers: int, sizes: list[int]
) -> None:
    new: list[Any] = list(range(records))  # any list is cut the same way
    parts = _parts(new, workers)
    assert [len(p) for p in parts] == sizes
    assert [r for p in parts for r in p] == new
    assert len(parts) == 1 or min(sizes) >= _LEAST_PART


def test_decisions_read_back_from_a_worker_keep_one_string_per_reason() -> None:
    reason = "evidence 1.00; agree form; brand"
    batch = pa.record_batch(
        {
            "jane_product_id": ["7", "7", None],
            "match_score": [0.99, 0.99, 0.0],
            "match_status": ["matched", "matched", "no_match"],
            "match_reason": [reason, reason, "no candidate"],
        }
    )
    first, second, third = _decisions(batch)
    assert first[3] == second[3] == reason and first[3] is second[3]
    assert third[1:] == (0.0, Status.NO_MATCH, "no candidate")
