"""The matcher: a parsed record, its candidate blocks, their scores and the decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from itertools import islice
from operator import attrgetter, itemgetter

from rapidfuzz import fuzz, process

from poslink.config import MatcherConfig
from poslink.domain.knowledge import load_knowledge
from poslink.matching.decide import decide
from poslink.matching.index import Block, CatalogIndex, sorted_name
from poslink.matching.score import Candidate, attribute_veto, compare, compare_names
from poslink.records import Match, ParsedItem, Status
from poslink.similarity import Hits, extract_many

# What a decision depends on: every parsed attribute but the weight (the 1 g and the 3.5 g of a
# flower are one catalog product) and how the brand was found (it is only reported).
_DECISION_FIELDS = tuple(
    f.name for f in fields(ParsedItem) if f.name not in ("weight_g", "brand_source")
)
Key = tuple[object, ...]


_decision_fields = attrgetter(*_DECISION_FIELDS)


def decision_key(item: ParsedItem) -> Key:
    """Records with equal keys get the same decision: the matcher's cache key."""
    key: Key = _decision_fields(item)
    return key


def _rank(c: Candidate) -> tuple[bool, float, int]:
    """Unvetoed first, then the best name, then the most agreeing attributes."""
    return bool(c.veto), -c.name, -len(c.agreements)


# A record whose candidate blocks hold this many names is scored in bulk (``prefetch``).
_BULK_FROM = 300


class Matcher:
    """Matches parsed records against one catalog index; identical records are decided once."""

    def __init__(
        self,
        index: CatalogIndex,
        config: MatcherConfig | None = None,
        cache_size: int = 500_000,
        bulk_from: int = _BULK_FROM,
    ) -> None:
        self.index = index
        self.cache_size = cache_size
        self.bulk_from = bulk_from
        self.config = config or MatcherConfig()
        self._veto_types = load_knowledge().subtype_veto_types
        self._cache: dict[Key, tuple[str | None, float, Status, str]] = {}
        self._prefetched: dict[ParsedItem, dict[int, tuple[Hits, Hits]]] = {}
        self.cache_hits = 0

    def match(self, row: int, item: ParsedItem, key: Key | None = None) -> Match:
        """The decision for one parsed record (``key``: its ``decision_key``, if known)."""
        if key is None:
            key = decision_key(item)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._decide(item)
            if len(self._cache) >= self.cache_size:
                # Bounded, so memory follows the catalog and not the feed: the oldest tenth goes.
                for old in list(islice(self._cache, max(1, self.cache_size // 10))):
                    del self._cache[old]
            self._cache[key] = cached
        else:
            self.cache_hits += 1
        pid, score, status, reason = cached
        return Match(row=row, jane_product_id=pid, score=score, status=status, reason=reason)

    def prefetch(self, items: Iterable[ParsedItem], keys: Iterable[Key] | None = None) -> None:
        """Score in bulk, ahead of ``match``, the records whose candidate blocks are large.

        A record that names no brand meets every brand's products of its types, a big brand
        has thousands; ``similarity.extract_many`` compares a batch's records with such a block
        at once, with the results ``candidates`` would compute one by one. ``keys``: the
        items' ``decision_key``s, in order, if known.
        """
        self._prefetched.clear()
        users: dict[int, list[ParsedItem]] = {}
        blocks: dict[int, Block] = {}
        seen: set[Key] = set()
        items = list(items)
        for item, key in zip(items, keys or map(decision_key, items), strict=True):
            if key in seen or key in self._cache or not self._searches(item) or not item.brand:
                continue
            seen.add(key)
            found = self.index.candidates_blocks(item)
            if sum(len(b.positions) for b in found) < self.bulk_from:
                continue
            self._prefetched[item] = {}
            for block in found:
                blocks[id(block)] = block
                users.setdefault(id(block), []).append(item)
        cutoff, limit = self._floor() * 100, self.config.max_candidates
        for block_id, members in users.items():
            block = blocks[block_id]
            by_sorted = extract_many(
                [sorted_name(i.core) for i in members], block.sorted_names, cutoff, limit
            )
            by_compact = extract_many(
                [i.core.replace(" ", "") for i in members], block.compact_names, cutoff, limit
            )
            for item, hits_sorted, hits_compact in zip(members, by_sorted, by_compact, strict=True):
                self._prefetched[item][block_id] = (hits_sorted, hits_compact)

    def _searches(self, item: ParsedItem) -> bool:
        """Whether deciding the record looks at candidates at all (see ``_decide``)."""
        if item.brand:
            return item.brand in self.index.blocks
        return self.config.unbranded_threshold is not None

    def candidates(self, item: ParsedItem, floor: float | None = None) -> list[Candidate]:
        """Every candidate whose name similarity reaches ``floor``, scored, best first."""
        return self._scored(item, self._similar(item, floor))

    def shortlist(self, item: ParsedItem) -> list[Candidate]:
        """The candidates ``decide`` reads, scored, best first: the unvetoed ones with the best
        name or within the margin of it, and the vetoed one with the best name.

        ``decide`` gives on these what it gives on all ``candidates``: it reads a vetoed
        candidate only when none is unvetoed, and then only the best-named one. The products
        named below the margin are never compared at all.
        """
        best = self._similar(item)
        # Best name first; among equal names, the order ``_scored`` keeps (insertion).
        ranked = sorted(best.items(), key=itemgetter(1), reverse=True)
        out: list[Candidate] = []
        stop: float | None = None
        vetoed = False
        index = self.index
        # The attribute vetoes of a profile, which thousands of a big block's products share.
        vetoes: dict[int, str] = {}
        for pos, score in ranked:
            name = score / 100
            if stop is not None and name < stop:
                break
            profile = index.profile_of[pos]
            veto = vetoes.get(profile)
            if veto is None:
                veto = vetoes[profile] = attribute_veto(
                    item, index.profiles[profile], self._veto_types
                )
            agree: list[str] = []
            if not veto:
                veto, agree = compare_names(item, index.item(pos))
            if veto:
                if not vetoed:
                    vetoed = True
                    out.append(Candidate(position=pos, name=name, veto=veto))
                continue
            out.append(Candidate(position=pos, name=name, agreements=agree))
            if stop is None:
                stop = name - self.config.margin
        out.sort(key=_rank)
        return out

    def _similar(self, item: ParsedItem, floor: float | None = None) -> dict[int, float]:
        """The best name similarity (0-100) of each product reaching ``floor``, by position."""
        ready = self._prefetched.pop(item, None) if floor is None else None
        cutoff = (self._floor() if floor is None else floor) * 100
        query_sorted = sorted_name(item.core)
        query_compact = item.core.replace(" ", "")
        best: dict[int, float] = {}
        limit = self.config.max_candidates
        if not item.brand and floor is None:
            # No brand: every brand's products compete, so only an exact name (word order and
            # spacing aside) is taken; a dictionary lookup, whatever the catalog's size.
            return dict.fromkeys(self.index.exact_positions(query_sorted, query_compact), 100.0)
        for block in self.index.candidates_blocks(item):
            found: tuple[Hits, ...]
            if ready is not None:
                found = ready[id(block)]
            else:
                found = tuple(
                    [
                        (score, i)
                        for _, score, i in process.extract(
                            query, names, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff
                        )
                    ]
                    for query, names in (
                        (query_sorted, block.sorted_names),
                        (query_compact, block.compact_names),
                    )
                )
            for hits in found:
                for score, i in hits:
                    pos = block.positions[i]
                    if score > best.get(pos, -1.0):
                        best[pos] = score
        return best

    def _scored(self, item: ParsedItem, best: dict[int, float]) -> list[Candidate]:
        """Candidates with their vetoes and agreements, best first."""
        out = []
        for pos, score in best.items():
            veto, agree = compare(item, self.index.item(pos), self._veto_types)
            out.append(Candidate(position=pos, name=score / 100, veto=veto, agreements=agree))
        out.sort(key=_rank)
        return out

    def _floor(self) -> float:
        return max(0.0, self.config.threshold - self.config.margin)

    def _decide(self, item: ParsedItem) -> tuple[str | None, float, Status, str]:
        threshold = self.config.threshold
        if not item.brand:
            # Without a brand every brand's products compete: only a near-exact name that no
            # other product comes close to is taken.
            if self.config.unbranded_threshold is None:
                return None, 0.0, Status.NO_MATCH, "no catalog brand found in the record"
            threshold = max(threshold, self.config.unbranded_threshold)
        elif item.brand not in self.index.blocks:
            return None, 0.0, Status.NO_MATCH, f"brand {item.brand!r} not in catalog"
        candidates = self.shortlist(item)
        chosen, status, reason = decide(
            candidates, self.config, threshold, tie_breaks=bool(item.brand)
        )
        if not item.brand:
            reason = f"no brand in record; {reason}"
        if chosen is None:
            top = max((c.name for c in candidates if not c.veto), default=0.0)
            return None, round(top, 4), status, reason
        pid = self.index.product_id(chosen.position)
        return pid, round(chosen.name, 4), status, reason
