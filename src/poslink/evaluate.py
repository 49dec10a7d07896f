"""Measure a matched output against hand labels: precision, recall, F1 and the errors.

A labels file may carry a ``tier`` column (what kind of record each row is, such as ``linked``
or ``other_brand``); :mod:`poslink.scorecard` reports the figures tier by tier.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

from poslink.exceptions import InputError
from poslink.files.csvfiles import reading_csv


@dataclass(frozen=True)
class Label:
    """One labelled record: the right id (or none) and every answer accepted."""

    row: int
    name: str
    expected: str
    acceptable: frozenset[str]
    tier: str = ""  # the labels' ``tier`` column, "" when it has none


class OutputRow(NamedTuple):
    """What a poslink output says of one record: the id given, the status and the score."""

    jane_product_id: str
    match_status: str
    match_score: float | None  # None when the output has no match_score column or cell


@dataclass(frozen=True)
class ErrorRow:
    """A record the output got wrong."""

    row: int
    name: str
    predicted: str
    acceptable: str
    status: str
    kind: str


@dataclass
class Metrics:
    """Precision (of the ids given), recall (of the ids expected) and F1."""

    records: int = 0
    predicted: int = 0
    correct_predicted: int = 0
    positives: int = 0
    found: int = 0
    errors: list[ErrorRow] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of the ids given that are acceptable."""
        return self.correct_predicted / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of the records with a labelled id that got an acceptable one."""
        return self.found / self.positives if self.positives else 1.0

    @property
    def wrong(self) -> int:
        """Ids given that are not acceptable."""
        return self.predicted - self.correct_predicted

    @property
    def given_share(self) -> float:
        """Share of the records that got an id (for rows that should get none: the error rate)."""
        return self.predicted / self.records if self.records else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int | None]:
        """The figures, for JSON reports (recall and F1 null where no row expects an id)."""
        return {
            "records": self.records,
            "predicted": self.predicted,
            "correct": self.correct_predicted,
            "wrong": self.wrong,
            "positives": self.positives,
            "found": self.found,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4) if self.positives else None,
            "f1": round(self.f1, 4) if self.positives else None,
            "given_share": round(self.given_share, 4),
            "errors": len(self.errors),
        }


def read_labels(path: Path) -> list[Label]:
    """Read a labels CSV: ``row``, ``jane_product_id``; ``acceptable``, ``productName`` and
    ``tier`` if it has them.

    ``acceptable`` lists the ids accepted, ';'-separated (an empty element accepts a blank);
    a blank ``acceptable`` accepts ``jane_product_id`` alone.
    """
    # As a spreadsheet saves it (``files/csvfiles.py``).
    with reading_csv(path) as handle:
        reader = csv.DictReader(handle)
        need = {"row", "jane_product_id"}
        if not reader.fieldnames or not need <= set(reader.fieldnames):
            raise InputError(f"{path}: labels need the columns row, jane_product_id")
        labels = []
        seen: dict[int, int] = {}  # row -> the line that labels it
        for n, rec in enumerate(reader, start=2):
            try:
                row = int(rec["row"])
            except (TypeError, ValueError) as exc:
                raise InputError(f"{path}: line {n}: row is not a number") from exc
            if row < 0:
                # Counted from 0: a negative row would score the output's last records.
                raise InputError(f"{path}: line {n}: row {row} is not a record number")
            if row in seen:
                # Counted twice, a record would weigh double in every figure.
                raise InputError(
                    f"{path}: line {n}: row {row} is labelled again (first on line {seen[row]})"
                )
            seen[row] = n
            expected = (rec.get("jane_product_id") or "").strip()
            accepted = (rec.get("acceptable") or "").strip()
            parts = {p.strip() for p in accepted.split(";")} if accepted else {expected}
            tier = (rec.get("tier") or "").strip()
            name = rec.get("productName") or ""
            labels.append(Label(row, name, expected, frozenset(parts), tier))
        return labels


def read_output(path: Path) -> list[OutputRow]:
    """The id, status and score of each row of a poslink output, in order.

    The output is a CSV file, or a CSV directory (the Spark engine's): ``part-*.csv`` files
    whose concatenation in name order is the CSV.
    """
    if not path.is_dir():
        with reading_csv(path) as handle:  # as labels: a spreadsheet may have saved it
            return _output_rows(path, handle)
    parts = sorted(path.glob("part-*.csv"))
    if not parts:
        raise InputError(f"{path}: a directory without part-*.csv files")
    try:
        text = "".join(p.read_text(encoding="utf-8") for p in parts)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    return _output_rows(path, io.StringIO(text, newline=""))


def _output_rows(path: Path, handle: IO[str]) -> list[OutputRow]:
    reader = csv.DictReader(handle)
    if not reader.fieldnames or "jane_product_id" not in reader.fieldnames:
        raise InputError(f"{path}: not a poslink output (no jane_product_id column)")
    return [
        OutputRow(
            (r["jane_product_id"] or "").strip(),
            r.get("match_status") or "",
            _score(path, n, r.get("match_score")),
        )
        for n, r in enumerate(reader, start=2)
    ]


def _score(path: Path, line: int, cell: str | None) -> float | None:
    """A ``match_score`` cell as a number in [0, 1]; None when the column or cell is empty."""
    if cell is None or not cell.strip():
        return None
    try:
        value = float(cell)
    except ValueError:
        raise InputError(f"{path}: line {line}: match_score {cell!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise InputError(f"{path}: line {line}: match_score {cell!r} is not between 0 and 1")
    return value


def check_fits(
    labels: Sequence[Label], output: Sequence[OutputRow], labels_path: Path, output_path: Path
) -> None:
    """Refuse labels for records the output does not have (labels of another export)."""
    last = max((label.row for label in labels), default=-1)
    if last >= len(output):
        raise InputError(
            f"{labels_path}: a label for record {last} (counted from 0), but {output_path} has"
            f" {len(output)} records: are these the labels of another export?"
        )


def evaluate(labels: list[Label], output: list[OutputRow]) -> Metrics:
    """Compare an output with its labels, row by row."""
    metrics = Metrics()
    for label in labels:
        if label.row >= len(output):
            raise InputError(f"label for row {label.row} but the output has {len(output)} rows")
        predicted, status, _ = output[label.row]
        ok = predicted in label.acceptable
        metrics.records += 1
        if predicted:
            metrics.predicted += 1
            metrics.correct_predicted += ok
        if label.expected:
            metrics.positives += 1
            metrics.found += ok and bool(predicted)
        if not ok:
            kind = "wrong id" if predicted else "missed"
            metrics.errors.append(
                ErrorRow(
                    label.row,
                    label.name,
                    predicted,
                    ";".join(sorted(label.acceptable)),
                    status,
                    kind,
                )
            )
    return metrics
