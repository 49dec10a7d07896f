"""The cannabis name parser: one parser for POS names and catalog names alike.

A name such as ``Blueberry Boost Vaporizer CARTRIDGE -500mg- IESO`` becomes a ``ParsedItem``:
brand ``ieso``, core ``blueberry boost``, type ``vape``, subtype ``cartridge``, potency 500 mg.
What the words mean comes from the data files (see ``knowledge.py``); this module only applies it.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from typing import NamedTuple

from poslink.caching import BoundedCache
from poslink.domain.brands import BrandIndex, brand_key
from poslink.domain.knowledge import CategoryTypes, Form, Knowledge, load_category_table
from poslink.domain.measures import MeasureReader, Measures
from poslink.domain.text import fold, words
from poslink.records import CatalogProduct, ParsedItem

_DIGITS = re.compile(r"\d+")

# Kinds of vocabulary entries, in the order later tables override earlier ones.
_NOISE, _WEAK, _STRONG, _MARKER, _LINEAGE = range(5)


class NameWords(NamedTuple):
    """A POS name with its measures taken out: the words left, and the measures; ``exact`` is
    the name's text when it is, punctuation and case aside, a catalog product's whole name."""

    tokens: list[str]
    measures: Measures
    exact: str = ""


# A POS record as ``parse_many`` takes it: name, category, brand, product type, lineage, weight.
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
        self._nick_span: dict[str, int] = {}
        for phrase in knowledge.nicknames:
            first, size = phrase.split(" ", 1)[0], phrase.count(" ") + 1
            self._nick_span[first] = max(self._nick_span.get(first, 1), size)
        self._vocab: dict[str, tuple[int, object]] = {}
        for kind, table in (
            (_NOISE, dict.fromkeys(knowledge.noise, "")),
            (_WEAK, knowledge.weak_forms),
            (_STRONG, knowledge.strong_forms),
            (_MARKER, knowledge.markers),
            (_LINEAGE, knowledge.lineage),
        ):
            for phrase, value in table.items():
                self._vocab[phrase] = (kind, value)
        # One-word tags stores put around names: noise, cannabinoids, lineages, strong forms.
        self._tags = frozenset(
            p for p, (kind, _) in self._vocab.items() if " " not in p and kind != _WEAK
        )
        self._forms = frozenset(p for p in self._tags if self._vocab[p][0] == _STRONG)
        self._span: dict[str, int] = {}
        for phrase in self._vocab:
            first, size = phrase.split(" ", 1)[0], phrase.count(" ") + 1
            self._span[first] = max(self._span.get(first, 1), size)
        self._measures = MeasureReader(knowledge).read
        self._sets: dict[frozenset[str], frozenset[str]] = {}
        # Memos of pure functions of short, much-repeated fields (brands, categories, amounts).
        self._brand_keys: BoundedCache[str, str] = BoundedCache(_MEMO_LIMIT)
        self._category_types: BoundedCache[str, CategoryTypes | None] = BoundedCache(_MEMO_LIMIT)
        self._amounts: BoundedCache[str, Measures] = BoundedCache(_MEMO_LIMIT)

    # -- public ------------------------------------------------------------------------------

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
        return self._parse_pos(name, category, brand, product_type, lineage, weight, None)

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
        trace: dict[str, str] = {}
        item = self._parse_pos(name, category, brand, product_type, lineage, weight, trace)
        return item, trace

    def _parse_pos(
        self,
        name: str,
        category: str,
        brand: str | None,
        product_type: str | None,
        lineage: str | None,
        weight: str | None,
        trace: dict[str, str] | None,
    ) -> ParsedItem:
        return self.parse_words(
            self.words_of(name, weight, trace),
            category,
            brand=brand,
            product_type=product_type,
            lineage=lineage,
            trace=trace,
        )

    def words_of(
        self, name: str, weight: str | None = None, trace: dict[str, str] | None = None
    ) -> NameWords:
        """The first step of ``parse_pos``: a name's measures taken out, the rest as words."""
        text, m = self._measures(fold(name))
        if weight:
            # A structured weight field is what the POS says the unit is: it wins over the name.
            w = self._measures(fold(weight))[1]
            if trace is not None:
                _trace_measures(trace, w, f"field weight {weight!r}")
                _trace_measures(trace, m, "name")
            m = Measures(
                w.weight_g or m.weight_g, w.potency_mg or m.potency_mg, w.pack or m.pack, m.ratio
            )
        elif trace is not None:
            _trace_measures(trace, m, "name")
        exact = exact_text(name) if self.exact_names else ""
        return NameWords(
            self.canonical(_words(text)), m, exact if exact in self.exact_names else ""
        )

    def canonical(self, tokens: list[str]) -> list[str]:
        """The words with strain nicknames written out ("gdp" -> "granddaddy purple")."""
        spans = self._nick_span
        if not any(t in spans for t in tokens):
            return tokens
        out: list[str] = []
        i, n = 0, len(tokens)
        nick = self.k.nicknames
        while i < n:
            span = spans.get(tokens[i])
            if span:
                for size in range(min(span, n - i), 0, -1):
                    full = nick.get(" ".join(tokens[i : i + size]))
                    if full is not None:
                        out += full.split()
                        i += size
                        break
                else:
                    out.append(tokens[i])
                    i += 1
            else:
                out.append(tokens[i])
                i += 1
        return out

    def parse_words(
        self,
        name: NameWords,
        category: str = "",
        *,
        brand: str | None = None,
        product_type: str | None = None,
        lineage: str | None = None,
        trace: dict[str, str] | None = None,
    ) -> ParsedItem:
        """The rest of ``parse_pos``, from ``words_of``'s result."""
        tokens, m, exact = name.tokens, name.measures, name.exact
        key: str | None = None
        how = ""
        if brand and brand.strip():
            key, how = self.brands.resolve(brand)
            how = f"field {how}" if key else "field (not in catalog)"
            key = key or brand_key(brand)
            found = self._find_brand(tokens)
            if found and found[0] == key:
                tokens = tokens[: found[1]] + tokens[found[2] :]
            if trace is not None:
                found_how = how.removeprefix("field ").strip("()")
                trace["brand"] = f"field brand {brand!r} ({found_how})"
        else:
            found = self._find_brand(tokens)
            if found:
                key, start, end, how = found
                tokens = tokens[:start] + tokens[end:]
            if trace is not None:
                trace["brand"] = f"name ({how})" if found else "not found"
        if self.brands.learned is not None:  # nicknames the catalog team taught
            tokens = self.brands.learned.rewrite(tokens, key)
        if key:
            tokens = self.brands.drop_brand_words(key, tokens, self._span)
        declared = None
        if product_type:
            declared = self._declared(product_type)
            if trace is not None:
                known = "" if declared else " not in the category table"
                trace["types"] = f"field type {product_type!r}{known}"
        if declared is None and category:
            declared = self._declared(category)
            if trace is not None and (declared or "types" not in trace):
                known = "" if declared else " not in the category table"
                trace["types"] = f"category {category!r}{known}"
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

    def _find_brand(self, tokens: list[str]) -> tuple[str, int, int, str] | None:
        """``BrandIndex.find`` on the name's words, then between the tags stores put at its
        ends ("(REC)", "BOGO", "93.6% THC"), then without end form words too ("(Distillate)"):
        "Kuur (MED)" ends with its brand, "THC Design" and "Sacred Flower" are brands."""
        for spans in self._spans(tokens):
            start, end = spans
            found = self.brands.find(tokens[start:end])
            if found is not None:
                key, first, last, how = found
                if all(t in self._tags for t in tokens[start + first : start + last]):
                    continue  # a tag ("(H)", "THC 80%") is not a brand written out
                return key, start + first, start + last, how
        return None

    def _spans(self, tokens: Sequence[str]) -> list[tuple[int, int]]:
        """The spans ``_find_brand`` tries, in order, each once."""
        spans = [(0, len(tokens))]
        for tags in (self._tags - self._forms, self._tags):
            start, end = 0, len(tokens)
            while end - start > 1 and (tokens[end - 1] in tags or len(tokens[end - 1]) == 1):
                end -= 1
            while end - start > 1 and (tokens[start] in tags or len(tokens[start]) == 1):
                start += 1
            if (start, end) not in spans:
                spans.append((start, end))
        return spans

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
        self._prefetch_brands((tokens, brand) for tokens, _, _, brand, _, _, _ in todo)
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
                out[slot] = _measured(item, m)
        return out

    def _prefetch_brands(self, names: Iterable[tuple[Sequence[str], str | None]]) -> None:
        """Look up in bulk the misspelt brands ``parse_words`` would look up for these
        (words of the name, brand field) pairs, so that parsing them finds the answers ready."""
        queries: list[str] = []
        for tokens, brand in names:
            if brand and brand.strip():
                written = words(brand)
                if not (
                    self.brands.aliases.get(written)
                    or self.brands.aliases.get(written.replace(" ", ""))
                ):
                    queries.append(written)
            for start, end in self._spans(tokens):
                queries += self.brands.fuzzy_queries(tokens[start:end])
        self.brands.prefetch(queries)

    def parse_catalog(self, product: CatalogProduct, folded: str | None = None) -> ParsedItem:
        """Parse a catalog product: its fields are final, its name is parsed like a POS name.

        ``folded`` is ``fold(product.name)`` when the caller has it already.
        """
        text, m = self._measures(fold(product.name) if folded is None else folded)
        key = self._brand_key(product.brand) if product.brand else None
        tokens = self.canonical(_words(text))
        if key:
            tokens = self.brands.drop_brand_words(
                key, self.brands.strip_own(key, tokens), self._span
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
        return self._category_types.get_or(category, lambda c: self.categories.get(words(c)))

    def _amount(self, amount: str) -> Measures:
        return self._amounts.get_or(amount, lambda a: self._measures(fold(a))[1])

    # -- steps -------------------------------------------------------------------------------

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
        trace: dict[str, str] | None = None,
    ) -> ParsedItem:
        core: list[str] = []
        lineages: set[str] = set()
        prefer: str | None = None
        declared = frozenset() if authoritative else types
        # A catalog product named by nothing but such words ("Natural") is not generic.
        plain: list[str] = []
        markers: set[str] = set()
        forms: list[Form] = []
        # Each strong form phrase and where it stood among the core's words.
        placed: list[tuple[Form, str, int]] = []
        # Where each strong phrase stood among the tokens (start, end), and which tokens became
        # name words: a form word next to a name word may be one of the name's.
        spans_at: list[tuple[int, int]] = []
        named_at: set[int] = set()
        leading: list[tuple[Form, str]] = []
        weak: list[Form] = []
        spans, vocab = self._span, self._vocab
        letters = self.k.lineage_letters
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i]
            span = spans.get(token)
            if span is None:  # starts no phrase: a plain word of the name
                if len(token) == 1 and token in letters:
                    lineages.add(letters[token])  # "Canna-Tsu - H Cartridge"
                else:
                    core.append(token)
                    named_at.add(i)
                i += 1
                continue
            hit = None
            for size in range(min(span, n - i), 0, -1):
                phrase = token if size == 1 else " ".join(tokens[i : i + size])
                entry = vocab.get(phrase)
                if entry is not None:
                    hit = (size, phrase, entry)
                    break
            if hit is None:
                core.append(token)
                named_at.add(i)
                i += 1
                continue
            size, phrase, (kind, value) = hit
            if kind == _STRONG:
                assert isinstance(value, Form)
                forms.append(value)
                placed.append((value, phrase, len(core)))
                spans_at.append((i, i + size))
                if not core:
                    leading.append((value, phrase))
            elif kind == _WEAK:
                assert isinstance(value, Form)
                weak.append(value)
                core.append(phrase)
            elif kind == _MARKER:
                markers.add(str(value))
            elif kind == _LINEAGE and value:
                lineages.add(str(value))
            elif kind == _NOISE and authoritative and len(phrase) > 2:
                plain.append(phrase)
            i += size
        implied: set[str] = set()
        origin = "name"
        # A catalog's lineage field, where its name states none, is metadata: often left over
        # from another listing, so it only agrees or disagrees; a lineage named is final.
        soft = authoritative and not lineages
        if declared_lineage:
            lin = words(declared_lineage)
            field = f"field lineage {declared_lineage!r}"
            if lin in self.k.lineage_markers:
                implied.add(self.k.lineage_markers[lin])
                if trace is not None:
                    trace["implied"] = field
            elif self.k.lineage.get(lin):
                # A lineage word in the name that contradicts the declared lineage is part of
                # the name ("Cherry Bomb Sativa" labelled hybrid): the lineage is then unsure.
                value = self.k.lineage[lin]
                lineages = {value} if not lineages or value in lineages else {value, *lineages}
                origin = field
            elif trace is not None:
                trace["lineage field"] = f"{declared_lineage!r} not a known lineage"
        if trace is not None and lineages:
            unsure = f"{origin} and the name disagree: unsure"
            trace["lineage"] = origin if len(lineages) == 1 else unsure
        if m.ratio:
            implied |= self.k.ratio_markers
            if trace is not None:
                trace.setdefault("implied", "ratio in the name")
        markers.discard("thc")
        subtypes: set[str] = set()
        hints = {f.subtype for f in weak if f.subtype} if weak else set()
        if forms and types:
            # A form word of a type the category (or the catalog's type) rules out is part of
            # the name: "Cake Batter" flower, "Hash Bar" and "Sugar Cookies" edibles.
            kept = [f for f in forms if f.product_type in types]
            if len(kept) < len(forms):
                # ... unless another form word is of the category's type and it ends the name:
                # then it says what the product holds ("510 Cartridge (Distillate)" of a vape).
                for (form, phrase, at), (first, last) in reversed(
                    list(zip(placed, spans_at, strict=True))
                ):
                    beside = first - 1 in named_at or last in named_at
                    if form.product_type not in types and (not kept or beside):
                        core[at:at] = phrase.split()  # "Sugar Shack Cart": a name's word
                if not core:
                    # ... and when nothing else names the product, they name it: "Sugar Mix
                    # Pre-Roll" is a pre-roll called Sugar Mix, not the brand's plain one.
                    for form, phrase, at in reversed(placed):
                        if form.product_type not in types:
                            core[at:at] = phrase.split()
                forms = kept
                keep = [k for k, p in enumerate(placed) if p[0].product_type in types]
                placed = [placed[k] for k in keep]
                spans_at = [spans_at[k] for k in keep]
                leading = [(f, p) for f, p in leading if f.product_type in types]
        if len(forms) > 1:
            # Of several form words, one a name's word follows is part of the name when
            # another is not: "Live Resin - Sugar Plum", "Hash Plant Badder".
            naming = [
                i
                for i, (form, _, at) in enumerate(placed)
                if at < len(core) and (i + 1 == len(placed) or placed[i + 1][2] > at)
            ]
            # ... only against a form word of its rank: "Shatter GSC ... Extract" is a shatter.
            ranks = {placed[i][0].rank for i in range(len(placed)) if i not in naming}
            naming = [i for i in naming if placed[i][0].rank in ranks]
            if naming:
                named = {id(placed[i][0]) for i in naming}
                for i in reversed(naming):
                    _, phrase, at = placed[i]
                    core[at:at] = phrase.split()
                forms = [f for f in forms if id(f) not in named]
                placed = [p for p in placed if id(p[0]) not in named]
                leading = [(f, p) for f, p in leading if id(f) not in named]
        if forms and declared_subtype and placed and placed[0][2] == 0 and core:
            # A catalog's own subtype is final: a form word leading a name of another form
            # is the name's ("Hash Plant" badder).
            form, phrase, _ = placed[0]
            if form.subtype and not self.k.compatible(form.subtype, declared_subtype):
                core[0:0] = phrase.split()
                forms = [f for f in forms if f is not form]
                leading = [(f, p) for f, p in leading if f is not form]
        if forms:
            # Highest rank decides; among equals the last one, since form words follow the
            # strain name ("Hash Khan Wax" is a wax).
            top = max(reversed(forms), key=lambda f: f.rank)
            # A catalog's own type field is final; a POS category wins over a form word that
            # contradicts it ("Hash Bar" under edibles), else the form word narrows the category.
            if not authoritative and (not types or top.product_type in types):
                if trace is not None and types != {top.product_type}:
                    given = trace.get("types")
                    narrowed = f"{given}, narrowed by the " if given else ""
                    trace["types"] = f"{narrowed}form word in the name ({top.product_type})"
                types = frozenset({top.product_type})
            if top.subtype and top.product_type in types:
                subtypes.add(top.subtype)
                if trace is not None:
                    trace["subtypes"] = "form word in the name"
            hints |= {f.subtype for f in forms if f.subtype and f is not top}
            if core and leading and all(f is not top for f, _ in leading):
                # A form word before the name, with the form named after it, is part of the
                # name: "Hash Khan Shatter", "Hash Bomb Cartridge".
                core = [phrase for _, phrase in leading] + core
        elif preferred_type and not authoritative:
            # No form word: the category's default reading ("Dead Cherries -3.5g-" is flower,
            # and plain flower, not shake), unless the brand sells nothing of that form: the
            # matcher decides that (``ParsedItem.prefer``).
            prefer = preferred_type
            if trace is not None:
                given = trace.get("types", "category")
                trace["types"] = f"{given}, read as {preferred_type} (no form word)"
        if declared_subtype:
            subtypes.add(declared_subtype)
        text = " ".join(core or (plain if not forms else []))
        if trace is not None:
            if markers:
                trace.setdefault("markers", "name")
            if m.ratio:
                trace.setdefault("ratio", "name")
            trace["core"] = "name, less brand, form words, measures and tags"
        return ParsedItem(
            brand=key,
            core=text,
            types=self._intern(types),
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
            declared=self._intern(declared),
            exact=exact,
            brand_source=how,
        )

    def _intern(self, value: frozenset[str]) -> frozenset[str]:
        """Share one object per distinct set: a million items hold a few dozen distinct sets."""
        return self._sets.setdefault(value, value)


_WORD = re.compile(r"[a-z0-9]+")
_MEMO_LIMIT = 50_000


def unparsable(exc: Exception) -> str:
    """The reason a record whose name could not be parsed is rejected with."""
    return f"cannot parse name: {exc!r}"


def _measured(item: ParsedItem, m: Measures) -> ParsedItem:
    """``item`` with the measures ``m``: what parsing its words with ``m`` gives."""
    if (item.weight_g, item.potency_mg, item.pack) == (m.weight_g, m.potency_mg, m.pack):
        return item
    return ParsedItem(
        brand=item.brand,
        core=item.core,
        types=item.types,
        subtypes=item.subtypes,
        hints=item.hints,
        lineage=item.lineage,
        ratio=item.ratio,
        markers=item.markers,
        implied=item.implied,
        digits=item.digits,
        weight_g=m.weight_g,
        potency_mg=m.potency_mg,
        pack=m.pack,
        prefer=item.prefer,
        declared=item.declared,
        exact=item.exact,
        brand_source=item.brand_source,
        lineage_soft=item.lineage_soft,
    )


def _trace_measures(trace: dict[str, str], m: Measures, origin: str) -> None:
    """Record the origin of each measure not yet traced (the first caller has precedence)."""
    for attr, value in (("weight_g", m.weight_g), ("potency_mg", m.potency_mg), ("pack", m.pack)):
        if value:
            trace.setdefault(attr, origin)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


_SPACES = re.compile(r"\s+")


def exact_text(name: str) -> str:
    """A name as compared whole: folded, spaces collapsed; punctuation kept (a catalog's
    duplicates may differ in nothing else)."""
    return _SPACES.sub(" ", fold(name)).strip()
