"""The review queue's orders: by impact, and by how strongly the best candidate's name agrees."""

from __future__ import annotations

from pathlib import Path

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


def test_undo_after_a_restart_brings_the_item_back(tmp_path: Path) -> None:
    made = demo(tmp_path / "demo")
    settings = Settings(made.decisions, str(made.catalog))
    first = Workbench(settings)
    group = first.queue.groups[0]
    first.decide("ada", group, "none")
    first.close()
    again = Workbench(settings)  # the console restarted: the decision is in the store only
    try:
        assert group.id not in {g.id for g in again.queue.groups}
        undone = again.undo("ada")
        assert undone is not None and undone.subject == group.id
        assert group.id in {g.id for g in again.queue.groups}
    finally:
        again.close()


def test_a_gap_answered_in_this_session_is_named_as_a_fresh_queue_names_it(
    tmp_path: Path,
) -> None:
    made = demo(tmp_path / "demo")
    settings = Settings(made.decisions, str(made.catalog))
    bench = Workbench(settings)
    try:
        group = bench.queue.groups[0]
        bench.decide("ada", group, "none")  # "not in the catalog": a gap
        here = sorted((p.brand, p.name) for p in bench.gaps())
    finally:
        bench.close()
    fresh = Workbench(settings)  # what `poslink gaps` and a restarted console read
    try:
        assert here == sorted((p.brand, p.name) for p in fresh.gaps())
    finally:
        fresh.close()
