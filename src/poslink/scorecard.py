"""What ``poslink eval`` reports beyond one precision and recall: figures per tier and the
reliability of ``match_score``.

A labels file with a ``tier`` column says what kind of record each row is (real menus: names
equal to the catalog's, stores' own names, items of brands absent from the catalog; generated
workloads: the catalog's own text, a store's rendering, ...). Each tier gets its own precision,
recall and F1, and the share of its rows that got an id (for a tier whose rows should get none,
that share is its error rate). A tier ``T_none`` holds rows of the same kind as ``T`` that are
not in the catalog, so ``T`` and ``T_none`` are also reported together, as one group: there an
id given to a ``T_none`` row counts as a wrong id.

When the output has a ``match_score`` column, the ids given are grouped by score band, and each
band's mean score (the precision the scores predict) is set beside the precision observed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from poslink.evaluate import Label, Metrics, OutputRow, evaluate

NONE_SUFFIX = "_none"
# Band edges of the reliability table: finer near 1, where the decisions are.
BAND_EDGES: tuple[float, ...] = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


@dataclass(frozen=True)
class Band:
    """The ids given with a score in ``[low, high)`` (the last band includes 1.0)."""

    low: float
    high: float
    given: int
    correct: int
    score_sum: float

    @property
    def mean_score(self) -> float:
        """The mean ``match_score``: the precision the scores predict for this band."""
        return self.score_sum / self.given if self.given else 0.0

    @property
    def precision(self) -> float:
        """The share of this band's ids that are acceptable."""
        return self.correct / self.given if self.given else 0.0

    @property
    def label(self) -> str:
        """E.g. ``0.90-0.95``."""
        return f"{self.low:.2f}-{self.high:.2f}"

    def as_dict(self) -> dict[str, Any]:
        """The band's figures, for JSON reports (a band without ids has no mean score or
        precision: null, as the text table's ``-``)."""
        return {
            "band": self.label,
            "low": self.low,
            "high": self.high,
            "given": self.given,
            "correct": self.correct,
            "mean_score": round(self.mean_score, 4) if self.given else None,
            "precision": round(self.precision, 4) if self.given else None,
        }


@dataclass(frozen=True)
class Scorecard:
    """Every figure ``poslink eval`` reports for one output against its labels."""

    overall: Metrics
    tiers: dict[str, Metrics]  # by tier name, sorted; empty when the labels have no tiers
    groups: dict[str, tuple[tuple[str, ...], Metrics]]  # name -> (its tiers, figures)
    bands: list[Band] | None  # None when the output has no match_score

    @property
    def calibration_error(self) -> float | None:
        """The mean gap between predicted and observed precision, weighted by ids per band."""
        if not self.bands:
            return None
        given = sum(b.given for b in self.bands)
        if not given:
            return None
        return sum(b.given * abs(b.mean_score - b.precision) for b in self.bands) / given

    def as_dict(self) -> dict[str, Any]:
        """The whole scorecard as JSON data: the overall figures at the top level."""
        data: dict[str, Any] = dict(self.overall.as_dict())
        data["tiers"] = {tier: m.as_dict() for tier, m in self.tiers.items()}
        data["groups"] = {
            name: {"tiers": list(tiers), **m.as_dict()} for name, (tiers, m) in self.groups.items()
        }
        if self.bands is None:
            data["reliability"] = None
        else:
            error = self.calibration_error
            data["reliability"] = {
                "bands": [b.as_dict() for b in self.bands],
                "calibration_error": None if error is None else round(error, 4),
            }
        return data


def default_groups(tiers: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """``T+T_none`` for every tier ``T_none`` whose ``T`` is a tier too."""
    present = set(tiers)
    groups: dict[str, tuple[str, ...]] = {}
    for tier in sorted(present):
        base = tier.removesuffix(NONE_SUFFIX)
        if tier.endswith(NONE_SUFFIX) and base in present:
            groups[f"{base}+{tier}"] = (base, tier)
    return groups


def scorecard(
    labels: Sequence[Label],
    output: Sequence[OutputRow],
    groups: Mapping[str, Sequence[str]] | None = None,
    edges: Sequence[float] = BAND_EDGES,
) -> Scorecard:
    """The figures of ``output`` against ``labels``: overall, per tier, per group of tiers and
    (when the output has scores) per score band. ``groups`` adds to :func:`default_groups`."""
    overall = evaluate(list(labels), list(output))
    by_tier: dict[str, list[Label]] = {}
    for label in labels:
        if label.tier:
            by_tier.setdefault(label.tier, []).append(label)
    tiers = {tier: evaluate(by_tier[tier], list(output)) for tier in sorted(by_tier)}
    wanted = {**default_groups(tiers), **{k: tuple(v) for k, v in (groups or {}).items()}}
    grouped = {}
    for name, members in wanted.items():
        rows = [label for tier in members for label in by_tier.get(tier, [])]
        grouped[name] = (tuple(members), evaluate(rows, list(output)))
    return Scorecard(overall, tiers, grouped, reliability(labels, output, edges))


def reliability(
    labels: Sequence[Label], output: Sequence[OutputRow], edges: Sequence[float] = BAND_EDGES
) -> list[Band] | None:
    """The labelled rows that got an id, by score band; None when no such row has a score."""
    counts = [[0, 0, 0.0] for _ in edges[1:]]
    scored = False
    for label in labels:
        predicted, _, score = output[label.row]
        if not predicted or score is None:
            continue
        scored = True
        band = _band(score, edges)
        counts[band][0] += 1
        counts[band][1] += predicted in label.acceptable
        counts[band][2] += score
    if not scored:
        return None
    return [
        Band(low, high, int(given), int(correct), score_sum)
        for (low, high), (given, correct, score_sum) in zip(
            itertools.pairwise(edges), counts, strict=True
        )
    ]


def _band(score: float, edges: Sequence[float]) -> int:
    for i, high in enumerate(edges[1:-1]):
        if score < high:
            return i
    return len(edges) - 2


def rows(card: Scorecard) -> list[tuple[str, list[str]]]:
    """Each tier, each group and all rows, with their figures as text: rows, ids given, wrong,
    precision, recall, F1, share given an id (recall and F1 "-" where no id is expected)."""
    named = [*card.tiers.items(), *((n, m) for n, (_, m) in card.groups.items())]
    named.append(("all", card.overall))
    return [
        (
            name,
            [
                f"{m.records:,}",
                f"{m.predicted:,}",
                f"{m.wrong:,}",
                f"{m.precision:.4f}",
                f"{m.recall:.4f}" if m.positives else "-",
                f"{m.f1:.4f}" if m.positives else "-",
                f"{m.given_share:.2%}",
            ],
        )
        for name, m in named
    ]


_COLUMNS = ("rows", "ids given", "wrong", "precision", "recall", "F1", "given an id")


def tier_lines(card: Scorecard) -> list[str]:
    """The per-tier table as text lines (none when the labels have no tiers)."""
    if not card.tiers:
        return []
    table = rows(card)
    width = max(16, *(len(name) for name, _ in table))
    sizes = [max(len(c), *(len(cells[n]) for _, cells in table)) for n, c in enumerate(_COLUMNS)]
    lines = [
        " ".join(
            [f"{'tier':{width}}", *(f"{c:>{w}}" for c, w in zip(_COLUMNS, sizes, strict=True))]
        )
    ]
    for name, cells in table:
        lines.append(
            " ".join([f"{name:{width}}", *(f"{c:>{w}}" for c, w in zip(cells, sizes, strict=True))])
        )
    return lines


def reliability_lines(card: Scorecard) -> list[str]:
    """The reliability table as text lines (none when the output has no match_score)."""
    if card.bands is None:
        return []
    lines = [
        "match_score reliability (labelled rows given an id):",
        f"{'score band':12} {'ids given':>9} {'mean score':>10} {'precision':>9}",
    ]
    for b in card.bands:
        if b.given:
            lines.append(f"{b.label:12} {b.given:9} {b.mean_score:10.4f} {b.precision:9.4f}")
        else:
            lines.append(f"{b.label:12} {0:9} {'-':>10} {'-':>9}")
    error = card.calibration_error
    if error is not None:
        lines.append(f"calibration error (mean |mean score - precision|, by ids): {error:.4f}")
    return lines


def markdown_rows(card: Scorecard) -> list[str]:
    """Markdown table cells, from the tier on, of each tier, each group and all rows:
    ``| tier | rows | ids given | wrong | precision | recall | F1 | given an id |``."""
    return [f"| {name} | {' | '.join(cells)} |" for name, cells in rows(card)]
