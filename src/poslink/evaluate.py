"""Measure a matched output against hand labels: precision, recall, F1 and the errors."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from poslink.exceptions import InputError


@dataclass(frozen=True)
class Label:
    """One labelled record: the right id (or none) and every answer accepted."""

    row: int
    name: str
    expected: str
    acceptable: frozenset[str]


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
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """The figures, for JSON reports."""
        return {
            "records": self.records,
            "predicted": self.predicted,
            "positives": self.positives,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "errors": len(self.errors),
        }


def read_labels(path: Path) -> list[Label]:
    """Read a labels CSV (``row``, ``jane_product_id``, ``acceptable``; ``productName`` if any)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            need = {"row", "jane_product_id"}
            if not reader.fieldnames or not need <= set(reader.fieldnames):
                raise InputError(f"{path}: labels need the columns row, jane_product_id")
            labels = []
            for n, rec in enumerate(reader, start=2):
                try:
                    row = int(rec["row"])
                except (TypeError, ValueError) as exc:
                    raise InputError(f"{path}: line {n}: row is not a number") from exc
                expected = (rec.get("jane_product_id") or "").strip()
                accepted = rec.get("acceptable")
                if accepted is None:
                    parts = {expected}
                elif accepted.strip() == "":
                    parts = {""}
                else:
                    parts = {p.strip() for p in accepted.split(";")}
                labels.append(Label(row, rec.get("productName", ""), expected, frozenset(parts)))
            return labels
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc


def read_output(path: Path) -> list[tuple[str, str]]:
    """The (jane_product_id, match_status) of each row of a poslink output, in order.

    The output is a CSV file, or a CSV directory (the Spark engine's): ``part-*.csv`` files
    whose concatenation in name order is the CSV.
    """
    try:
        if path.is_dir():
            parts = sorted(path.glob("part-*.csv"))
            if not parts:
                raise InputError(f"{path}: a directory without part-*.csv files")
            handle: IO[str] = io.StringIO(
                "".join(p.read_text(encoding="utf-8") for p in parts), newline=""
            )
        else:
            handle = path.open(newline="", encoding="utf-8")
        with handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "jane_product_id" not in reader.fieldnames:
                raise InputError(f"{path}: not a poslink output (no jane_product_id column)")
            return [
                ((r["jane_product_id"] or "").strip(), r.get("match_status") or "") for r in reader
            ]
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc


def evaluate(labels: list[Label], output: list[tuple[str, str]]) -> Metrics:
    """Compare an output with its labels, row by row."""
    metrics = Metrics()
    for label in labels:
        if label.row >= len(output):
            raise InputError(f"label for row {label.row} but the output has {len(output)} rows")
        predicted, status = output[label.row]
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
