"""The service's load test (`poslink bench --parts service`): bounded, loopback only, and it
reports what it measured."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from conftest import poslink
from poslink_dev.bench import service as bench
from poslink_dev.bench.generated import SIZES
from poslink_dev.bench.loadgen import Outcome, closed_loop


def test_the_load_generator_sends_to_loopback_only() -> None:
    with pytest.raises(ValueError, match="this machine only"):
        asyncio.run(closed_loop("10.0.0.1", 80, [(b"", 1)], concurrency=1, duration=0.1))


def test_percentiles_are_nearest_rank() -> None:
    out = Outcome(seconds=2.0, latencies=[i / 1000 for i in range(1, 101)])
    out.statuses[200] = 100
    assert (out.percentile(50), out.percentile(99), out.percentile(100)) == (50.0, 99.0, 100.0)
    assert out.rate == 50.0


def test_the_service_case_is_the_distinct_100k_feed() -> None:
    chosen = bench.service_case(SIZES["full"])
    assert (chosen.products, chosen.records, chosen.repetition) == (100_000, 100_000, 0.0)
    assert bench.service_case(SIZES["tiny"]).products == 400


def test_the_service_bench_measures_and_stops_by_itself(kushy: Path, tmp_path: Path) -> None:
    doc = tmp_path / "bench.md"
    result = poslink(
        "bench",
        "--sizes",
        "tiny",
        "--parts",
        "service",
        "--work",
        tmp_path / "work",
        "--kushy",
        kushy,
        "--doc",
        doc,
    )
    assert result.returncode == 0, result.stderr
    text = doc.read_text(encoding="utf-8")
    assert "## HTTP service (`poslink serve`)" in text
    startup = re.search(r"start-up to ready \(saved index, 1 worker\): \*\*([\d.]+) s\*\*", text)
    assert startup and 0 < float(startup.group(1)) < 60
    rates = re.findall(r"\*\*([\d,]+)(?:/s\*\*| requests/s\*\*| records/s\*\*)", text)
    assert len(rates) == 3 and all(int(r.replace(",", "")) > 0 for r in rates), text
    assert "not answered 200" not in text
    assert re.search(r"p99 [\d.]+ ms", text)
