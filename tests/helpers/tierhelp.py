"""Helpers for the tier tests: the reference tier scorer beside the repository, read as a table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import SHARED, poslink

SCORE_TIERS = SHARED.parent / "tools" / "score-tiers"


def score_tiers(labels: Path, out: Path) -> dict[str, tuple[int, int, int, str, str]]:
    """``score-tiers``' table: tier -> (rows, ids given, wrong, precision, recall as printed)."""
    done = subprocess.run(
        [sys.executable, str(SCORE_TIERS), str(labels), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    table = {}
    for line in done.stdout.splitlines()[1:]:
        tier, rows, given, wrong, precision, recall = line.split()
        table[tier] = (int(rows), int(given), int(wrong), precision, recall)
    return table


def eval_json(labels: Path, out: Path) -> dict[str, Any]:
    """``poslink eval --json``: the scorecard of an output."""
    done = poslink("eval", "--labels", labels, "--out", out, "--json")
    assert done.returncode == 0, done.stderr
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures


def assert_same_as_score_tiers(labels: Path, out: Path) -> dict[str, Any]:
    """``poslink eval --json`` against ``score-tiers`` on one output: the same figures; the
    scorecard. Skips when the reference scorer is not beside the repository."""
    if not SCORE_TIERS.exists():
        pytest.skip(f"the reference scorer is not at {SCORE_TIERS}")
    figures = eval_json(labels, out)
    tiers = {**figures["tiers"], "all": figures}
    reference = score_tiers(labels, out)
    assert set(reference) == set(tiers)
    for tier, (rows, given, wrong, precision, recall) in reference.items():
        ours = tiers[tier]
        assert (ours["records"], ours["predicted"], ours["wrong"]) == (rows, given, wrong), tier
        # The reference prints 3 decimals: the same counts give the same figures.
        ours_precision = ours["correct"] / ours["predicted"] if ours["predicted"] else 1.0
        assert f"{ours_precision:.3f}" == precision, tier
        ours_recall = f"{ours['found'] / ours['positives']:.3f}" if ours["positives"] else "-"
        assert ours_recall == recall, tier
        assert ours["precision"] == round(ours_precision, 4), tier
    return figures
