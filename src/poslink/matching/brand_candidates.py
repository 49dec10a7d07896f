"""A record of a catalog brand: its form as the brand's catalog reads it, the brand's products
it may be, and each one's vetoes and evidence.

A brand's candidates are its generic products and those sharing a word with the record, or a
mistyped, joined or shortened one (``score_all_to`` scores every product of brands up to that
size instead: the tests compare the two). The evidence and vetoes
themselves are ``score.py``'s; which candidate wins is ``decide.py``'s.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from rapidfuzz import fuzz, process

from poslink.caching import BoundedCache
from poslink.domain.forms import FLAVOUR_TYPES
from poslink.domain.knowledge import Knowledge
from poslink.domain.text import words
from poslink.matching.align import SAME_WORD, word_similarity
from poslink.matching.index import CatalogIndex
from poslink.matching.score import (
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
    says_no_more,
    size_veto,
)
from poslink.matching.words import LINE_WEIGHT, BrandWords
from poslink.records import ParsedItem

# A brand with at most this many products has every one scored. 0: every brand's candidates
# are those sharing a word with the record, and its generic ones. Scoring all products of the
# small brands too decides the same (a test holds it) and cost a third of the matching time;
# what it changed was the score of records given no id (the best unvetoed product's,
# sharing no word with the record).
SCORE_ALL = 0
# Mistyped words looked up (by brand), remembered up to this many.
_MEMO_LIMIT = 200_000


class BrandCandidates:
    """The candidates of records of one catalog brand, scored; what it looks up is remembered."""

    def __init__(
        self, index: CatalogIndex, knowledge: Knowledge, lexicon: Lexicon, score_all_to: int
    ) -> None:
        self.index = index
        self.k = knowledge
        self.score_all_to = score_all_to
        self._lexicon = lexicon
        self._typos: BoundedCache[tuple[str, str], tuple[str, ...]] = BoundedCache(_MEMO_LIMIT)
        self._lines: dict[tuple[str, str], tuple[str | None, frozenset[str]]] = {}
        # Form relations by the two sides' types and families: a few hundred pairs in all.
        self._forms: dict[tuple[frozenset[str], ...], str] = {}
        # The words some vetoes read: what rules forms out, an edible's shape.
        self._marks = frozenset(knowledge.unlike) | frozenset(knowledge.shapes)

    def read_form(self, item: ParsedItem, brand: BrandWords) -> ParsedItem:
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

    def gather(self, record: ParsedItem, brand: BrandWords) -> list[int]:
        """The brand's products the record may be: its generic ones and those sharing a word
        (or a mistyped, joined or shortened one); all of a brand of ``score_all_to`` or fewer."""
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

    def score_all(
        self, record: ParsedItem, places: list[int], brand: BrandWords, review: bool = False
    ) -> list[Candidate]:
        """``score`` of each product at ``places``; the form and vetoes, which read only a
        product's profile, are worked out once per profile (a brand has few)."""
        memo: dict[tuple[int, bool], tuple[str, str, str, str]] = {}
        marked = bool(self._marks.intersection(record.tokens))  # once a record, not a candidate
        return [self.score(record, pos, brand, review, memo, marked) for pos in places]

    def score(
        self,
        record: ParsedItem,
        pos: int,
        brand: BrandWords,
        review: bool = False,
        memo: dict[tuple[int, bool], tuple[str, str, str, str]] | None = None,
        marked: bool | None = None,
    ) -> Candidate:
        """The record's candidate at ``pos`` of ``brand``: its vetoes, else its evidence.

        ``review``: a vetoed candidate's evidence is worked out too (deciding reads none).
        ``memo``: form and veto by (profile, generic) for this record, filled as found.
        ``marked``: whether the record has a word of ``forms.toml [unlike]`` or ``[shapes]``
        (worked out here when not given).
        """
        generic = not self.index.cores[pos]
        key = (self.index.profile_of[pos], generic)
        known = memo.get(key) if memo is not None else None
        if known is None:
            known = self._form_and_veto(record, self.index.profiles[key[0]], brand, generic)
            if memo is not None:
                memo[key] = known
        form, veto, unlisted, rest = known
        if unlisted and not brand.own_line(record.tokens, pos, record.subtypes):
            form, veto = "", unlisted
        elif not form and self._named_alike(record, pos):
            form, veto = "unknown", rest
        if marked is None:
            marked = bool(self._marks.intersection(record.tokens))
        if not veto and marked:
            veto = self._unlike(record, pos) or self._shape(record, pos)
            form = "" if veto else form
        if not veto and record.hints and record.subtypes:
            veto = self._contents(record, pos)
            form = "" if veto else form
        if veto:
            # Deciding reads no vetoed candidate's evidence; a review shows it (``candidates``
            # with a floor: a veto may be wrong).
            name, covered = 0.0, 1.0 if generic else 0.0
            if review and not generic:
                product = self.index.item(pos)
                name, covered, _ = name_evidence(
                    record.tokens, None, product.tokens, product.types, brand, self._lexicon
                )
            return Candidate(pos, round(name, 6), veto=veto, covered=covered, form=form)
        product = self.index.item(pos)
        if generic:
            # A record is the brand's generic product only when it is surely of its type and
            # form: one type, and the same family (or neither names one).
            sure = len(record.types) == 1 and record.types <= product.types
            fits = form in ("same", "related") or (
                form == "unknown" and not record.subtypes and not product.subtypes
            )
            if record.core and (
                product.types & FLAVOUR_TYPES or product.subtypes & brand.named_families
            ):
                # A generic edible stands for the brand's plain one: a flavour or a variant
                # named ("Energy Softgels") is another product. A generic cartridge stands for
                # any strain of the line, unless the brand lists strains of its form by name:
                # a strain it does not list is then not its generic one (a house blend).
                fits = False
            score = GENERIC * FORM_FACTOR[form] if sure and fits else 0.0
            covered, partial = 1.0, False
        else:
            family = next(iter(record.subtypes)) if len(record.subtypes) == 1 else None
            score, covered, partial = name_evidence(
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
            partial=partial,
            form=form,
            generic=generic,
            doubt=doubt,
            says_no_more=says_no_more(record, product),
        )

    def _form_and_veto(
        self, record: ParsedItem, product: ParsedItem, brand: BrandWords, generic: bool
    ) -> tuple[str, str, str, str]:
        """The form relation of the record to a product of this profile, the first veto, the
        form veto that holds unless the product is of a line of its own (``unlisted``), and the
        first veto but the form's."""
        sides = (record.types, record.subtypes, product.types, product.subtypes)
        form = self._forms.get(sides)
        if form is None:
            form = self._forms[sides] = form_relation(record, product, self.k)
        unlisted = ""
        if (
            form == "unknown"
            and record.subtypes
            and not product.subtypes
            and any(f in brand.families for f in record.subtypes)
        ):
            # The brand lists its products of the record's form as such ("Hard Candy"): one of
            # its products that names no form is not one of them, unless it is of a line the
            # brand lists in no such form (``score``: the line is the product's, not the
            # profile's).
            unlisted = _form_conflict(record, product)
        ptype = next(iter(product.types), "")
        rest = (
            size_veto(record, product, product.weight_g)
            or attribute_veto(record, product, self._line(record.brand or "", ptype))
            or ("" if generic else number_veto(record, product, brand))
        )
        return form, ("" if form else _form_conflict(record, product)) or rest, unlisted, rest

    def _contents(self, record: ParsedItem, pos: int) -> str:
        """The veto of a device whose name says it holds what such a device holds anyway (a
        "Distillate Cart") against one whose name says another content (a "Live Resin
        cartridge"), and the reverse."""
        fams = self.k.families
        held = {h for f in record.subtypes if f in fams for h in fams[f].holds}
        if not held:
            return ""
        product = self.index.item(pos)
        if not (product.subtypes & record.subtypes):
            return ""
        mine, theirs = record.hints & held, product.hints & held
        other = {h for h in product.hints - held if h in fams and fams[h].product_type == "extract"}
        rival = {h for h in record.hints - held if h in fams and fams[h].product_type == "extract"}
        if (mine and other) or (theirs and rival):
            said, named = (mine, other) if mine and other else (rival, theirs)
            return f"holds {'/'.join(sorted(said))} vs {'/'.join(sorted(named))}"
        return ""

    def _shape(self, record: ParsedItem, pos: int) -> str:
        """The veto of an edible's shape the record names ("Bites") against a product whose
        name names another ("chocolate bar"; ``forms.toml [shapes]``)."""
        shapes = self.k.shapes
        mine = {shapes[w] for w in record.tokens if w in shapes}
        if not mine:
            return ""
        theirs = {shapes[w] for w in words(self.index.products[pos].name).split() if w in shapes}
        if theirs and not theirs & mine:
            return f"shape {'/'.join(sorted(mine))} vs {'/'.join(sorted(theirs))}"
        return ""

    def _unlike(self, record: ParsedItem, pos: int) -> str:
        """The veto of a record word that says what it is not (``forms.toml [unlike]``: an
        edible "Bar" is no gummy) against a product of such a form whose name lacks the word."""
        product = self.index.item(pos)
        for word in record.tokens:
            ruled = self.k.unlike.get(word)
            if ruled and word not in product.tokens and ruled & product.subtypes:
                return f"form {word} vs {'/'.join(sorted(product.subtypes))}"
        return ""

    def _named_alike(self, record: ParsedItem, pos: int) -> bool:
        """Whether the record's form is read only from weak words ("chocolate", "truffle"),
        each of which the product's own name has too, while that name names nothing of the product's
        catalog form: the words are then of the product's name (a "Chocolate Chip Protein
        Bar" the catalog files under baked goods), not a form against its subtype."""
        # Weak words' families are the record's hints: its form is only theirs, or this is not it.
        if not record.subtypes or not record.subtypes <= record.hints:
            return False
        words = self._lexicon.form_words
        product = self.index.item(pos)
        if not record.types & product.types:
            return False
        named = [w for w in record.tokens if words.get(w)]
        if any(w not in product.tokens for w in named):
            return False  # "Cookies and Cream Brownies": the brownies are the record's own
        own = {words[w] for w in product.tokens if w in words}
        return record.subtypes <= {words[w] for w in named} and not own & product.subtypes


def _form_conflict(record: ParsedItem, product: ParsedItem) -> str:
    if record.types and product.types and not (record.types & product.types):
        return f"type {'/'.join(sorted(record.types))} vs {'/'.join(sorted(product.types))}"
    return f"form {'/'.join(sorted(record.subtypes))} vs {'/'.join(sorted(product.subtypes))}"
