"""The cannabis name parser: one parser for POS names and catalog names alike.

A name such as ``Blueberry Boost Vaporizer CARTRIDGE -500mg- IESO`` becomes a ``ParsedItem``:
brand ``ieso``, core ``blueberry boost``, type ``vape``, subtype ``cartridge``, potency 500 mg.
What the words mean comes from the data files (see ``knowledge.py``). A parse takes the measures
out (``measures.py``), finds the brand (``brand_in_name.py``), reads the other words as the
vocabulary's phrases (``vocabulary.py``) and decides what the form words say (``forms.py``); what
is left is the core name. ``explain_pos`` tells a ``trace.Origins`` where each attribute came from.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from typing import NamedTuple

from poslink.caching import BoundedCache
from poslink.domain.brand_in_name import BrandInName
from poslink.domain.brand_names import brand_key
from poslink.domain.brands import BrandIndex
from poslink.domain.categories import read_category
from poslink.domain.forms import FLAVOUR_TYPES, read_forms
from poslink.domain.knowledge import CategoryTypes, Knowledge, load_category_table
from poslink.domain.measures import MeasureReader, Measures, measured
from poslink.domain.text import exact_text, fold, words
from poslink.domain.trace import NO_TRACE, Origins, Trace
from poslink.domain.vocabulary import Scan, Vocabulary
from poslink.records import CatalogProduct, ParsedItem

_DIGITS = re.compile(r"\d+")


class NameWords(NamedTuple):
    """A POS name with its measures taken out: the words left, and the measures; ``exact`` is
    the name's text when it is, punctuation and case aside, a catalog product's whole name."""

    tokens: list[str]
    measures: Measures
    exact: str = ""


# A POS record as ``parse_many`` takes it: its ``records.RECORD_FIELDS`` values, in that order.
RecordValues = Sequence[str | None]
# What a record's parse depends on besides its measures: words, ratio and the other fields.
_ParseKey = tuple[tuple[str, ...], str | None, str, str | None, str | None, str | None, str]


class Parser:
    """Parses POS records and catalog products into ``ParsedItem``s with the same rules."""

    def __init__(
        self,
        knowledge: Knowledge,
        brands: BrandIndex,
        category_table: str = "default",
        exact_names: Container[str] = frozenset(),
    ) -> None:
        self.k = knowledge
        self.brands = brands
        self.categories = load_category_table(category_table)
        # The catalog's whole names (``exact_text``): a POS name equal to one is that product's.
        self.exact_names = exact_names
        self.vocabulary = Vocabulary(knowledge)
        self._brand_in_name = BrandInName(brands, self.vocabulary)
        self._measures = MeasureReader(knowledge).read
        self._sets: dict[frozenset[str], frozenset[str]] = {}
        # Memos of pure functions of short, much-repeated fields (brands, categories, amounts).
        self._brand_keys: BoundedCache[str, str] = BoundedCache(_MEMO_LIMIT)
        self._category_types: BoundedCache[str, CategoryTypes | None] = BoundedCache(_MEMO_LIMIT)
        self._amounts: BoundedCache[str, Measures] = BoundedCache(_MEMO_LIMIT)

    def parse_pos(
        self,
        name: str,
        category: str = "",
        *,
        brand: str | None = None,
        product_type: str | None = None,
        lineage: str | None = None,
        weight: str | None = None,
    ) -> ParsedItem:
        """Parse a POS record's name, using its structured fields where the POS gives them."""
        return self.parse_words(
            self.words_of(name, weight),
            category,
            brand=brand,
            product_type=product_type,
            lineage=lineage,
        )

    def explain_pos(
        self,
        name: str,
        category: str = "",
        *,
        brand: str | None = None,
        product_type: str | None = None,
        lineage: str | None = None,
        weight: str | None = None,
    ) -> tuple[ParsedItem, dict[str, str]]:
        """``parse_pos``, and where each attribute came from (a field, the name, the category)."""
        trace = Origins()
        item = self.parse_words(
            self.words_of(name, weight, trace),
            category,
            brand=brand,
            product_type=product_type,
            lineage=lineage,
            trace=trace,
        )
        return item, dict(trace)

    def words_of(self, name: str, weight: str | None = None, trace: Trace = NO_TRACE) -> NameWords:
        """The first step of ``parse_pos``: a name's measures taken out, the rest as words."""
        text, m = self._measures(fold(name))
        if weight:
            # A structured weight field is what the POS says the unit is: it wins over the name.
            w = self._measures(fold(weight))[1]
            trace.measures(m, w, weight)
            m = Measures(
                w.weight_g or m.weight_g, w.potency_mg or m.potency_mg, w.pack or m.pack, m.ratio
            )
        else:
            trace.measures(m)
        exact = exact_text(name) if self.exact_names else ""
        return NameWords(
            self.vocabulary.canonical(_words(text)), m, exact if exact in self.exact_names else ""
        )

    def parse_words(
        self,
        name: NameWords,
        category: str = "",
        *,
        brand: str | None = None,
        product_type: str | None = None,
        lineage: str | None = None,
        trace: Trace = NO_TRACE,
    ) -> ParsedItem:
        """The rest of ``parse_pos``, from ``words_of``'s result."""
        tokens, m, exact = name.tokens, name.measures, name.exact
        key: str | None = None
        field = brand.strip() if brand else ""
        resolved, by = self.brands.resolve(field) if field else (None, "")
        found = self._brand_in_name.find(tokens)
        if field and (resolved or not found):
            trace.brand_field(field, by if resolved else "not in catalog")
            how = f"field {by}" if resolved else "field (not in catalog)"
            key = resolved or brand_key(brand or "")
            if found and found[0] == key:
                tokens = tokens[: found[1]] + tokens[found[2] :]
        else:
            # No brand field, or one naming no catalog brand (a distributor, a store's own
            # placeholder) where the name writes one: the name's brand.
            key, start, end, how = found or (None, 0, 0, "")
            tokens = tokens[:start] + tokens[end:]
            trace.brand_in_name(f"{how}; field {field!r} not in catalog" if field else how)
        if self.brands.learned is not None:  # nicknames the catalog team taught
            tokens = self.brands.learned.rewrite(tokens, key)
        if key:
            tokens = self.brands.drop_brand_words(key, tokens, self.vocabulary.spans)
        declared = None
        if product_type:
            declared = self._declared(product_type)
            trace.types_field(product_type, declared is not None)
        if declared is None and category:
            declared = self._declared(category)
            trace.types_category(category, declared is not None)
        return self._item(
            tokens,
            key,
            how,
            m,
            declared.types if declared else frozenset(),
            declared_lineage=lineage,
            preferred_type=declared.default if declared else None,
            exact=exact,
            trace=trace,
        )

    def parse_many(self, records: Iterable[RecordValues]) -> list[ParsedItem | str]:
        """``parse_pos`` of many records, given as ``RecordValues``; where a record cannot be
        parsed, the reason (text) stands in its place.

        Records of one call that differ only in their measures (the same product in other sizes)
        are parsed once; the misspelt brands of the others are looked up in bulk.
        """
        out: list[ParsedItem | str] = []
        todo: dict[_ParseKey, list[tuple[int, Measures]]] = {}
        for name, category, brand, product_type, lineage, weight in records:
            try:
                words_ = self.words_of(name or "", weight)
            except Exception as exc:  # one odd record must not stop the others
                out.append(unparsable(exc))
                continue
            m = words_.measures
            key = (
                tuple(words_.tokens),
                m.ratio,
                category or "",
                brand,
                product_type,
                lineage,
                words_.exact,
            )
            waiting = todo.get(key)
            if waiting is None:
                waiting = todo[key] = []
            waiting.append((len(out), m))
            out.append("")
        self._brand_in_name.prefetch((tokens, brand) for tokens, _, _, brand, _, _, _ in todo)
        for key, waiting in todo.items():
            tokens, _, category, brand, product_type, lineage, exact = key
            try:
                item = self.parse_words(
                    NameWords(list(tokens), waiting[0][1], exact),
                    category,
                    brand=brand,
                    product_type=product_type,
                    lineage=lineage,
                )
            except Exception as exc:  # one odd record must not stop the others
                for slot, _ in waiting:
                    out[slot] = unparsable(exc)
                continue
            for slot, m in waiting:
                out[slot] = measured(item, m)
        return out

    def parse_catalog(self, product: CatalogProduct, folded: str | None = None) -> ParsedItem:
        """Parse a catalog product: its fields are final, its name is parsed like a POS name.

        ``folded`` is ``fold(product.name)`` when the caller has it already.
        """
        text, m = self._measures(fold(product.name) if folded is None else folded)
        key = self._brand_key(product.brand) if product.brand else None
        tokens = self.vocabulary.canonical(_words(text))
        if key:
            tokens = self.brands.drop_brand_words(
                key, self.brands.strip_own(key, tokens), self.vocabulary.spans
            )
        ptype = product.product_type.strip().lower()
        types = frozenset({ptype}) if ptype else frozenset()
        label = product.product_subtype.strip().lower()
        subtype = self.k.catalog_subtypes.get(label, "") if label else ""
        if not label:
            subtype = self.k.default_subtype.get(ptype, "")
        amount = self._amount(product.amount) if product.amount else None
        if amount:
            m = Measures(
                m.weight_g or amount.weight_g,
                m.potency_mg or amount.potency_mg,
                m.pack or amount.pack,
                m.ratio,
            )
        return self._item(
            tokens,
            key,
            "catalog",
            m,
            types,
            declared_lineage=product.lineage,
            declared_subtype=subtype,
            authoritative=True,
            exact=exact_text(product.name),
        )

    def _brand_key(self, brand: str) -> str:
        return self._brand_keys.get_or(brand, brand_key)

    def _declared(self, category: str) -> CategoryTypes | None:
        return self._category_types.get_or(
            category, lambda c: read_category(c, self.categories, self.k.strong_forms)
        )

    def _amount(self, amount: str) -> Measures:
        return self._amounts.get_or(amount, lambda a: self._measures(fold(a))[1])

    def _item(
        self,
        tokens: list[str],
        key: str | None,
        how: str,
        m: Measures,
        types: frozenset[str],
        *,
        declared_lineage: str | None = None,
        declared_subtype: str = "",
        authoritative: bool = False,
        preferred_type: str | None = None,
        exact: str = "",
        trace: Trace = NO_TRACE,
    ) -> ParsedItem:
        scan = self.vocabulary.scan(tokens)
        # A catalog's lineage field, where its name states none, is metadata: often left over
        # from another listing, so it only agrees or disagrees; a lineage named is final.
        soft = authoritative and not scan.lineages
        implied: set[str] = set()
        lineages, field = scan.lineages, None
        if declared_lineage:
            lineages, field = self._lineage(lineages, declared_lineage, implied, trace)
        trace.lineage(lineages, field)
        if m.ratio:
            implied |= self.k.ratio_markers
            trace.ratio_implies()
        implied |= self.vocabulary.strain_markers(scan.core)
        markers = scan.markers
        markers.discard("thc")
        types_read, subtypes, hints, prefer = read_forms(
            scan,
            types,
            self.k,
            authoritative=authoritative,
            declared_subtype=declared_subtype,
            preferred_type=preferred_type,
            trace=trace,
        )
        # A catalog product named by nothing but noise words ("Natural", "PK") is not generic,
        # nor one known by its strain whose name adds noise words to its form ("Natural
        # Cartridge", "PK Popcorn"): those words are its name, not any strain's. A plain
        # tincture ("Natural Tincture") is generic: a record naming a flavour never is it.
        strain_type = not (types_read & FLAVOUR_TYPES)
        plain = scan.noise if authoritative and (strain_type or not scan.forms) else []
        if authoritative and not scan.core and not plain:
            # Nor one naming a second form its own can never be ("RSO Wax" of a brand's
            # waxes): that form word is its name.
            plain = self._other_forms(scan, types, subtypes)
        text = " ".join(scan.core or plain)
        trace.rest(markers, m.ratio)
        return ParsedItem(
            brand=key,
            core=text,
            types=self._intern(types_read),
            subtypes=self._intern(frozenset(subtypes)),
            hints=self._intern(frozenset(hints)),
            lineage=next(iter(lineages)) if len(lineages) == 1 else None,
            lineage_soft=soft and len(lineages) == 1,
            ratio=m.ratio,
            markers=self._intern(frozenset(markers)),
            implied=self._intern(frozenset(implied)),
            digits=tuple(sorted(_DIGITS.findall(text))),
            weight_g=m.weight_g,
            potency_mg=m.potency_mg,
            pack=m.pack,
            prefer=prefer,
            declared=self._intern(frozenset() if authoritative else types),
            exact=exact,
            brand_source=how,
        )

    def _other_forms(self, scan: Scan, types: frozenset[str], subtypes: set[str]) -> list[str]:
        """The form phrases of a catalog name of a family of its own type that is neither one
        of ``subtypes``, a kind of one, nor near one ("Live Resin" of a cartridge is its kind
        of oil, another type's form)."""
        k = self.k
        return [
            phrase
            for form, phrase, _ in scan.placed
            if form.subtype
            and subtypes
            and form.product_type in types
            and not any(k.compatible(form.subtype, s) or k.near(form.subtype, s) for s in subtypes)
        ]

    def _lineage(
        self, lineages: set[str], declared: str, implied: set[str], trace: Trace
    ) -> tuple[set[str], str | None]:
        """The lineages of a name with its lineage field, and the field when it gave one; the
        markers the field implies are added to ``implied``."""
        lin = words(declared)
        if lin in self.k.lineage_markers:
            implied.add(self.k.lineage_markers[lin])
            trace.lineage_field_implies(declared)
        elif self.k.lineage.get(lin):
            # A lineage word in the name that contradicts the declared lineage is part of
            # the name ("Cherry Bomb Sativa" labelled hybrid): the lineage is then unsure.
            value = self.k.lineage[lin]
            lineages = {value} if not lineages or value in lineages else {value, *lineages}
            return lineages, declared
        else:
            trace.lineage_field_unknown(declared)
        return lineages, None

    def _intern(self, value: frozenset[str]) -> frozenset[str]:
        """Share one object per distinct set: a million items hold a few dozen distinct sets."""
        return self._sets.setdefault(value, value)


_WORD = re.compile(r"[a-z0-9]+")
_MEMO_LIMIT = 50_000


def unparsable(exc: Exception) -> str:
    """The reason a record whose name could not be parsed is rejected with."""
    return f"cannot parse name: {exc!r}"


def _words(text: str) -> list[str]:
    return _WORD.findall(text)
