"""Strain names as stores shorten them: nicknames ("GSC"), short words ("Purp"), a last word
cut short; and the key that reads a nickname as its full name.

The nicknames and short forms are the generator's own data (``data/nicknames.toml``). The same
table tells the generator which names of the public data set are one strain under two names
("GDP" and "Granddaddy Purple"): :meth:`ShortNames.canonical` reads both alike.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from poslink_dev.synth.kushy import name_key
from poslink_dev.synth.render import pick
from poslink_dev.synth.vocab import Vocabulary

_MIN_KEPT = 5  # a word cut short keeps at least this many letters
_MIN_CUT = 7  # and only words this long are cut


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(filter(None, map(name_key, text.split())))


def _pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any phrase as whole words, longest first."""
    if not phrases:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?i)(?<![\w#])(?:{alternatives})(?![\w])")


class ShortNames:
    """Nicknames and short forms from the vocabulary, applied to names and read back."""

    def __init__(self, vocab: Vocabulary) -> None:
        self._phrases = {full.lower(): nicks for full, nicks in vocab.phrases.items()}
        self._words = {word.lower(): shorts for word, shorts in vocab.words.items()}
        self._phrase_re = _pattern(list(vocab.phrases))
        self._word_re = _pattern(list(vocab.words))
        # Read back: the words of a short form -> the words of its full name.
        self._full: dict[tuple[str, ...], tuple[str, ...]] = {}
        for table in (vocab.phrases, vocab.words):
            for full, shorts in table.items():
                for short in shorts:
                    if _tokens(short) and _tokens(short) != _tokens(full):
                        self._full[_tokens(short)] = _tokens(full)
        self._longest = max((len(k) for k in self._full), default=0)
        self._starts = frozenset(k[0] for k in self._full)  # most names hold none of these

    def canonical(self, text: str) -> tuple[str, ...]:
        """The name's folded words with every short form read as its full words."""
        words = _tokens(text)
        if self._starts.isdisjoint(words):
            return words
        out: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(self._longest, len(words) - i), 0, -1):
                full = self._full.get(words[i : i + size])
                if full is not None:
                    out += full
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return tuple(out)

    def nickname(self, text: str, rng: random.Random) -> str | None:
        """The name with one phrase written as a nickname ("Platinum GSC"), or None."""
        return self._replace(self._phrase_re, self._phrases, text, rng)

    def abbreviate(self, text: str, rng: random.Random) -> str | None:
        """The name with one word written short ("Purp Punch"), or None."""
        return self._replace(self._word_re, self._words, text, rng)

    @staticmethod
    def _replace(
        pattern: re.Pattern[str] | None,
        table: dict[str, tuple[str, ...]],
        text: str,
        rng: random.Random,
    ) -> str | None:
        if pattern is None:
            return None
        found = pattern.search(text)
        if found is None:
            return None
        short = pick(table[found.group(0).lower()], rng)
        return text[: found.start()] + short + text[found.end() :]


def truncate(text: str, rng: random.Random, unique: Callable[[str], bool]) -> str | None:
    """The name with its last word cut short, as a narrow POS field cuts it, or None.

    Only a word of ``_MIN_CUT`` letters or more is cut, keeping at least ``_MIN_KEPT`` letters
    and 60% of it; ``unique(prefix_key)`` must say that no other name starts the same way.
    """
    words = text.split(" ")
    last = words[-1]
    if len(words) < 2 or len(last) < _MIN_CUT or not last.isalpha():
        return None
    keep = max(_MIN_KEPT, -(-len(last) * 3 // 5))
    keep += int(rng.random() * (len(last) - 1 - keep)) if len(last) - 1 > keep else 0
    if keep >= len(last):
        return None
    cut = " ".join([*words[:-1], last[:keep]])
    return cut if unique(name_key(cut)) else None
