"""Brand aliases derived from the catalog's own brand names, and finding a brand in a name.

A POS writes "Natures Grace" for the catalog's "Nature's Grace and Wellness", "Cresco" for
"Cresco Labs", "PTS" for "Progressive Treatment Solutions (PTS)" and "Pharmacann" for
"PharmaCannis". The rules that produce those aliases live in ``data/brands.toml``; this module
applies them and resolves a written brand to one catalog brand key, or to none.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from poslink.domain.knowledge import BrandRules
from poslink.domain.text import words

_PARENS = re.compile(r"\(([^)]*)\)")
_STOP = frozenset({"and", "of", "the", "for", "by"})
MAX_FUZZY_WORDS = 4


def brand_key(brand: str) -> str:
    """The canonical key of a catalog brand: its normalized words."""
    return words(brand)


def derive_aliases(brand: str, rules: BrandRules) -> tuple[set[str], set[str]]:
    """Aliases of one brand: (strong, weak). Weak ones are kept only where unambiguous."""
    full = words(brand)
    strong = {full} if full else set()
    outer = words(_PARENS.sub(" ", brand))
    if outer:
        strong.add(outer)
    for inner in _PARENS.findall(brand):
        if words(inner):
            strong.add(words(inner))
    for alias in list(strong):
        strong |= _stripped(alias, rules)
    strong |= {a.replace(" ", "") for a in strong if " " in a}
    weak: set[str] = set()
    base = min(_stripped(outer, rules) | {outer}, key=len) if outer else ""
    parts = [p for p in outer.split() if p not in _STOP]
    if len(parts) >= 3:
        weak.add("".join(p[0] for p in parts))
    first = base.split()[0] if base else ""
    if len(first) >= rules.first_word_min_length and " " in outer:
        weak.add(first)
    return strong, weak - strong


def _stripped(alias: str, rules: BrandRules) -> set[str]:
    out: set[str] = set()
    current = alias
    for prefix in rules.prefixes:
        if current.startswith(prefix + " "):
            current = current[len(prefix) + 1 :]
            out.add(current)
    changed = True
    while changed:
        changed = False
        for suffix in rules.suffixes:
            if current.endswith(" " + suffix):
                current = current[: -len(suffix) - 1].strip()
                out.add(current)
                changed = True
                break
    return {a for a in out if a}


@dataclass
class BrandIndex:
    """Every alias of every catalog brand, resolved to one brand key."""

    rules: BrandRules
    aliases: dict[str, str] = field(default_factory=dict)
    own: dict[str, frozenset[str]] = field(default_factory=dict)
    max_words: int = 1
    _fuzzy: list[str] = field(default_factory=list)

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
        index = cls(rules=rules, aliases=aliases)
        index.own = {k: frozenset(v) for k, v in own.items()}
        index.max_words = max((len(a.split()) for a in aliases), default=1)
        index._fuzzy = sorted(a for a in aliases if len(a) >= rules.fuzzy_min_length)
        return index

    def resolve(self, written: str) -> tuple[str | None, str]:
        """The brand key a written brand stands for, and how it was found ("" when not found)."""
        text = words(written)
        if not text:
            return None, ""
        key = self.aliases.get(text) or self.aliases.get(text.replace(" ", ""))
        if key:
            return key, "alias"
        key = self._fuzzy_lookup(text)
        return (key, "fuzzy") if key else (None, "")

    def find(self, tokens: Sequence[str]) -> tuple[str, int, int, str] | None:
        """Find a brand at the end or the start of a name's words: (key, start, end, how)."""
        n = len(tokens)
        # The end first: most POS systems write the brand last.
        for size in range(min(self.max_words, n), 0, -1):
            key = self.aliases.get(" ".join(tokens[n - size :]))
            if key:
                return key, self._extend_left(key, tokens, n - size), n, "suffix"
        for size in range(min(self.max_words, n), 0, -1):
            key = self.aliases.get(" ".join(tokens[:size]))
            if key:
                return key, 0, self._extend_right(key, tokens, size), "prefix"
        # Misspelt brands, longest window first; a window always leaves a word for the name.
        for size in range(min(self.max_words + 1, MAX_FUZZY_WORDS, n - 1), 0, -1):
            key = self._fuzzy_lookup(" ".join(tokens[n - size :]))
            if key:
                return key, n - size, n, "fuzzy suffix"
            key = self._fuzzy_lookup(" ".join(tokens[:size]))
            if key:
                return key, 0, size, "fuzzy prefix"
        return None

    def _extend_left(self, key: str, tokens: Sequence[str], start: int) -> int:
        """Grow a brand found at the end over preceding words that continue it, misspelt.

        "Panazana Baked Gooodies": "panazana" alone is an alias, the whole is the brand. A word
        is taken only when it brings the written brand closer to the brand's full name.
        """
        best, score = start, fuzz.ratio(" ".join(tokens[start:]), key)
        for begin in range(start - 1, max(start - 3, 1) - 1, -1):
            grown = fuzz.ratio(" ".join(tokens[begin:]), key)
            if grown > score and grown >= self.rules.fuzzy_min_score:
                best, score = begin, grown
        return best

    def _extend_right(self, key: str, tokens: Sequence[str], end: int) -> int:
        """Grow a brand found at the start over following words that continue it, misspelt."""
        best, score = end, fuzz.ratio(" ".join(tokens[:end]), key)
        for stop in range(end + 1, min(end + 3, len(tokens) - 1) + 1):
            grown = fuzz.ratio(" ".join(tokens[:stop]), key)
            if grown > score and grown >= self.rules.fuzzy_min_score:
                best, score = stop, grown
        return best

    def strip_own(self, key: str, tokens: Sequence[str]) -> list[str]:
        """A catalog name's words without its own brand's aliases (at the end or the start)."""
        own = self.own.get(key, frozenset())
        toks = list(tokens)
        for _ in range(2):
            n = len(toks)
            for size in range(min(self.max_words, n), 0, -1):
                if " ".join(toks[n - size :]) in own:
                    toks = toks[: n - size]
                    break
                if " ".join(toks[:size]) in own:
                    toks = toks[size:]
                    break
            else:
                if n > 1 and self._fuzzy_own(toks[-1], own):
                    toks = toks[:-1]
                break
        return toks

    def _fuzzy_lookup(self, text: str) -> str | None:
        if len(text) < self.rules.fuzzy_min_length or not self._fuzzy:
            return None
        return _fuzzy_cached(self, text)

    def _fuzzy_own(self, token: str, own: frozenset[str]) -> bool:
        if len(token) < self.rules.fuzzy_min_length:
            return False
        cutoff = self.rules.fuzzy_min_score
        return any(fuzz.ratio(token, alias, score_cutoff=cutoff) for alias in own)

    def __hash__(self) -> int:
        return id(self)


@lru_cache(maxsize=65536)
def _fuzzy_cached(index: BrandIndex, text: str) -> str | None:
    found = process.extractOne(
        text, index._fuzzy, scorer=fuzz.ratio, score_cutoff=index.rules.fuzzy_min_score
    )
    return index.aliases[found[0]] if found else None
