"""The matcher: a parsed record, its candidate blocks, their scores and the decision."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from poslink.config import MatcherConfig
from poslink.domain.knowledge import load_knowledge
from poslink.matching.decide import decide
from poslink.matching.index import CatalogIndex, sorted_name
from poslink.matching.score import Candidate, compare
from poslink.records import Match, ParsedItem, Status


class Matcher:
    """Matches parsed records against one catalog index; identical records are decided once."""

    def __init__(self, index: CatalogIndex, config: MatcherConfig | None = None) -> None:
        self.index = index
        self.config = config or MatcherConfig()
        self._veto_types = load_knowledge().subtype_veto_types
        self._cache: dict[ParsedItem, tuple[int | None, float, Status, str]] = {}
        self.cache_hits = 0

    def match(self, row: int, item: ParsedItem) -> Match:
        """The decision for one parsed record."""
        cached = self._cache.get(item)
        if cached is None:
            cached = self._decide(item)
            self._cache[item] = cached
        else:
            self.cache_hits += 1
        pid, score, status, reason = cached
        return Match(row=row, jane_product_id=pid, score=score, status=status, reason=reason)

    def candidates(self, item: ParsedItem, floor: float | None = None) -> list[Candidate]:
        """Every candidate whose name similarity reaches ``floor``, scored, best first."""
        if floor is None:
            floor = max(0.0, self.config.threshold - self.config.margin)
        cutoff = floor * 100
        query_sorted = sorted_name(item.core)
        query_compact = item.core.replace(" ", "")
        best: dict[int, float] = {}
        limit = self.config.max_candidates
        for block in self.index.candidates_blocks(item):
            for query, names in (
                (query_sorted, block.sorted_names),
                (query_compact, block.compact_names),
            ):
                for _, score, i in process.extract(
                    query, names, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff
                ):
                    pos = block.positions[i]
                    if score > best.get(pos, -1.0):
                        best[pos] = score
        out = []
        for pos, score in best.items():
            veto, agree = compare(item, self.index.items[pos], self._veto_types)
            out.append(Candidate(position=pos, name=score / 100, veto=veto, agreements=agree))
        out.sort(key=lambda c: (bool(c.veto), -c.name, -len(c.agreements)))
        return out

    def _decide(self, item: ParsedItem) -> tuple[int | None, float, Status, str]:
        threshold = self.config.threshold
        if not item.brand:
            # Without a brand every brand's products compete: only a near-exact name that no
            # other product comes close to is taken.
            if self.config.unbranded_threshold is None:
                return None, 0.0, Status.NO_MATCH, "no catalog brand found in the record"
            threshold = max(threshold, self.config.unbranded_threshold)
        elif item.brand not in self.index.blocks:
            return None, 0.0, Status.NO_MATCH, f"brand {item.brand!r} not in catalog"
        candidates = self.candidates(item)
        chosen, status, reason = decide(
            candidates, self.config, threshold, tie_breaks=bool(item.brand)
        )
        if not item.brand:
            reason = f"no brand in record; {reason}"
        if chosen is None:
            top = max((c.name for c in candidates if not c.veto), default=0.0)
            return None, round(top, 4), status, reason
        pid = self.index.products[chosen.position].id
        return pid, round(chosen.name, 4), status, reason
