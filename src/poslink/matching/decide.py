"""The decision: threshold, margin and tie-breaks; precision first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from poslink.config import MatcherConfig
from poslink.matching.score import Candidate
from poslink.records import Status

# What ``Matcher._decide`` gives: the id (or none), the score, the status and why.
Decision = tuple[str | None, float, Status, str]

WHOLE_NAME = "whole name"
# Evidence below this never gives an id, whatever the probability threshold.
FLOOR = 0.5


class Assessment(NamedTuple):
    """A decision before the probability threshold (see ``Matcher.assess``)."""

    candidate: Candidate | None
    status: Status
    reason: str
    kind: str = ""
    evidence: float = 0.0


def decide(
    candidates: Sequence[Candidate],
    config: MatcherConfig,
    *,
    unbranded: bool = False,
    variant: Callable[[int], str] | None = None,
) -> tuple[Candidate | None, Status, str]:
    """Choose the candidate to give, or none, and say why.

    A record whose whole name is a catalog product's gets that product; when the catalog
    lists the very same name twice (duplicates), the first listed. Otherwise the best evidence
    wins when it clears ``FLOOR`` and no other candidate comes within the margin; a
    brand's generic product never rivals a product the record names. Among close ones, the
    one with strictly more agreeing attributes wins, unless the record names no brand
    (attributes do not tell one brand's product from another's); else, when the leaders are
    one product's variants (``variant``: a product's name less its measures, by position), the
    one stating no size, pack or potency that the record leaves open; else it is ambiguous.
    """
    alive = [c for c in candidates if not c.veto]
    if not alive:
        if candidates:
            best = max(candidates, key=lambda c: c.name)
            return None, Status.NO_MATCH, f"best candidate vetoed: {best.veto}"
        return None, Status.NO_MATCH, "no candidate"
    whole = [c for c in alive if WHOLE_NAME in c.agreements]
    if whole:
        first = min(whole, key=lambda c: (_against(c), c.position))
        if len(whole) == 1:
            return first, Status.MATCHED, "whole name equal to the catalog's"
        return first, Status.MATCHED, f"whole name equal to {len(whole)} catalog duplicates"
    top = min(alive, key=lambda c: (-c.name, -len(c.agreements), c.position))
    if top.name < FLOOR:
        return None, Status.NO_MATCH, f"best evidence {top.name:.2f} below {FLOOR:.2f}"
    close = [
        c
        for c in alive
        if c is not top
        and c.name >= top.name - config.margin
        and not (c.generic and not top.generic)
    ]
    if close and top.group >= 0 and all(c.group == top.group for c in close):
        # Only the catalog's duplicates of the best: the same product, listed twice.
        # The one whose attributes agree best (a lineage field), else the first listed.
        first = min([top, *close], key=lambda c: (_against(c), c.position))
        return first, Status.MATCHED, _why(first) + f"; {len(close) + 1} catalog duplicates"
    if not close:
        return top, Status.MATCHED, _why(top)
    if unbranded:
        return None, Status.AMBIGUOUS, f"{len(close) + 1} candidates within {config.margin:.2f}"
    lead = max([top, *close], key=lambda c: (_support(c), c.name, -c.position))
    most = _support(lead)
    rivals = [c for c in (top, *close) if c is not lead]
    if all(_support(c) < most for c in rivals):
        return lead, Status.MATCHED, _why(lead) + f"; beat {len(rivals)} close"
    leaders = [c for c in (top, *close) if _support(c) == most]
    plain = [c for c in leaders if c.says_no_more]
    if len(plain) == 1 and variant and len({variant(c.position) for c in leaders}) == 1:
        # The catalog's variants of one name by size, pack or potency: the record stating none
        # is the one stating none ("Tiva Kaps", not "Tiva Kaps - 10mg").
        why = f"; the plain one of {len(leaders)} variants"
        return plain[0], Status.MATCHED, _why(plain[0]) + why
    return None, Status.AMBIGUOUS, f"{len(leaders)} candidates within {config.margin:.2f}"


_FORM_RANK = {"same": 3, "related": 2, "unknown": 1}


def _support(c: Candidate) -> tuple[int, int]:
    """What breaks a tie between close candidates: the form first (the very form named over a
    kind of it), then agreeing attributes less disagreeing ones."""
    return _FORM_RANK.get(c.form, 0), len(c.agreements) - bool(c.doubt)


def _against(c: Candidate) -> tuple[int, int]:
    """``_support`` for sorting the best first."""
    form, agree = _support(c)
    return -form, -agree


def _why(c: Candidate) -> str:
    agree = ",".join(c.agreements)
    kind = "generic product; " if c.generic else ""
    doubt = f"; doubt {c.doubt}" if c.doubt else ""
    return f"{kind}evidence {c.name:.2f}" + (f"; agree {agree}" if agree else "") + doubt
