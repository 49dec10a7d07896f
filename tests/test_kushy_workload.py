"""The matcher's rules hold beyond the reference example: a Kushy-generated catalog and feed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Runner, poslink
from poslink.synth import generate


@pytest.mark.parametrize("seed", [11, 29])
def test_generated_workload_precision(
    run_poslink: Runner, kushy: Path, tmp_path: Path, seed: int
) -> None:
    work = generate(
        kushy, tmp_path / "w", n_products=6000, n_records=3000, seed=seed, formats=("json",)
    )
    out = tmp_path / "out.csv"
    run = run_poslink("--pos", work.pos_json, "--catalog", work.catalog, "--out", out, "-q")
    assert run.returncode == 0, run.stderr
    report = tmp_path / "report.json"
    evaluated = poslink(
        "eval", "--labels", work.labels, "--out", out, "--report", report, "--errors", "0"
    )
    assert evaluated.returncode == 0, evaluated.stderr
    figures = json.loads(report.read_text())
    print(f"seed {seed}: {evaluated.stdout.strip()}")
    assert figures["records"] == 3000
    assert figures["precision"] >= 0.98
    # Recall is reported, not the point; this floor only catches a matcher that gave up.
    assert figures["recall"] >= 0.8
