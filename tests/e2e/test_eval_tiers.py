"""``poslink eval`` tier by tier, tier groups, the reliability table and ``--json``; run in the
test's process (``poslink_here``): its figures are under test, not the process."""

from __future__ import annotations

import csv
import itertools
import json
import re
from pathlib import Path

import pytest

from helpers import poslink_here
from helpers.tierhelp import assert_same_as_score_tiers
from poslink.evaluate import Label, OutputRow
from poslink.scorecard import BAND_EDGES, default_groups, scorecard

# (tier, jane_product_id, acceptable, id given, match_score): every way a row can be scored.
ROWS: list[tuple[str, str, str, str, str]] = [
    ("linked", "11", "11", "11", "1.0000"),  # right
    ("linked", "12", "12", "", "0.4000"),  # missed
    ("linked", "13", "13", "99", "0.9600"),  # wrong id
    ("linked", "14", "14;15", "15", "0.9300"),  # a duplicate's other id: right
    ("store", "21", "21", "21", "0.9100"),
    ("store", "22", "22;", "", "0.0000"),  # blank accepted, but the id is expected: missed
    ("store", "23", "23", "23", "0.7200"),
    ("store_none", "", "", "", "0.5500"),  # right blank
    ("store_none", "", "", "31", "0.8800"),  # an id where none is right: wrong
    ("store_none", "", "32;", "32", "0.9990"),  # an id or blank accepted: right, not expected
    ("other_brand", "", "", "", ""),
    ("other_brand", "", "", "41", "0.6000"),
    ("other_brand", "", "", "", ""),
    ("other_brand", "", "", "", ""),
]
# tier: (rows, ids given, wrong, positives, found)
EXPECTED = {
    "linked": (4, 3, 1, 4, 2),
    "other_brand": (4, 1, 1, 0, 0),
    "store": (3, 2, 0, 3, 2),
    "store_none": (3, 2, 1, 0, 0),
    "store+store_none": (6, 4, 1, 3, 2),
    "all": (14, 8, 3, 7, 4),
}


def write_case(
    folder: Path, rows: list[tuple[str, str, str, str, str]] = ROWS
) -> tuple[Path, Path]:
    """A labels file with tiers and an output with match_score, rows in reverse label order."""
    labels, out = folder / "labels.csv", folder / "out.csv"
    with labels.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["row", "productId", "productName", "jane_product_id", "acceptable", "tier"]
        )
        for n, (tier, expected, acceptable, _, _) in reversed(list(enumerate(rows))):
            writer.writerow([n, 1000 + n, f"item {n}", expected, acceptable, tier])
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["productId", "jane_product_id", "match_score", "match_status"])
        for n, (_, _, _, given, score) in enumerate(rows):
            writer.writerow([1000 + n, given, score, "matched" if given else "no_match"])
    return labels, out


def counts(figures: dict[str, object]) -> tuple[object, ...]:
    keys = ("records", "predicted", "wrong", "positives", "found")
    return tuple(figures[k] for k in keys)


def test_figures_per_tier_and_group(tmp_path: Path) -> None:
    labels, out = write_case(tmp_path)
    done = poslink_here("eval", "--labels", labels, "--out", out, "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    got = {tier: counts(f) for tier, f in figures["tiers"].items()}
    got.update({name: counts(f) for name, f in figures["groups"].items()})
    got["all"] = counts(figures)
    assert got == EXPECTED
    assert figures["groups"]["store+store_none"]["tiers"] == ["store", "store_none"]
    linked = figures["tiers"]["linked"]
    assert (linked["precision"], linked["recall"]) == (round(2 / 3, 4), 0.5)
    other = figures["tiers"]["other_brand"]
    assert other["given_share"] == 0.25 and other["recall"] is None and other["f1"] is None
    # The overall figures stay at the top level, as `--report` has always written them.
    assert figures["precision"] == round(5 / 8, 4) and figures["recall"] == round(4 / 7, 4)


def test_text_report_has_a_line_per_tier_group_and_all(tmp_path: Path) -> None:
    labels, out = write_case(tmp_path)
    done = poslink_here("eval", "--labels", labels, "--out", out, "--group", "shelf=store,linked")
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines() if line}
    for tier, (rows, given, wrong, _, _) in EXPECTED.items():
        assert lines[tier][:3] == [str(rows), str(given), str(wrong)], tier
    assert lines["other_brand"][-1] == "25.00%"
    assert lines["other_brand"][4:6] == ["-", "-"]  # no recall or F1 where no id is expected
    assert lines["shelf"][:3] == ["7", "5", "1"]


def test_reliability_table_reads_match_score(tmp_path: Path) -> None:
    labels, out = write_case(tmp_path)
    done = poslink_here("eval", "--labels", labels, "--out", out, "--json")
    bands = json.loads(done.stdout)["reliability"]["bands"]
    assert [b["band"] for b in bands] == [
        f"{low:.2f}-{high:.2f}" for low, high in itertools.pairwise(BAND_EDGES)
    ]
    by_band = {b["band"]: (b["given"], b["correct"], b["mean_score"]) for b in bands}
    # Only rows given an id count: 0.60 (wrong), 0.72, 0.88 (wrong), 0.91, 0.93, 0.96 (wrong),
    # 0.999 and 1.0 (both right).
    assert by_band == {
        "0.00-0.50": (0, 0, None),  # no id in the band: no mean score, as the text's "-"
        "0.50-0.70": (1, 0, 0.6),
        "0.70-0.80": (1, 1, 0.72),
        "0.80-0.90": (1, 0, 0.88),
        "0.90-0.95": (2, 2, 0.92),
        "0.95-0.99": (1, 0, 0.96),
        "0.99-1.00": (2, 2, 0.9995),
    }
    assert bands[0]["precision"] is None and bands[1]["precision"] == 0.0
    text = poslink_here("eval", "--labels", labels, "--out", out).stdout
    assert re.search(r"^0\.90-0\.95\s+2\s+0\.9200\s+1\.0000$", text, re.MULTILINE), text


def test_no_tiers_no_scores_no_tables(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("row,jane_product_id\n0,5\n1,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    out.write_text("jane_product_id,match_status\n5,matched\n,no_match\n", encoding="utf-8")
    done = poslink_here("eval", "--labels", labels, "--out", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "precision 1.0000  recall 1.0000  F1 1.0000  (2 records, 1 ids given, 1 expected, 0 errors)"
    )
    figures = json.loads(poslink_here("eval", "--labels", labels, "--out", out, "--json").stdout)
    assert figures["tiers"] == {} and figures["groups"] == {} and figures["reliability"] is None


@pytest.mark.parametrize(
    ("score", "problem"),
    [
        ("high", "match_score 'high' is not a number"),
        ("1.5", "match_score '1.5' is not between 0 and 1"),
    ],
)
def test_a_bad_score_is_one_line(tmp_path: Path, score: str, problem: str) -> None:
    rows = [*ROWS[:3], ("linked", "14", "14", "14", score)]
    labels, out = write_case(tmp_path, rows)
    done = poslink_here("eval", "--labels", labels, "--out", out)
    assert done.returncode == 3  # a data error (the output file)
    assert done.stderr.strip() == f"poslink: error: {out}: line 5: {problem}"


def test_a_bad_group_is_one_line(tmp_path: Path) -> None:
    labels, out = write_case(tmp_path)
    done = poslink_here("eval", "--labels", labels, "--out", out, "--group", "stores")
    assert done.returncode == 2
    assert "option --group 'stores': expected NAME=TIER,TIER" in done.stderr


def test_labels_of_another_export_are_one_line_naming_both_files(tmp_path: Path) -> None:
    labels, _ = write_case(tmp_path)
    (tmp_path / "short").mkdir()
    _, out = write_case(tmp_path / "short", ROWS[:5])  # an output of five records
    done = poslink_here("eval", "--labels", labels, "--out", out)
    assert done.returncode == 3
    assert done.stderr.strip() == (
        f"poslink: error: {labels}: a label for record {len(ROWS) - 1} (counted from 0), but"
        f" {out} has 5 records: are these the labels of another export?"
    )


def test_groups_pair_a_tier_with_its_none_tier() -> None:
    assert default_groups(["linked", "labelled", "labelled_none", "x_none", "other_brand"]) == {
        "labelled+labelled_none": ("labelled", "labelled_none")
    }


def test_scorecard_in_process_equals_counting_by_hand() -> None:
    labels = [
        Label(n, "", expected, frozenset(acceptable.split(";")), tier)
        for n, (tier, expected, acceptable, _, _) in enumerate(ROWS)
    ]
    output = [
        OutputRow(given, "", float(score) if score else None) for _, _, _, given, score in ROWS
    ]
    card = scorecard(labels, output)
    assert card.tiers["store"].found == 2 and card.groups["store+store_none"][1].wrong == 1
    assert card.bands is not None and sum(b.given for b in card.bands) == 8


def test_same_figures_as_the_reference_scorer(tmp_path: Path) -> None:
    labels, out = write_case(tmp_path)
    assert_same_as_score_tiers(labels, out)
