"""``poslink eval`` on the labels and options a user gets wrong, or that a spreadsheet writes:
one error line or the right figures, never a traceback or figures of the wrong rows. The
command runs in the test's process (``poslink_here``, as the installed command runs it): what
it makes of its inputs is under test, not the process (tests/e2e/test_exit_codes.py starts it)."""

from __future__ import annotations

from pathlib import Path

from helpers import poslink_here

OUTPUT = (
    "productId,jane_product_id,match_score,match_status\n"
    "a,11,0.9990,matched\n"
    "b,,0.2000,no_match\n"
    "c,31,0.9100,matched\n"
)


def case(folder: Path, labels: str) -> tuple[Path, Path]:
    """A labels file with ``labels`` as its text, and a three-record output."""
    labels_path, out = folder / "labels.csv", folder / "out.csv"
    labels_path.write_text(labels, encoding="utf-8")
    out.write_text(OUTPUT, encoding="utf-8")
    return labels_path, out


def test_fail_under_recall_where_no_id_is_expected_is_the_printed_recall(tmp_path: Path) -> None:
    # Only rows that should get no id: recall is printed as 1.0000 (nothing was missed), and
    # the gate compares that figure; it used to stop on a TypeError (None < 0.9).
    labels, out = case(tmp_path, "row,jane_product_id,tier\n1,,other_brand\n2,,other_brand\n")
    passed = poslink_here("eval", "--labels", labels, "--out", out, "--fail-under", "recall=0.9")
    assert passed.returncode == 0, passed.stderr
    assert "recall 1.0000" in passed.stdout
    gated = poslink_here(
        "eval", "--labels", labels, "--out", out, "--json", "--fail-under", "f1=0.9"
    )
    assert gated.returncode == 1, gated.stderr
    assert "Traceback" not in gated.stderr
    assert gated.stderr.strip() == "poslink: error: under --fail-under: f1 0.0000 < 0.9"


def test_a_report_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    labels, out = case(tmp_path, "row,jane_product_id\n0,11\n")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    report = blocker / "report.json"  # under a file: no folder can be made there
    done = poslink_here("eval", "--labels", labels, "--out", out, "--report", report)
    assert done.returncode == 4, done.stderr  # the output cannot be written
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"poslink: error: {report}: cannot write output: ")
    assert len(done.stderr.splitlines()) == 1
    assert done.stdout == ""  # no figures printed as if all went well


def test_a_report_in_a_new_folder_is_written_as_other_outputs_are(tmp_path: Path) -> None:
    labels, out = case(tmp_path, "row,jane_product_id\n0,11\n")
    report = tmp_path / "reports" / "eval.json"
    done = poslink_here("eval", "--labels", labels, "--out", out, "--report", report)
    assert done.returncode == 0, done.stderr
    assert '"precision": 1.0' in report.read_text(encoding="utf-8")
    assert [p.name for p in report.parent.iterdir()] == ["eval.json"]  # no temporary left


def test_a_group_naming_a_tier_the_labels_lack_is_refused(tmp_path: Path) -> None:
    labels, out = case(
        tmp_path, "row,jane_product_id,tier\n0,11,labelled\n1,,labelled_none\n2,,other_brand\n"
    )
    typo = "own=labeled,labelled_none"  # `labeled` for `labelled`: a group of one tier's rows
    done = poslink_here("eval", "--labels", labels, "--out", out, "--group", typo)
    assert done.returncode == 2, done.stdout
    assert done.stderr.strip() == (
        f"poslink: error: option --group {typo!r}: {labels} has no tier labeled"
        " (its tiers: labelled, labelled_none, other_brand)"
    )
    right = poslink_here(
        "eval", "--labels", labels, "--out", out, "--group", "own=labelled,other_brand"
    )
    assert right.returncode == 0, right.stderr
    assert [line.split()[1:4] for line in right.stdout.splitlines() if line.startswith("own ")] == [
        ["2", "2", "1"]
    ]


def test_a_negative_row_is_refused_not_read_from_the_end(tmp_path: Path) -> None:
    # Row -1 used to be scored against the output's last record (31, given): right here.
    labels, out = case(tmp_path, "row,jane_product_id\n0,11\n-1,31\n")
    done = poslink_here("eval", "--labels", labels, "--out", out)
    assert done.returncode == 3, done.stdout
    assert done.stderr.strip() == f"poslink: error: {labels}: line 3: row -1 is not a record number"


def test_labels_and_output_saved_by_a_spreadsheet_with_a_byte_order_mark(tmp_path: Path) -> None:
    # "CSV UTF-8" from a spreadsheet begins with U+FEFF; the labels were refused as lacking
    # the row column they have.
    labels, out = case(tmp_path, "\ufeffrow,jane_product_id\n0,11\n2,31\n")
    out.write_text("\ufeff" + OUTPUT, encoding="utf-8")
    done = poslink_here("eval", "--labels", labels, "--out", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("precision 1.0000  recall 1.0000  F1 1.0000  (2 records,")


def test_a_record_labelled_twice_is_refused_not_counted_twice(tmp_path: Path) -> None:
    # Row 0 twice used to count as 2 records, 2 ids given, 2 right.
    labels, out = case(tmp_path, "row,jane_product_id\n0,11\n2,31\n0,11\n")
    done = poslink_here("eval", "--labels", labels, "--out", out)
    assert done.returncode == 3, done.stdout
    assert done.stderr.strip() == (
        f"poslink: error: {labels}: line 4: row 0 is labelled again (first on line 2)"
    )


def test_a_negative_errors_count_is_a_usage_error(tmp_path: Path) -> None:
    # `--errors -1` used to show every error row but the last (a slice from the end).
    labels, out = case(tmp_path, "row,jane_product_id\n0,12\n1,13\n2,14\n")
    done = poslink_here("eval", "--labels", labels, "--out", out, "--errors", "-1")
    assert done.returncode == 2, done.stdout
    assert "Invalid value for '--errors'" in done.stderr and done.stdout == ""
    shown = poslink_here("eval", "--labels", labels, "--out", out, "--errors", "2")
    assert shown.returncode == 0, shown.stderr
    assert "│ 0 " in shown.stdout and "│ 1 " in shown.stdout and "│ 2 " not in shown.stdout
