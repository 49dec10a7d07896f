"""A brand found at one end of a name: how far it reaches, and whether it is the name's brand
when the other end names another.

A store writes its brand first ("Kali Krumz | 1g Shatter | Big Rodd OG") or last ("OG Ringo
Diamonds - The Herbsmith"), and a name may start with one brand's alias and end with another's.
Which of the two is the name's brand is read, in order, from: how each is written (an alias
that is also a strain's or a form's name, "OG" or "Hard Candy", is the weaker reading, unless
the other is found as one word of its name and its catalog uses none of the words between the
two while the weaker one's uses some: "Kali Mist ... - Platinum"); then,
both or neither so written, whether one brand's catalog names use some of the words between
the two and the other's none (a strain written first that begins like a brand, "Galactic
Animal | Shatter | Ankura", is the other brand's product when Galactic Gardens' names use
neither "animal" nor "shatter"); and, when nothing else tells them apart, how much each takes
of the name (the longer written).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

# How much more one brand's catalog must use the words between than the other's to be the
# name's brand: a word five or fewer brands use; form and lineage words ("wax", "hybrid"),
# which hundreds of brands use, weigh almost nothing and decide nothing.
TELLING = 1e-9

# A brand found in a name's words: (brand key, first word, end, how it was found).
Found = tuple[str, int, int, str]


class NameWords:
    """Which brands' catalog product names use each word: one bit per brand in an integer a
    word (a few MB for a million products, where a set of brand keys a word took hundreds).
    Brands get their bits in sorted order, so two indexes of one catalog compare equal."""

    __slots__ = ("_bits", "_words")

    def __init__(self, name_words: Mapping[str, Iterable[str]] | None = None) -> None:
        words = name_words or {}
        self._bits = {k: i for i, k in enumerate(sorted({k for ks in words.values() for k in ks}))}
        self._words = {w: sum(1 << self._bits[k] for k in set(ks)) for w, ks in words.items()}

    def uses(self, key: str, word: str) -> bool:
        """Whether brand ``key``'s catalog names use ``word``."""
        bit = self._bits.get(key)
        return bit is not None and (self._words.get(word, 0) >> bit) & 1 == 1

    def __bool__(self) -> bool:
        return bool(self._words)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, NameWords)
            and self._bits == other._bits
            and self._words == other._words
        )

    __hash__ = None  # type: ignore[assignment]

    def saved(self) -> dict[str, Any]:
        """As a saved index writes it (JSON): the brands in bit order, each word's bits in hex."""
        return {"brands": list(self._bits), "words": {w: f"{b:x}" for w, b in self._words.items()}}

    @classmethod
    def loaded(cls, data: Mapping[str, Any]) -> NameWords:
        """What ``saved`` wrote."""
        found = cls()
        found._bits = {str(k): i for i, k in enumerate(data["brands"])}
        found._words = {str(w): int(b, 16) for w, b in data["words"].items()}
        return found

    def __getstate__(self) -> tuple[dict[str, int], dict[str, int]]:
        return self._bits, self._words

    def __setstate__(self, state: tuple[dict[str, int], dict[str, int]]) -> None:
        self._bits, self._words = state


def either_end(
    tokens: Sequence[str],
    first: Found,
    last: Found,
    weak: Callable[[Sequence[str]], bool],
    name_words: NameWords,
) -> Found:
    """Of a brand found at the start (``first``) and another at the end (``last``) of
    ``tokens``, the name's brand (see the module docstring). ``weak`` says whether a brand
    as written is a strain's or a form's name; ``name_words``: which brands' catalog product
    names use each word."""
    start, end = tokens[first[1] : first[2]], tokens[last[1] : last[2]]
    weak_start, weak_end = weak(start), weak(end)
    between = {w for w in tokens[first[2] : last[1]] if len(w) >= 2}
    uses_first = _uses(name_words, first[0], between) if name_words else 0
    uses_last = _uses(name_words, last[0], between) if name_words else 0
    # One catalog uses some of the words between the two, the other's none.
    one_fits = uses_first != uses_last and not (uses_first and uses_last)
    if weak_start != weak_end:
        if weak_end and one_fits and uses_last and len(start) == 1 and start[0] != first[0]:
            # A brand at the start found as one word of its name ("Kali" of Kali Extracts)
            # whose catalog uses none of them: a strain's first word ("Kali Mist"), not it.
            return last
        return last if weak_start else first
    if one_fits:
        # Both or neither written as a strain's name: a brand whose catalog names use none of
        # the words between the two, when the other's use some, is not the name's brand.
        return first if uses_first else last
    return first if sum(map(len, start)) > sum(map(len, end)) else last


def _uses(name_words: NameWords, key: str, between: set[str]) -> int:
    """How many of the words ``between`` brand ``key``'s catalog names use."""
    return sum(1 for w in between if name_words.uses(key, w))


def uses_any(name_words: NameWords, key: str, words: Sequence[str]) -> bool:
    """Whether brand ``key``'s catalog names use any of ``words`` (two letters or more)."""
    return any(len(w) >= 2 and name_words.uses(key, w) for w in words)


def in_form(tokens: Sequence[str], start: int, end: int, form_names: Container[str]) -> bool:
    """Whether the words ``tokens[start:end]``, found as a brand at the name's start (or its
    end), are with the one or two words after (before) them a form's name: "Live" of "Live
    Resin | ...", "Infused" of "Infused Pre-Roll - ...": written as a form, not as a brand."""
    n = len(tokens)
    for extra in (1, 2):
        if start == 0 and end + extra <= n and " ".join(tokens[: end + extra]) in form_names:
            return True
        if end == n and start >= extra and " ".join(tokens[start - extra :]) in form_names:
            return True
    return False


def extend_left(key: str, tokens: Sequence[str], start: int, min_score: float) -> int:
    """Grow a brand found at the end (from ``start``) over preceding words that continue it,
    misspelt: "Panazana Baked Gooodies": "panazana" alone is an alias, the whole is the brand.
    A word is taken only when it brings the written brand closer to the brand's full name."""
    best, score = start, fuzz.ratio(" ".join(tokens[start:]), key)
    for begin in range(start - 1, max(start - 3, 1) - 1, -1):
        grown = fuzz.ratio(" ".join(tokens[begin:]), key)
        if grown > score and grown >= min_score:
            best, score = begin, grown
    return best


def extend_right(key: str, tokens: Sequence[str], end: int, min_score: float) -> int:
    """Grow a brand found at the start (up to ``end``) over following words that continue
    it, misspelt."""
    best, score = end, fuzz.ratio(" ".join(tokens[:end]), key)
    for stop in range(end + 1, min(end + 3, len(tokens) - 1) + 1):
        grown = fuzz.ratio(" ".join(tokens[:stop]), key)
        if grown > score and grown >= min_score:
            best, score = stop, grown
    return best
