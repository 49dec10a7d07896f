"""Brand aliases derived from the catalog's own brand names, and finding a brand in a name.

A POS writes "Natures Grace" for the catalog's "Nature's Grace and Wellness", "Cresco" for
"Cresco Labs", "PTS" for "Progressive Treatment Solutions (PTS)" and "Pharmacann" for
"PharmaCannis". The rules that produce those aliases live in ``data/brands.toml`` and are applied
by ``brand_names.py``; this module indexes them and resolves a written brand to one catalog brand
key, or to none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from rapidfuzz import fuzz, process

from poslink.caching import BoundedCache
from poslink.domain.brand_ends import (
    Found,
    NameWords,
    either_end,
    extend_left,
    extend_right,
    in_form,
    uses_any,
)
from poslink.domain.brand_names import (
    STOP_WORDS,
    brand_key,
    derive_aliases,
    initials,
    written_forms,
)
from poslink.domain.brand_own import OwnWords
from poslink.domain.brand_windows import LongerNames, end_windows, fewest, holds, rivals
from poslink.domain.knowledge import BrandRules
from poslink.domain.similarity import extract_many
from poslink.domain.text import words

_MEMO_LIMIT = 100_000
MAX_FUZZY_WORDS = 4


class Nicknames(Protocol):
    """Words a store writes for a catalog name (``learned.LearnedKnowledge``, taught)."""

    def rewrite(self, tokens: list[str], brand: str | None) -> list[str]:
        """The words with the nicknames that hold for ``brand`` written out."""
        ...


@dataclass
class BrandIndex(OwnWords):
    """Every alias of every catalog brand, resolved to one brand key."""

    rules: BrandRules
    aliases: dict[str, str] = field(default_factory=dict)
    own: dict[str, frozenset[str]] = field(default_factory=dict)
    max_words: int = 1
    # The words of each brand's names (a store's record repeats them: "INJOY" of "Cure Injoy").
    brand_words: dict[str, frozenset[str]] = field(default_factory=dict)
    # A word of the catalog's product names -> the brand keys whose names use it.
    name_words: NameWords = field(default_factory=NameWords, repr=False)
    _suffix_words: frozenset[str] = field(default=frozenset(), repr=False)
    _fuzzy: list[str] = field(default_factory=list)
    # Derived lookups (see ``_prepare``): which alias lengths can end or start at a word.
    _ending: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _starting: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _own_sizes: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    # Look-ups remembered (a copy, ``dataclasses.replace``, starts without them): a name's
    # brand at its ends, misspelt brands, misspelt words of a brand's own names.
    _own_fuzzy: BoundedCache[tuple[str, str], bool] = field(
        default_factory=lambda: BoundedCache(_MEMO_LIMIT), init=False, repr=False, compare=False
    )
    _fuzzy_memo: BoundedCache[str, str | None] = field(
        default_factory=lambda: BoundedCache(_MEMO_LIMIT), init=False, repr=False, compare=False
    )
    _exact_memo: BoundedCache[tuple[str, ...], tuple[str, int, int, str] | None] = field(
        default_factory=lambda: BoundedCache(_MEMO_LIMIT), init=False, repr=False, compare=False
    )
    # Brand fields resolved: a feed writes a few thousand brands, each on many records.
    _resolved: BoundedCache[str, tuple[str | None, str]] = field(
        default_factory=lambda: BoundedCache(_MEMO_LIMIT), init=False, repr=False, compare=False
    )
    # What the catalog team taught (``domain/learned.py``): the parser rewrites nicknames with it.
    learned: Nicknames | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(
        cls, brands: Iterable[str], rules: BrandRules, name_words: dict[str, set[str]] | None = None
    ) -> BrandIndex:
        """Index the catalog's brands.

        ``name_words`` maps a word to the brand keys whose product names use it: a weak alias
        that other brands' product names use is dropped (it would read a strain as a brand).
        """
        strong_by: dict[str, set[str]] = defaultdict(set)
        weak_by: dict[str, set[str]] = defaultdict(set)
        own: dict[str, set[str]] = {}
        for brand in set(brands):
            key = brand_key(brand)
            if not key:
                continue
            strong, weak = derive_aliases(brand, rules)
            own.setdefault(key, set()).update(strong | weak)
            for alias in strong:
                strong_by[alias].add(key)
            for alias in weak:
                weak_by[alias].add(key)
        aliases: dict[str, str] = {}
        for alias, keys in strong_by.items():
            if len(keys) == 1:
                aliases[alias] = next(iter(keys))
            elif alias in keys:  # a brand's own full name beats another's shortened form
                aliases[alias] = alias
        used = name_words or {}
        for alias, keys in weak_by.items():
            if len(keys) != 1 or alias in strong_by:
                continue
            key = next(iter(keys))
            if used.get(alias, set()) - {key}:
                continue
            aliases[alias] = key
        # Sorted, not in the sets' order (it changes with each process's string hashing): a
        # misspelling two aliases read alike reads the first (``LongerNames``), in every run.
        index = cls(rules=rules, aliases=dict(sorted(aliases.items())))
        index.read_names(used)
        index.own = {k: frozenset(v) for k, v in own.items()}
        index.max_words = max((len(a.split()) for a in aliases), default=1)
        index._fuzzy = sorted(a for a in aliases if len(a) >= rules.fuzzy_min_length)
        index._prepare()
        return index

    def read_names(self, name_words: dict[str, set[str]]) -> None:
        """Keep which brands' product names use each word (``either_end`` weighs by it)."""
        self.name_words = NameWords(name_words)
        self._exact_memo = BoundedCache(_MEMO_LIMIT)

    def _prepare(self) -> None:
        """Index the aliases by their last and first words, longest first: ``find`` and
        ``strip_own`` then try only the lengths that can match, not every one up to
        ``max_words``; what they find is the same."""
        ending: dict[str, set[int]] = defaultdict(set)
        starting: dict[str, set[int]] = defaultdict(set)
        for alias in self.aliases:
            parts = alias.split()
            ending[parts[-1]].add(len(parts))
            starting[parts[0]].add(len(parts))
        self._ending = {w: tuple(sorted(s, reverse=True)) for w, s in ending.items()}
        self._starting = {w: tuple(sorted(s, reverse=True)) for w, s in starting.items()}
        self._own_sizes = {
            key: tuple(
                sorted({n for a in own if (n := len(a.split())) <= self.max_words}, reverse=True)
            )
            for key, own in self.own.items()
        }
        self._own_fuzzy = BoundedCache(_MEMO_LIMIT)
        self.brand_words = {
            k: frozenset(w for a in v for w in a.split() if w not in STOP_WORDS and len(w) >= 2)
            | initials(k)
            for k, v in self.own.items()
        }
        self._suffix_words = frozenset(x for x in self.rules.suffixes if " " not in x)
        self._longer = LongerNames(self.aliases, self.rules.fuzzy_min_score)

    def resolve(self, written: str) -> tuple[str | None, str]:
        """The brand key a written brand stands for, and how it was found ("" when not found).

        A brand field is evidence, not an exact key: the written form, without a parenthesis
        or corporate suffixes, spaces removed; then its first word when that is a brand's own
        first-word alias ("Gonzo Kush" is Gonzo's); then a misspelling.
        """
        found = self._resolved.get(written)
        if found is None:
            found = self._resolved.put(written, self._resolve(written))
        return found

    def _resolve(self, written: str) -> tuple[str | None, str]:
        text = words(written)
        if not text:
            return None, ""
        forms = written_forms(written, self.rules)
        for form in forms:
            key = self.aliases.get(form) or self.aliases.get(form.replace(" ", ""))
            if key:
                return key, "alias"
        first = text.split()[0]
        if (
            first != text
            and len(first) >= self.rules.first_word_min_length
            and first not in self.rules.common_first_words
        ):
            key = self.aliases.get(first)
            if key and first in self.own.get(key, ()):
                return key, "first word"
        for form in forms:
            key = self._fuzzy_lookup(form)
            if key:
                return key, "fuzzy"
        return None, ""

    def find(self, tokens: Sequence[str]) -> tuple[str, int, int, str] | None:
        """Find a brand at the end or the start of a name's words: (key, start, end, how)."""
        n = len(tokens)
        if not n:
            return None
        exact = self._find_exact(tokens)
        if exact:
            # A misspelt brand in more words at the same end, holding those found, is the brand
            # ("Golden Goddess Botanicls"); so is one at the other end when the brand found is
            # written as a strain's or a form's name ("OG Ringo Diamonds - The Herbsmiith").
            found = tokens[exact[1] : exact[2]]
            weak = self._weak(found)
            for text, at_end, whole in self._rivals(tokens, exact, weak):
                if whole:
                    alias = self._longer.find(text, at_end)
                    key = self.aliases[alias] if alias and holds(alias, found) else None
                else:
                    key = self._fuzzy_lookup(text)
                    if key and not weak:  # the found brand unfit: this one must fit
                        size = text.count(" ") + 1
                        rest = (
                            tokens[exact[2] : len(tokens) - size]
                            if at_end
                            else tokens[size : exact[1]]
                        )
                        key = key if uses_any(self.name_words, key, rest) else None
                    if key and key == self._written_at(tokens, at_end):
                        # Written right at that end ("Northern Lights Wax"), it was weighed
                        # against this one (``either_end``): only a misspelt one outweighs.
                        key = None
                if key and key != exact[0]:
                    return self._misspelt(key, tokens, text.count(" ") + 1, at_end, whole)
            return exact
        # Misspelt brands, longest window first; a window always leaves a word for the name.
        forms = self.rules.form_names
        for text, size, at_end in end_windows(tokens, self._longest()):
            key = self._fuzzy_lookup(text)
            if key and not in_form(tokens, n - size if at_end else 0, n if at_end else size, forms):
                return self._misspelt(key, tokens, size, at_end)
        return None

    def _written_at(self, tokens: Sequence[str], at_end: bool) -> str | None:
        """The brand whose alias, written right, ends (``at_end``) or starts ``tokens``."""
        n = len(tokens)
        for size in (self._ending if at_end else self._starting).get(
            tokens[-1 if at_end else 0], ()
        ):
            if size <= n:
                key = self.aliases.get(" ".join(tokens[n - size :] if at_end else tokens[:size]))
                if key:
                    return key
        return None

    def _misspelt(
        self, key: str, tokens: Sequence[str], size: int, at_end: bool, whole: bool = False
    ) -> tuple[str, int, int, str]:
        """A misspelt brand found in the ``size`` last (``at_end``) or first words (all of
        them if ``whole``, else as few as read it best: ``fewest``)."""
        n, own = len(tokens), self.own.get(key, ())
        if at_end:
            take = size if whole else fewest(own, tokens[n - size :], True)
            return key, n - take, n, "fuzzy suffix"
        return key, 0, size if whole else fewest(own, tokens[:size], False), "fuzzy prefix"

    def _rivals(
        self, tokens: Sequence[str], exact: tuple[str, int, int, str], weak: bool | None = None
    ) -> list[tuple[str, bool, bool]]:
        """Where a misspelt brand outweighing ``exact`` may be written (``rivals``); ``weak``:
        whether it is written as a strain's or a form's name, when already known."""
        start, end = exact[1], exact[2]
        if weak is None:
            weak = self._weak(tokens[start:end])
        other = weak or self._unfit(tokens, exact)
        return rivals(tokens, start, end, self._longest(), other)

    def _unfit(self, tokens: Sequence[str], exact: Found) -> bool:
        """Whether a brand found as one word short of its name ("Dutch" of Dutch Farms) is
        one whose catalog names use none of the name's other words."""
        key, start, end = exact[0], exact[1], exact[2]
        if end - start != 1 or tokens[start] == key or not self.name_words:
            return False
        return not uses_any(self.name_words, key, [*tokens[:start], *tokens[end:]])

    def _longest(self) -> int:
        """The most words a misspelt brand's window holds."""
        return min(self.max_words + 1, MAX_FUZZY_WORDS)

    def fuzzy_queries(self, tokens: Sequence[str]) -> list[str]:
        """The texts ``find`` may look up fuzzily for these words (it stops at the first hit)."""
        n = len(tokens)
        if not n:
            return []
        exact = self._find_exact(tokens)
        if exact:
            return [text for text, _, whole in self._rivals(tokens, exact) if not whole]
        return [text for text, _, _ in end_windows(tokens, self._longest())]

    def _find_exact(self, tokens: Sequence[str]) -> tuple[str, int, int, str] | None:
        # Asked twice per name in a batch (``fuzzy_queries`` ahead, then ``find``): remembered.
        key = tuple(tokens)
        if key in self._exact_memo:
            return self._exact_memo[key]
        return self._exact_memo.put(key, self._look_up_exact(tokens))

    def _look_up_exact(self, tokens: Sequence[str]) -> tuple[str, int, int, str] | None:
        found = self._look_up_at_ends(tokens)
        if found is None and len(tokens) > 2 and tokens[-1] in self._suffix_words:
            # "Purple Push Pop (Seed Junky Genetics)": a corporate word after the brand.
            found = self._look_up_at_ends(tokens[:-1])
            if found is not None and found[2] == len(tokens) - 1:
                found = (found[0], found[1], len(tokens), found[3])
        return found

    def _look_up_at_ends(self, tokens: Sequence[str]) -> tuple[str, int, int, str] | None:
        n, cutoff = len(tokens), self.rules.fuzzy_min_score
        # The end first: most POS systems write the brand last.
        last = None
        for size in self._ending.get(tokens[-1], ()):
            if size <= n:
                key = self.aliases.get(" ".join(tokens[n - size :]))
                if key and in_form(tokens, n - size, n, self.rules.form_names):
                    break  # "... | Vape Pen" of a brand "Pen": written as a form
                if key:
                    last = key, extend_left(key, tokens, n - size, cutoff), n, "suffix"
                    break
        first = None
        for size in self._starting.get(tokens[0], ()):
            if size <= n:
                key = self.aliases.get(" ".join(tokens[:size]))
                if key and in_form(tokens, 0, size, self.rules.form_names):
                    break  # "Live Resin | ..." of a brand "Live": written as a form
                if key:
                    first = key, 0, extend_right(key, tokens, size, cutoff), "prefix"
                    break
        if last is None or first is None or first[2] > last[1] or first[0] == last[0]:
            return last or first
        return self.either_end(tokens, first, last)

    def either_end(
        self, tokens: Sequence[str], first: Found, last: Found
    ) -> tuple[str, int, int, str]:
        """Of a brand found at the start and another at the end of ``tokens``, the name's
        brand (``brand_ends.either_end``)."""
        return either_end(tokens, first, last, self._weak, self.name_words)

    def _weak(self, written: Sequence[str]) -> bool:
        """Whether a brand as written is a strain's or a form's name (``BrandRules``)."""
        rules = self.rules
        return (
            all(w in rules.strain_words for w in written) or " ".join(written) in rules.form_names
        )

    def prefetch(self, texts: Iterable[str]) -> None:
        """Look up many misspelt-brand texts at once, ahead of ``resolve`` and ``find``.

        The same answers as one ``process.extractOne`` per text (``similarity.extract_many``)."""
        todo = [
            t
            for t in dict.fromkeys(texts)
            if len(t) >= self.rules.fuzzy_min_length
            and t not in self._fuzzy_memo
            and t not in self._suffix_words
        ]
        if len(todo) < 2 or not self._fuzzy:
            return
        for text, hits in zip(
            todo, extract_many(todo, self._fuzzy, self.rules.fuzzy_min_score, 1), strict=True
        ):
            self._fuzzy_memo.put(text, self.aliases[self._fuzzy[hits[0][1]]] if hits else None)

    def _fuzzy_lookup(self, text: str) -> str | None:
        # A corporate word alone ("extracts") is no brand misspelt ("dcextracts" is 89 alike).
        if len(text) < self.rules.fuzzy_min_length or not self._fuzzy or text in self._suffix_words:
            return None
        if text in self._fuzzy_memo:
            return self._fuzzy_memo[text]
        found = process.extractOne(
            text, self._fuzzy, scorer=fuzz.ratio, score_cutoff=self.rules.fuzzy_min_score
        )
        return self._fuzzy_memo.put(text, self.aliases[found[0]] if found else None)
