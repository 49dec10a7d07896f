"""The matcher: a parsed record, the catalog products it may be, their evidence and the decision.

In order: a record whose whole name is a catalog product's own is that product; a record of a
catalog brand meets that brand's products that share a word with it (or a mistyped, joined or
shortened one) and the brand's generic products; a record naming no brand meets only products
of exactly its name across brands, and only when that name is not one the whole trade uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from itertools import pairwise
from operator import attrgetter

from rapidfuzz import fuzz, process

from poslink.caching import BoundedCache
from poslink.config import MatcherConfig
from poslink.domain.knowledge import load_knowledge
from poslink.matching.align import SAME_WORD, word_similarity
from poslink.matching.calibration import load_calibration
from poslink.matching.decide import WHOLE_NAME, Assessment, Decision, decide
from poslink.matching.duplicates import duplicate_key
from poslink.matching.index import CatalogIndex, sorted_name
from poslink.matching.score import (
    FLAVOUR_TYPES,
    FORM_FACTOR,
    GENERIC,
    SOFT_LINEAGE,
    Candidate,
    Lexicon,
    agreements,
    attribute_veto,
    form_relation,
    name_evidence,
    number_veto,
    size_veto,
)
from poslink.matching.words import LINE_WEIGHT, BrandWords
from poslink.records import DECISION_FIELDS, Match, ParsedItem, Status

Key = tuple[object, ...]

_decision_fields = attrgetter(*DECISION_FIELDS)

# A brand with at most this many products has every one scored; a larger one, those sharing a
# word with the record (the decision is the same: a test holds it).
SCORE_ALL = 64
# The evidence a record whose brand was read from a product line's word must reach.
INFERRED = 0.85
# How an id is found for a record naming no catalog brand: ``unbranded_threshold`` applies.
UNBRANDED_KINDS = frozenset({"no brand", "inferred brand"})
# Mistyped words looked up per brand, remembered up to this many.
_MEMO_LIMIT = 200_000


def decision_key(item: ParsedItem) -> Key:
    """Records with equal keys get the same decision: the matcher's cache key."""
    key: Key = _decision_fields(item)
    return key


class Matcher:
    """Matches parsed records against one catalog index; identical records are decided once."""

    def __init__(
        self,
        index: CatalogIndex,
        config: MatcherConfig | None = None,
        cache_size: int = 500_000,
        score_all_to: int = SCORE_ALL,
    ) -> None:
        self.index = index
        self.score_all_to = score_all_to
        self.cache_size = cache_size
        self.config = config or MatcherConfig()
        self.k = load_knowledge()
        self._lexicon = Lexicon(
            form_words={w: f.subtype for w, f in self.k.weak_forms.items() if " " not in w},
            descriptors=frozenset(w for w in self.k.descriptors if " " not in w),
            strain_words=frozenset(w for n in self.k.common_names for w in n.split()),
        )
        self._calibration = load_calibration()
        self._review = False  # scoring for a review: vetoed candidates' evidence too
        self._cache: BoundedCache[Key, Decision] = BoundedCache(cache_size)
        self._typos: BoundedCache[tuple[str, str], tuple[str, ...]] = BoundedCache(_MEMO_LIMIT)
        self._lines: dict[tuple[str, str], tuple[str | None, frozenset[str]]] = {}
        self.cache_hits = 0

    def match(self, row: int, item: ParsedItem, key: Key | None = None) -> Match:
        """The decision for one parsed record (``key``: its ``decision_key``, if known)."""
        if key is None:
            key = decision_key(item)
        cached = self._cache.get(key)
        if cached is None:
            # Bounded, so memory follows the catalog and not the feed.
            cached = self._cache.put(key, self._decide(item))
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
        self._review = floor is not None
        try:
            found = self._candidates(item)
            if floor is not None:
                if not item.brand or item.brand not in self.index.blocks:
                    seen = {c.position for c in found}
                    found += [c for c in self._wide(item) if c.position not in seen]
                    found.sort(key=_rank)
                found = [c for c in found if c.name >= floor]
        finally:
            self._review = False
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
            record = self._read_form(replace(item, brand=key), brand)
            out.append(self._score(record, pos, brand))
        return out

    def shortlist(self, item: ParsedItem) -> list[Candidate]:
        """The candidates ``decide`` reads, best first (every one: they are few)."""
        return self._candidates(item)

    # -- the steps ---------------------------------------------------------------------------

    def _candidates(self, item: ParsedItem) -> list[Candidate]:
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
            item = replace(item, brand=inferred, brand_source="inferred")
        brand = self.index.brand_words(item.brand or "")
        if brand is None:
            return []
        record = self._read_form(item, brand)
        out = [self._score(record, pos, brand) for pos in self._gather(record, brand)]
        if item.brand_source == "inferred":
            # The brand was read from a product line's word: the product must carry it, and
            # the evidence must be full.
            line = self._line_words(item)
            out = [
                replace(c, agreements=[*c.agreements, "inferred"])
                if c.veto
                or (c.name >= INFERRED and line & set(self.index.cores[c.position].split()))
                else Candidate(
                    c.position, c.name, veto="brand inferred, evidence short", form=c.form
                )
                for c in out
            ]
        self._group(out)
        out.sort(key=_rank)
        return out

    def _group(self, found: list[Candidate]) -> None:
        """Mark the catalog's duplicates among candidates (``duplicates.duplicate_key``)."""
        first: dict[tuple[object, ...], int] = {}
        for c in sorted(found, key=attrgetter("position")):
            c.group = first.setdefault(duplicate_key(self.index, c.position), c.position)

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
        chosen, status, reason = decide(candidates, self.config, unbranded=not item.brand)
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
        else:
            kind = "generic" if best.generic else "brand"
        return Assessment(chosen, status, reason, kind, best.name)

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
            why = f"{found.reason}; probability {p:.2f} below {limit:.2f}"
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
        places = [
            pos
            for pos in self.index.exact_texts().get(item.exact, ())
            if not item.brand or self.index.brand_keys[pos] == item.brand
        ]
        if not places:
            return []
        owner = self.index.brand_keys[places[0]]
        record = item
        brand = self.index.brand_words(owner) if owner else None
        if brand is not None:
            record = self._read_form(replace(item, brand=owner), brand)
        found = []
        for pos in places:
            product = self.index.item(pos)
            if item.declared and product.types and not (item.declared & product.types):
                continue  # the category says another type
            # The same words name the same form; a name naming none is read by its category
            # ("Earthquake" under Flower is the flower, not the catalog's shake of that name).
            form = "same" if item.subtypes else form_relation(record, product, self.k)
            if form and form != "near" and not size_veto(record, product, product.weight_g):
                agree = [WHOLE_NAME]
                if record.lineage and product.lineage == record.lineage:
                    # Duplicates' names are one; a lineage field may still tell them apart.
                    agree.append("lineage")
                found.append(Candidate(pos, 1.0, agreements=agree, covered=1.0, form=form))
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

    def _read_form(self, item: ParsedItem, brand: BrandWords) -> ParsedItem:
        """The record's form as the brand's catalog reads it: a name naming no form is the
        category's default (plain flower) when the brand sells that, else any form the category
        allows; a product line's word says its form ("Twax" pre-rolls)."""
        record = item
        if not item.subtypes and item.hints:
            # An edible's weak form word is its form when no strong one is named: "Lemon
            # Cookie" is a baked good, not the brand's "Lemon Chew".
            fams = self.k.families
            hinted = {h for h in item.hints if h in fams and fams[h].product_type == "edible"}
            if hinted and (not item.types or "edible" in item.types):
                item = replace(item, types=frozenset({"edible"}), subtypes=frozenset(hinted))
                record = item
        if not item.subtypes:
            lines = {brand.form_of[w] for w in item.tokens if w in brand.form_of}
            if len(lines) == 1:
                family = next(iter(lines))
                ptype = self.k.families[family].product_type
                if not item.types or ptype in item.types:
                    return replace(item, types=frozenset({ptype}), subtypes=frozenset({family}))
        if item.prefer and item.brand:
            sold = self.index.blocks.get(item.brand, {})
            if item.prefer in sold:
                default = self.k.default_subtype.get(item.prefer)
                record = replace(
                    item,
                    types=frozenset({item.prefer}),
                    subtypes=frozenset({default}) if default else item.subtypes,
                )
        return record

    def _gather(self, record: ParsedItem, brand: BrandWords) -> list[int]:
        """The brand's products the record may be: all of a small brand; of a large one, the
        generic ones and those sharing a word (or a mistyped, joined or shortened one)."""
        types = record.types
        if len(brand.positions) <= self.score_all_to:
            places = brand.positions
        else:
            found: set[int] = set(brand.generic)
            words = record.tokens
            # A line's word (most of the brand's products have it) finds candidates only when
            # no other word does: the others are the ones that can win.
            lines = [w for w in words if w in brand.postings and brand.weight(w) <= LINE_WEIGHT]
            for word in words:
                if word in lines:
                    continue
                for known in self._known(word, record.brand or "", brand):
                    found.update(brand.postings.get(known, ()))
                found.update(brand.joined.get(word, ()))
            for a, b in pairwise(words):
                found.update(brand.postings.get(a + b, ()))
            if len(found) == len(brand.generic):
                for word in lines:
                    found.update(brand.postings[word])
            places = sorted(found)
        if not types:
            return list(places)
        profiles, profile_of = self.index.profiles, self.index.profile_of
        near = self.k.near_families
        return [
            p
            for p in places
            if not profiles[profile_of[p]].types
            or profiles[profile_of[p]].types & types
            or (
                near
                and record.subtypes
                and any(
                    frozenset((r, f)) in near
                    for r in record.subtypes
                    for f in profiles[profile_of[p]].subtypes
                )
            )
        ]

    def _known(self, word: str, brand_key: str, brand: BrandWords) -> tuple[str, ...]:
        """The brand's words a record word may be: itself, or its mistyped or shortened forms."""
        if word in brand.postings:
            return (word,)
        memo = (brand_key, word)
        hit = self._typos.get(memo)
        if hit is None:
            near = [
                w
                for w, _, _ in process.extract(
                    word, brand.vocabulary, scorer=fuzz.ratio, score_cutoff=SAME_WORD, limit=5
                )
            ]
            near += brand.with_prefix(word) if len(word) >= 4 else []
            whole = self._lexicon.strain_words
            hit = tuple(w for w in dict.fromkeys(near) if word_similarity(word, w, whole))
            self._typos.put(memo, hit)
        return hit

    def _line(self, brand_key: str, ptype: str) -> tuple[str | None, frozenset[str]]:
        """The ratio and markers every product of a brand's type shares (or none)."""
        memo = (brand_key, ptype)
        found = self._lines.get(memo)
        if found is None:
            block = self.index.blocks.get(brand_key, {}).get(ptype)
            profiles, profile_of = self.index.profiles, self.index.profile_of
            items = [profiles[profile_of[p]] for p in block.positions] if block else []
            found = (None, frozenset())
            if len(items) >= 2:  # one product is no line
                ratios = {i.ratio for i in items}
                markers = frozenset.intersection(*(i.markers for i in items))
                found = (next(iter(ratios)) if len(ratios) == 1 else None, markers)
            self._lines[memo] = found
        return found

    def _score(self, record: ParsedItem, pos: int, brand: BrandWords) -> Candidate:
        product = self.index.item(pos)
        form = form_relation(record, product, self.k)
        ptype = next(iter(product.types), "")
        generic = not product.core
        if (
            form == "unknown"
            and record.subtypes
            and not product.subtypes
            and any(f in brand.families for f in record.subtypes)
        ):
            # The brand lists its products of the record's form as such ("Hard Candy"): one of
            # its products that names no form is not one of them.
            form = ""
        veto = (
            ("" if form else _form_conflict(record, product))
            or size_veto(record, product, product.weight_g)
            or attribute_veto(record, product, self._line(record.brand or "", ptype))
            or ("" if generic else number_veto(record, product, brand))
        )
        if veto:
            # Deciding reads no vetoed candidate's evidence; a review shows it (``candidates``
            # with a floor: a veto may be wrong).
            name = 0.0
            if self._review and not generic:
                name, _ = name_evidence(
                    record.tokens, None, product.tokens, product.types, brand, self._lexicon
                )
            return Candidate(pos, round(name, 6), veto=veto, form=form)
        if generic:
            # A record is the brand's generic product only when it is surely of its type and
            # form: one type, and the same family (or neither names one).
            sure = len(record.types) == 1 and record.types <= product.types
            fits = form in ("same", "related") or (
                form == "unknown" and not record.subtypes and not product.subtypes
            )
            if product.types & FLAVOUR_TYPES and record.core:
                # A generic edible stands for the brand's plain one: a flavour or a variant
                # named ("Energy Softgels") is another product. A generic cartridge stands for
                # any strain of the line.
                fits = False
            score = GENERIC * FORM_FACTOR[form] if sure and fits else 0.0
            covered = 1.0
        else:
            family = next(iter(record.subtypes)) if len(record.subtypes) == 1 else None
            score, covered = name_evidence(
                record.tokens, family, product.tokens, product.types, brand, self._lexicon
            )
            score *= FORM_FACTOR[form]
        doubt = ""
        if record.lineage and product.lineage and record.lineage != product.lineage:
            score *= SOFT_LINEAGE
            doubt = f"lineage {record.lineage} vs {product.lineage} (catalog field)"
        return Candidate(
            pos,
            round(score, 6),
            agreements=agreements(record, product, form, self.k),
            covered=covered,
            form=form,
            generic=generic,
            doubt=doubt,
        )


def _form_conflict(record: ParsedItem, product: ParsedItem) -> str:
    if record.types and product.types and not (record.types & product.types):
        return f"type {'/'.join(sorted(record.types))} vs {'/'.join(sorted(product.types))}"
    return f"form {'/'.join(sorted(record.subtypes))} vs {'/'.join(sorted(product.subtypes))}"


def _rank(c: Candidate) -> tuple[bool, float, int, int]:
    """Unvetoed first, then the best evidence, the most agreeing attributes, the first listed."""
    return bool(c.veto), -c.name, -len(c.agreements), c.position
