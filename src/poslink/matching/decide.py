"""The decision: threshold, margin and tie-breaks; precision first."""

from __future__ import annotations

from collections.abc import Sequence

from poslink.config import MatcherConfig
from poslink.matching.score import Candidate
from poslink.records import Status


def decide(
    candidates: Sequence[Candidate],
    config: MatcherConfig,
    threshold: float | None = None,
    *,
    tie_breaks: bool = True,
) -> tuple[Candidate | None, Status, str]:
    """Choose the candidate to give, or none, and say why.

    The best name wins when it clears the threshold and no other unvetoed candidate comes
    within the margin; among close ones, the one with strictly more agreeing attributes
    (lineage, form, word order, pack, potency) wins, unless ``tie_breaks`` is off (a record
    without a brand: agreeing attributes do not tell one brand's product from another's);
    otherwise the record is ambiguous.
    """
    alive = [c for c in candidates if not c.veto]
    if not alive:
        if candidates:
            best = max(candidates, key=lambda c: c.name)
            return None, Status.NO_MATCH, f"best candidate vetoed: {best.veto}"
        return None, Status.NO_MATCH, "no candidate"
    least = config.threshold if threshold is None else threshold
    top = max(alive, key=lambda c: c.name)
    if top.name < least:
        return None, Status.NO_MATCH, f"best name {top.name:.2f} below {least:.2f}"
    close = [c for c in alive if c.name >= top.name - config.margin]
    if len(close) == 1:
        return top, Status.MATCHED, _why(top)
    if not tie_breaks:
        return None, Status.AMBIGUOUS, f"{len(close)} candidates within {config.margin:.2f}"
    most = max(len(c.agreements) for c in close)
    leaders = [c for c in close if len(c.agreements) == most]
    if len(leaders) == 1:
        return leaders[0], Status.MATCHED, _why(leaders[0]) + f"; beat {len(close) - 1} close"
    return None, Status.AMBIGUOUS, f"{len(leaders)} candidates within {config.margin:.2f}"


def _why(c: Candidate) -> str:
    agree = ",".join(c.agreements)
    return f"name {c.name:.2f}" + (f"; agree {agree}" if agree else "")
