"""``match_score`` as the estimated probability that the id given is right.

The matcher's evidence (0-1) orders candidates; what share of ids given at a level of evidence
is right depends on how the id was found: a whole name equal to the catalog's, a catalog
duplicate, a record of a known brand, a brand's generic product, a brand read from a product
line's word, a record naming no brand. Per kind, a monotone curve maps evidence to the share
of right ids measured on labelled data (isotonic regression, smoothed); it is shipped as
``data/calibration.json`` and rebuilt with ``make calibrate`` (see docs/matching.md).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

KINDS = (
    "whole name",
    "duplicate",
    "brand",
    "strain part",
    "generic",
    "inferred brand",
    "no brand",
)
# Pseudo-counts of one right and one wrong id in every pooled step: a step of three right ids
# says 0.8, not 1.0.
PRIOR_RIGHT = 1.0
PRIOR_WRONG = 1.0
# A curve keeps at most this many knots.
MAX_KNOTS = 24


@dataclass(frozen=True)
class Curve:
    """A monotone, piecewise-linear map from evidence to probability, with its support."""

    evidence: tuple[float, ...]
    probability: tuple[float, ...]
    samples: int

    def __call__(self, x: float) -> float:
        """The probability at evidence ``x`` (flat beyond the first and last knots)."""
        xs, ys = self.evidence, self.probability
        if not xs:
            return x
        if x <= xs[0]:
            return ys[0]
        if x >= xs[-1]:
            return ys[-1]
        i = bisect_right(xs, x)
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 > x0 else y1


@dataclass(frozen=True)
class Calibration:
    """The curves of every kind of decision; a kind without one keeps its evidence."""

    curves: dict[str, Curve]

    def probability(self, kind: str, evidence: float) -> float:
        """The probability that an id found this way, with this evidence, is right."""
        curve = self.curves.get(kind)
        return evidence if curve is None else curve(evidence)

    def to_json(self) -> str:
        """The calibration as the package data file holds it."""
        data = {
            "format": "poslink-calibration",
            "version": 1,
            "curves": {
                kind: {
                    "samples": c.samples,
                    "knots": [
                        [round(x, 4), round(y, 4)]
                        for x, y in zip(c.evidence, c.probability, strict=True)
                    ],
                }
                for kind, c in sorted(self.curves.items())
            },
        }
        return json.dumps(data, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Calibration:
        """Read what ``to_json`` wrote."""
        data = json.loads(text)
        curves = {}
        for kind, spec in data.get("curves", {}).items():
            knots = spec["knots"]
            curves[kind] = Curve(
                tuple(float(x) for x, _ in knots),
                tuple(float(y) for _, y in knots),
                int(spec.get("samples", 0)),
            )
        return cls(curves)


@cache
def load_calibration() -> Calibration:
    """The package's calibration (``matching/data/calibration.json``)."""
    path = resources.files("poslink.matching").joinpath("data", "calibration.json")
    try:
        return Calibration.from_json(path.read_text("utf-8"))
    except FileNotFoundError:
        return Calibration({})


def fit(samples: Mapping[str, Sequence[tuple[float, bool]]]) -> Calibration:
    """Fit one curve per kind from (evidence, the id was right) samples."""
    return Calibration({kind: _fit_curve(points) for kind, points in samples.items() if points})


def _fit_curve(points: Iterable[tuple[float, bool]]) -> Curve:
    # Pool adjacent violators over evidence-sorted samples, grouped by evidence value.
    groups: dict[float, list[float]] = {}
    for x, right in points:
        g = groups.setdefault(round(x, 4), [0.0, 0.0])
        g[0] += 1.0 if right else 0.0
        g[1] += 1.0
    blocks: list[list[float]] = []  # [first x, last x, right, total]
    for x in sorted(groups):
        hits, count = groups[x]
        blocks.append([x, x, hits, count])
        while len(blocks) > 1 and _rate(blocks[-2]) > _rate(blocks[-1]):
            merged = blocks.pop()
            prev = blocks[-1]
            prev[1], prev[2], prev[3] = merged[1], prev[2] + merged[2], prev[3] + merged[3]
    xs: list[float] = []
    ys: list[float] = []
    for low, high, hits, count in blocks:
        p = (hits + PRIOR_RIGHT) / (count + PRIOR_RIGHT + PRIOR_WRONG)
        mid = (low + high) / 2
        if xs and p < ys[-1]:
            p = ys[-1]  # the prior may bend a pooled step below the one before
        xs.append(mid)
        ys.append(p)
    if len(xs) > MAX_KNOTS:
        step = len(xs) / MAX_KNOTS
        keep = sorted({int(i * step) for i in range(MAX_KNOTS)} | {len(xs) - 1})
        xs, ys = [xs[i] for i in keep], [ys[i] for i in keep]
    total = int(sum(g[1] for g in groups.values()))
    return Curve(tuple(xs), tuple(ys), total)


def _rate(block: list[float]) -> float:
    return block[2] / block[3]
