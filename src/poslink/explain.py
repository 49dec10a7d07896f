"""Why a record matches or not, as data: the parse, where each attribute came from, the
candidates with what vetoed them, and the decision (``Matcher.explain``, ``GET /v1/explain``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from poslink.domain.parser import Parser
from poslink.matching import Matcher as IndexMatcher
from poslink.records import Match, ParsedItem, Status

__all__ = ["ExplainedCandidate", "Explanation", "explain_item"]

# Candidates are listed from this name similarity on (as `poslink explain` lists them).
CANDIDATE_FLOOR = 0.5


@dataclass(frozen=True)
class ExplainedCandidate:
    """One catalog product a record was compared with."""

    id: str
    name: str
    brand: str
    product_type: str
    product_subtype: str
    similarity: float  # of the names, 0 to 1
    # The weighed share of the product's name the record names (0 to 1): a strain word left
    # out lowers it, a product line's word hardly.
    covered: float
    veto: str  # the attribute that rules it out, "" when none does
    agreements: tuple[str, ...]  # attributes both sides state alike

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {f.name: getattr(self, f.name) for f in fields(self)} | {
            "agreements": list(self.agreements)
        }


@dataclass(frozen=True)
class Explanation:
    """How a record was read and decided; ``str()`` gives a plain-text report."""

    name: str
    category: str
    parsed: dict[str, str]  # attribute -> value as text ("" when the record has none)
    origins: dict[str, str]  # attribute -> where it came from (a field, the name, the category)
    candidates: tuple[ExplainedCandidate, ...]
    match: Match

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "name": self.name,
            "category": self.category,
            "parsed": self.parsed,
            "origins": self.origins,
            "candidates": [c.as_dict() for c in self.candidates],
            "match": {
                "jane_product_id": self.match.jane_product_id,
                "score": self.match.score,
                "status": self.match.status.value,
                "reason": self.match.reason,
            },
        }

    def __str__(self) -> str:
        lines = [f"{self.name!r}" + (f" (category {self.category!r})" if self.category else "")]
        shown = {k: v for k, v in self.parsed.items() if v}
        width = max(map(len, shown), default=0)
        for key, value in shown.items():
            origin = self.origins.get(key, "")
            lines.append(f"  {key:<{width}}  {value}" + (f"  ({origin})" if origin else ""))
        lines.append("candidates:" if self.candidates else "candidates: none")
        for c in self.candidates:
            verdict = f"veto: {c.veto}" if c.veto else "agrees: " + (", ".join(c.agreements) or "-")
            lines.append(
                f"  {c.id}  {c.name} | {c.brand} | {c.product_type}/{c.product_subtype}"
                f"  name {c.similarity:.2f} (names {c.covered:.0%} of it)  {verdict}"
            )
        m = self.match
        found = "" if m.jane_product_id is None else f" {m.jane_product_id}"
        lines.append(f"decision: {m.status.value}{found} (score {m.score:.2f}): {m.reason}")
        return "\n".join(lines)


def item_fields(item: ParsedItem) -> dict[str, str]:
    """Every attribute of a parsed item as explanations print it (``shown``), by name."""
    return {f.name: shown(getattr(item, f.name)) for f in fields(item)}


def shown(value: Any) -> str:
    """A parsed attribute as explanations print it: blank when unset."""
    if value is None or value is False:  # an unset flag says nothing worth a line
        return ""
    if value is True:
        return "yes"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value))
    if isinstance(value, tuple):
        return " ".join(value)
    return str(value)


def explain_item(
    parser: Parser,
    matcher: IndexMatcher,
    decision: Match,
    name: str,
    category: str,
    structured: Mapping[str, str | None],
    top: int,
) -> Explanation:
    """The explanation of a record whose ``decision`` is known: its parse and candidates."""
    parsed: dict[str, str] = {}
    origins: dict[str, str] = {}
    candidates: list[ExplainedCandidate] = []
    if decision.status is not Status.REJECTED:  # a rejected name has no parse to show
        item: ParsedItem
        item, origins = parser.explain_pos(name, category, **structured)
        parsed = {f.name: shown(getattr(item, f.name)) for f in fields(item)}
        index = matcher.index
        for cand in matcher.candidates(item, floor=CANDIDATE_FLOOR)[: max(top, 0)]:
            p = index.products[cand.position]
            candidates.append(
                ExplainedCandidate(
                    id=p.id,
                    name=p.name,
                    brand=p.brand,
                    product_type=p.product_type,
                    product_subtype=p.product_subtype,
                    similarity=round(cand.name, 4),
                    covered=round(cand.covered, 4),
                    veto=cand.veto,
                    agreements=tuple(cand.agreements),
                )
            )
    return Explanation(name, category, parsed, dict(origins), tuple(candidates), decision)
