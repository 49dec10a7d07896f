"""The review queue's orders: by impact, and by how strongly the best candidate's name agrees."""

from __future__ import annotations

import pytest

from helpers.consolehelp import demo
from poslink.console.queue import SORTS, select, sort_named
from poslink.console.workbench import Settings, Workbench


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Workbench:
    made = demo(tmp_path_factory.mktemp("queue"))
    return Workbench(Settings(made.decisions, str(made.catalog)))


def test_the_orders_by_evidence_sort_on_the_best_candidates_evidence(bench: Workbench) -> None:
    groups = bench.queue.groups
    evidence = sorted({g.evidence for g in groups})
    assert len(evidence) >= 2, evidence  # the demo's groups differ: the order is checked
    most = [g.evidence for g in select(groups, sort="evidence")]
    least = [g.evidence for g in select(groups, sort="least-evidence")]
    assert most == sorted(most, reverse=True) and least == sorted(least)
    assert most[0] == evidence[-1] and least[0] == evidence[0]
    # The figure is the candidate's evidence (``poslink explain``), not a calibrated score.
    for g in groups:
        assert g.evidence == (g.candidates[0].score if g.candidates else 0.0)


def test_the_former_names_of_the_orders_still_work(bench: Workbench) -> None:
    groups = bench.queue.groups
    assert sort_named("confidence") == "evidence"
    assert sort_named("least-confident") == "least-evidence"
    assert sort_named("") == "" and sort_named("impact") == "impact"
    assert set(SORTS) == {"impact", "evidence", "least-evidence"}
    for former, now in (("confidence", "evidence"), ("least-confident", "least-evidence")):
        assert [g.id for g in select(groups, sort=former)] == [
            g.id for g in select(groups, sort=now)
        ]
