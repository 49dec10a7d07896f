"""The repeat-run benchmark function: outputs identical, nothing matched again (no timing here:
speed is measured by ``make bench``, never asserted by a test)."""

from __future__ import annotations

from pathlib import Path

import storehelp
from poslink_dev.bench.store import repeat_run


def test_repeat_run_reports_identical_outputs(tmp_path: Path) -> None:
    result = repeat_run(storehelp.EXAMPLE_POS, str(storehelp.EXAMPLE_CATALOG), tmp_path)
    assert result.records == 29
    assert result.identical
    assert result.matched_again == 0
    figures = result.as_dict()
    assert set(figures) >= {"first_seconds", "second_seconds", "record_seconds", "speedup"}
    third, kept = tmp_path / "third.csv", tmp_path / "first.kept.csv"
    assert storehelp.without_source(kept) == storehelp.without_source(third)
    assert storehelp.sources(kept) == {"matcher", ""} and storehelp.sources(third) == {"reused", ""}
