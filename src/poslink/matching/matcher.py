"""The matcher: a parsed record, the catalog products it may be, their evidence and the decision.

In order: a record whose whole name is a catalog product's own is that product; a record of a
catalog brand meets that brand's products that share a word with it (or a mistyped, joined or
shortened one) and the brand's generic products; a record naming no brand meets only products
of exactly its name across brands, and only when that name is not one the whole trade uses.
"""

from __future__ import annotations

import sys
from collections.abc import Container, Iterable
from dataclasses import replace
from operator import attrgetter

from poslink.caching import BoundedCache
from poslink.config import MatcherConfig
from poslink.domain.knowledge import load_knowledge
from poslink.domain.parser import Parser
from poslink.domain.text import folded_words
from poslink.domain.vocabulary import Vocabulary
from poslink.matching.brand_candidates import SCORE_ALL, BrandCandidates
from poslink.matching.calibration import load_calibration
from poslink.matching.decide import WHOLE_NAME, Assessment, Decision, decide
from poslink.matching.duplicates import duplicate_of
from poslink.matching.index import CatalogIndex, sorted_name
from poslink.matching.score import (
    FORM_FACTOR,
    Candidate,
    Lexicon,
    agreements,
    attribute_veto,
    form_relation,
    number_veto,
    size_veto,
)
from poslink.records import DECISION_FIELDS, Match, ParsedItem, Status

Key = tuple[object, ...]

_decision_fields = attrgetter(*DECISION_FIELDS)

# Decisions a matcher remembers by parsed record, by default.
CACHE_SIZE = 500_000

# The evidence a record whose brand was read from a product line's word must reach.
INFERRED = 0.85
# How an id is found for a record naming no catalog brand: ``unbranded_threshold`` applies.
UNBRANDED_KINDS = frozenset({"no brand", "inferred brand"})


def name_read_past(item: ParsedItem, brands: Container[str]) -> bool:
    """Whether a record whose whole name is the catalog text of products of ``brands`` is read
    past its brand: one read from the name (not a Brand field) that has no product of this
    text is a word of another's product name ("Exclusive OG Shatter")."""
    return not item.brand_source.startswith("field") and item.brand not in brands


def decision_key(item: ParsedItem) -> Key:
    """Records with equal keys get the same decision: the matcher's cache key (whether the
    brand is a field's too: a field's brand is never read past, ``name_read_past``)."""
    return (*_decision_fields(item), item.brand_source.startswith("field"))


class Matcher:
    """Matches parsed records against one catalog index; identical records are decided once."""

    def __init__(
        self,
        index: CatalogIndex,
        config: MatcherConfig | None = None,
        cache_size: int = CACHE_SIZE,
        score_all_to: int = SCORE_ALL,
    ) -> None:
        self.index = index
        self.cache_size = cache_size
        self.config = config or MatcherConfig()
        self.k = load_knowledge()
        self._lexicon = Lexicon(
            form_words={w: f.subtype for w, f in self.k.weak_forms.items() if " " not in w},
            descriptors=frozenset(w for w in self.k.descriptors if " " not in w),
            strain_words=frozenset(w for n in self.k.common_names for w in n.split()),
            flavours=self.k.flavours,
            held=frozenset(w for phrase in self.k.strong_forms for w in phrase.split()),
        )
        # The parser's own words, which a brand's words in a name leave in it ("Chocolates"
        # of "Zuma Chocolates"): the same when the matcher reads the brand from the products.
        self._vocabulary_words = Vocabulary(self.k).spans
        self._calibration = load_calibration()
        self._brand = BrandCandidates(index, self.k, self._lexicon, score_all_to)
        self._cache: BoundedCache[Key, Decision] = BoundedCache(cache_size)
        self.cache_hits = 0
        self._parser: Parser | None = None

    def match(self, row: int, item: ParsedItem, key: Key | None = None) -> Match:
        """The decision for one parsed record (``key``: its ``decision_key``, if known)."""
        if key is None:
            key = decision_key(item)
        cached = self._cache.get(key)
        if cached is None:
            # Bounded, so memory follows the catalog and not the feed. A reason's text is
            # one of a few hundred: one string object each, not one per record remembered.
            pid, score, status, reason = self._decide(item)
            cached = self._cache.put(key, (pid, score, status, sys.intern(reason)))
        else:
            self.cache_hits += 1
        pid, score, status, reason = cached
        return Match(row=row, jane_product_id=pid, score=score, status=status, reason=reason)

    def prefetch(self, items: Iterable[ParsedItem], keys: Iterable[Key] | None = None) -> None:
        """Prepare, ahead of ``match``, what a batch's records will read: their brands' word
        statistics (worked out once per brand and process)."""
        for item in items:
            if item.brand:
                self.index.brand_words(item.brand)

    def candidates(self, item: ParsedItem, floor: float | None = None) -> list[Candidate]:
        """The candidates ``decide`` reads, vetoed ones included, best first; with ``floor``,
        only those whose evidence reaches it, and for a record of no catalog brand every
        brand's products that share a word with it (for review: they are never given)."""
        # For a review, vetoed candidates' evidence too (a veto may be wrong).
        found = self._candidates(item, review=floor is not None)
        if floor is not None:
            if not item.brand or item.brand not in self.index.blocks:
                seen = {c.position for c in found}
                found += [c for c in self._wide(item) if c.position not in seen]
                found.sort(key=_rank)
            found = [c for c in found if c.name >= floor]
        return found

    def _wide(self, item: ParsedItem, limit: int = 200) -> list[Candidate]:
        """Every brand's products sharing a telling word with the record, each scored as a
        record of that product's brand would be."""
        postings = self.index.word_postings()
        places: set[int] = set()
        for word in item.tokens:
            found = postings.get(word, ())
            if found and len(found) <= limit and word not in self._lexicon.strain_words:
                places.update(found)
        out = []
        for pos in sorted(places)[: limit * 4]:
            key = self.index.brand_keys[pos]
            brand = self.index.brand_words(key)
            if brand is None:
                continue
            record = self._brand.read_form(replace(item, brand=key), brand)
            out.append(self._brand.score(record, pos, brand, review=True))
        return out

    # -- the steps ---------------------------------------------------------------------------

    def _candidates(self, item: ParsedItem, review: bool = False) -> list[Candidate]:
        exact = self._exact(item)
        if exact:
            return exact
        if not item.brand:
            found = self._unbranded(item)
            if any(not c.veto for c in found):
                return found
            inferred = self._inferred_brand(item)
            if inferred is None:
                return found
            # The brand's own words in the name ("EB's" of Enchanted Botanicals) are its, as
            # for a brand read from the name.
            words = self.index.brands.drop_brand_words(
                inferred, list(item.tokens), self._vocabulary_words
            )
            core = " ".join(words)
            item = replace(item, brand=inferred, brand_source="inferred", core=core)
        brand = self.index.brand_words(item.brand or "")
        if brand is None:
            return []
        within = self._brand
        record = within.read_form(item, brand)
        out = within.score_all(record, within.gather(record, brand), brand, review)
        if item.brand_source == "inferred":
            # The brand was read from a product line's word: the product must carry it, and
            # the evidence must be full.
            line = self._line_words(item)
            out = [
                replace(c, agreements=[*c.agreements, "inferred"])
                if c.veto
                or (c.name >= INFERRED and line & set(self.index.cores[c.position].split()))
                else Candidate(
                    c.position,
                    c.name,
                    veto="brand inferred, evidence short",
                    covered=c.covered,
                    form=c.form,
                )
                for c in out
            ]
        self._group(out)
        out.sort(key=_rank)
        return out

    def _group(self, found: list[Candidate]) -> None:
        """Mark the catalog's duplicates among candidates (``duplicates.duplicate_of``)."""
        first = duplicate_of(self.index, (c.position for c in found))
        for c in found:
            c.group = first[c.position]

    def _line_words(self, item: ParsedItem) -> set[str]:
        """The record's words that one catalog brand's products alone use."""
        owner = self.index.word_brands()
        common = self._lexicon.strain_words
        return {
            w
            for w in item.tokens
            if w in owner and len(w) >= 4 and not w.isdigit() and w not in common
        }

    def _inferred_brand(self, item: ParsedItem) -> str | None:
        """A record naming no brand but a word that only one brand's products use (a product
        line: "Twax", "Cannaquil", "Sanchitos") is read as that brand's, when the name is not
        one the whole trade uses."""
        if self.config.unbranded_threshold is None or sorted_name(item.core) in self._common:
            return None
        owner = self.index.word_brands()
        brands = {owner[w] for w in self._line_words(item)}
        return next(iter(brands)) if len(brands) == 1 else None

    def assess(self, item: ParsedItem) -> Assessment:
        """The decision before the probability threshold: the candidate (or none), status,
        reason, how it was found (a ``calibration.KINDS``) and its evidence."""
        if not item.brand and not item.exact and self.config.unbranded_threshold is None:
            return Assessment(None, Status.NO_MATCH, "no catalog brand found in the record")
        if item.brand and item.brand not in self.index.blocks and not item.exact:
            return Assessment(None, Status.NO_MATCH, f"brand {item.brand!r} not in catalog")
        candidates = self._candidates(item)
        chosen, status, reason = decide(
            candidates, self.config, unbranded=not item.brand, variant=self._variant
        )
        if not item.brand and not item.exact:
            reason = f"no brand in record; {reason}"
        best = chosen or next((c for c in candidates if not c.veto), None)
        if best is None:
            return Assessment(None, status, reason)
        if WHOLE_NAME in best.agreements:
            kind = "duplicate" if "duplicates" in reason else "whole name"
        elif "duplicates" in reason:
            kind = "duplicate"
        elif "inferred" in best.agreements:
            kind = "inferred brand"
        elif not item.brand:
            kind = "no brand"
        elif best.generic:
            kind = "generic"
        else:
            kind = "strain part" if best.partial else "brand"
        return Assessment(chosen, status, reason, kind, best.name)

    def _variant(self, position: int) -> str:
        """A product's name less its measures: what its variants of size, pack or potency
        share (read only to break a tie: the parser is made on first use)."""
        if self._parser is None:
            self._parser = Parser(self.k, self.index.brands)
        return " ".join(self._parser.words_of(self.index.products[position].name).tokens)

    def _decide(self, item: ParsedItem) -> Decision:
        found = self.assess(item)
        p = (
            round(self._calibration.probability(found.kind, found.evidence), 4)
            if found.kind
            else 0.0
        )
        if found.candidate is None:
            return None, p, found.status, found.reason
        limit = self.config.threshold
        if found.kind in UNBRANDED_KINDS:
            limit = max(limit, self.config.unbranded_threshold or 0.0)
        if p < limit:
            why = f"{found.reason}; {found.kind} probability {p:.2f} below {limit:.2f}"
            return None, p, Status.NO_MATCH, why
        reason = f"{found.reason}; {found.kind}"
        return self.index.product_id(found.candidate.position), p, found.status, reason

    def _exact(self, item: ParsedItem) -> list[Candidate]:
        """A record whose whole name is a catalog product's: that product (of the record's
        brand, when it names one), unless its category, form or size conflicts. Products of
        one name in several forms are told apart by form as any others; of one name and one
        form, they are the catalog's duplicates."""
        if not item.exact:
            return []
        every = self.index.exact_texts().get(item.exact, ())
        keys = self.index.brand_keys
        places = [p for p in every if not item.brand or keys[p] == item.brand]
        if not places and name_read_past(item, {keys[p] for p in every}):
            places = list(every)
        if not places:
            return []
        if keys[places[0]] != item.brand and folded_words(item.exact) in self.index.shared_names():
            # Punctuation aside, the name is several brands' products ("OG Kush Crumble" and
            # two brands' "og kush - crumble"): naming none of them, the record is none's in
            # particular, and is decided as any name without a brand is.
            return []
        owner = self.index.brand_keys[places[0]]
        record = item
        brand = self.index.brand_words(owner) if owner else None
        if brand is not None:
            record = self._brand.read_form(replace(item, brand=owner), brand)
        found = []
        fielded = []  # products whose type or form field disagrees with the words of the name
        for pos in places:
            product = self.index.item(pos)
            if item.declared and product.types and not (item.declared & product.types):
                continue  # the category says another type
            if size_veto(record, product, product.weight_g):
                continue
            # The same words name the same form; a name naming none is read by its category
            # ("Earthquake" under Flower is the flower, not the catalog's shake of that name).
            form = "same" if item.subtypes else form_relation(record, product, self.k)
            if form and form != "near":
                agree = [WHOLE_NAME]
                if record.lineage and product.lineage == record.lineage:
                    # Duplicates' names are one; a lineage field may still tell them apart.
                    agree.append("lineage")
                found.append(Candidate(pos, 1.0, agreements=agree, covered=1.0, form=form))
            else:
                fielded.append(pos)
        if not found and fielded and _form_named(item):
            # The record's form words are the catalog name's own: where the catalog's type or
            # form field says otherwise than its name ("topical - soothe tube" listed as gear,
            # "... chocolate truffles" as baked goods), the field is the catalog's, not a
            # conflict with the record.
            found = [
                Candidate(p, 1.0, agreements=[WHOLE_NAME], covered=1.0, form="unknown")
                for p in fielded
            ]
        if len({self._form_of(c.position) for c in found}) > 1:
            # One name, several forms or sizes, none the record's: not duplicates; decided as
            # any other candidates are (ambiguous when nothing tells them apart).
            best = max(FORM_FACTOR[c.form] for c in found)
            found = [c for c in found if FORM_FACTOR[c.form] == best]
            if len({self._form_of(c.position) for c in found}) > 1:
                return [replace(c, agreements=[]) for c in found]
        return found

    def _form_of(self, pos: int) -> tuple[object, ...]:
        """What tells products of one name apart: type, form and size (a lineage or amount
        field that differs is the catalog's noise: such products are duplicates)."""
        p = self.index.profiles[self.index.profile_of[pos]]
        return p.types, p.subtypes, p.weight_g

    def _unbranded(self, item: ParsedItem) -> list[Candidate]:
        """No brand: the products of exactly this core name, any brand's, when the name is not
        one the whole trade uses ("Blue Dream", "Orange")."""
        if not item.core:
            return []
        common = sorted_name(item.core) in self._common
        found = []
        record = item
        core = item.core
        places = sorted(self.index.exact_positions(sorted_name(core), core.replace(" ", "")))
        profiles, profile_of = self.index.profiles, self.index.profile_of
        if item.prefer and any(item.prefer in profiles[profile_of[p]].types for p in places):
            # No form word: the category's default form, when some product has it.
            record = replace(item, types=frozenset({item.prefer}), prefer=None)
        for pos in places:
            product = self.index.item(pos)
            form = form_relation(record, product, self.k)
            veto = (
                ("" if form else "form")
                or size_veto(record, product, product.weight_g)
                or attribute_veto(record, product)
                or number_veto(record, product, None)
                or ("no brand, and a name the whole trade uses" if common else "")
            )
            found.append(
                Candidate(
                    pos,
                    1.0 * FORM_FACTOR.get(form, 1.0),
                    veto=veto,
                    agreements=[] if veto else agreements(record, product, form, self.k),
                    covered=1.0,
                    form=form,
                )
            )
        found.sort(key=_rank)
        return found

    @property
    def _common(self) -> frozenset[str]:
        common = getattr(self, "_common_sorted", None)
        if common is None:
            common = frozenset(sorted_name(n) for n in self.k.common_names)
            self._common_sorted = common
        return common


def _form_named(item: ParsedItem) -> bool:
    """Whether the record's form was read from its name's words (a form or weak form word),
    not from its category alone."""
    return bool(item.subtypes or item.hints or (item.types and item.types != item.declared))


def _rank(c: Candidate) -> tuple[bool, float, int, int]:
    """Unvetoed first, then the best evidence, the most agreeing attributes, the first listed."""
    return bool(c.veto), -c.name, -len(c.agreements), c.position
