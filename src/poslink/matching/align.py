"""Which words of a record stand for which words of a catalog product's name.

A store types "Granddaddy Purp", "Apple Jack", "Chemdawg", "Strawberry Shortc" or "Zkittlez"
for the catalog's "Granddaddy Purple", "Apple Jacks", "Chem Dawg", "Strawberry Shortcake" and
"Zkittles". Nicknames are written out by the parser (``data/strains.toml``); here the rest:
equal words, words run together or split, one-letter typos and transpositions, and a name cut
short. Each product word gets the similarity of the record word standing for it (0 when none).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

# A mistyped word keeps its first letter and is at least this similar ("Braveherat"); "Cream"
# is not "Dream".
SAME_WORD = 75.0
# What a mistyped word, or a word cut short, is worth against an equal one.
TYPO = 0.9
PREFIX = 0.85
# A word cut short keeps at least this many letters.
PREFIX_MIN = 4
# A word written without its vowels ("Dsl", "Chs", "Jmcn"), as POS systems shorten names to
# fit: at least this many letters, and worth a word cut short.
SKELETON_MIN = 3
_VOWELS = str.maketrans("", "", "aeiou")


@dataclass(slots=True)
class Alignment:
    """Per product word, the similarity of the record word standing for it; and the record
    words standing for none."""

    product: list[float]
    extra: list[str]


# Pairs of words whose similarity is remembered: a feed's words repeat, and a brand's products
# share theirs.
_SIMILARITY_MEMO = 1 << 18


@lru_cache(maxsize=_SIMILARITY_MEMO)
def word_similarity(
    record_word: str, product_word: str, whole: frozenset[str] = frozenset()
) -> float:
    """How surely ``record_word`` is ``product_word`` as a store typed it (0: not at all).

    ``whole``: words known as words of their own ("lemon"), never a longer one cut short
    ("lemonade")."""
    if record_word == product_word:
        return 1.0
    if record_word.isdigit() or product_word.isdigit():
        return 0.0  # "Chem 4" is not "Chem 91"
    if _numbers(record_word) != _numbers(product_word):
        return 0.0  # nor "OG23" "OG13": a word's numbers are equal or it is another word
    if _single(record_word) == _single(product_word):
        return TYPO  # a letter doubled by a slip: "Oog", "Grappe", "Confectionns"
    shorter = min(len(record_word), len(product_word))
    if shorter < 3:
        return 0.0
    if record_word[0] == product_word[0]:
        longer = len(product_word) > len(record_word) and product_word.startswith(record_word)
        if longer and record_word in whole and len(product_word) - len(record_word) > 2:
            # "Lemon" is not "Lemonade", however alike they look ("Jack" is "Jacks").
            return 0.0
        if fuzz.ratio(record_word, product_word) >= SAME_WORD and not _one_letter_apart(
            record_word, product_word
        ):
            return TYPO
        if longer and len(record_word) >= PREFIX_MIN:
            return PREFIX
    if (
        shorter >= SKELETON_MIN
        and len(product_word) > len(record_word)
        and record_word.isalpha()
        and record_word == record_word.translate(_VOWELS) == product_word.translate(_VOWELS)
    ):
        return PREFIX  # "Dsl" of "Diesel", "Brwn" of "Brownie"
    # Two letters swapped ("Haez", "Uhs"): the same letters, one transposition apart. One
    # letter put for another at the start is another word ("Cream" is not "Dream").
    if (
        shorter >= 4
        and sorted(record_word) == sorted(product_word)
        and OSA.distance(record_word, product_word, score_cutoff=1) <= 1
    ):
        return TYPO
    return 0.0


@lru_cache(maxsize=_SIMILARITY_MEMO)
def _single(word: str) -> str:
    """The word with doubled letters written once."""
    return _DOUBLED.sub(r"\1", word)


_DOUBLED = re.compile(r"([a-z])\1+")


def _one_letter_apart(a: str, b: str) -> bool:
    """Two words of four letters one letter apart: two words more often than a slip ("Pink"
    and "Pine", "Lime" and "Line")."""
    return len(a) == len(b) == 4 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _numbers(word: str) -> list[str]:
    """The numbers written in a word ("og18" -> ["18"])."""
    return _NUMBER.findall(word) if not word.isalpha() else []


_NUMBER = re.compile(r"[0-9]+")


def align(
    record: Sequence[str], product: Sequence[str], whole: frozenset[str] = frozenset()
) -> Alignment:
    """Pair the record's words with the product's, best pairs first (``whole``: see
    ``word_similarity``)."""
    sims = [0.0] * len(product)
    used = [False] * len(record)
    # Equal words first, so that a typo never takes a word another word matches exactly.
    for i, word in enumerate(product):
        for j, rec in enumerate(record):
            if not used[j] and rec == word:
                sims[i], used[j] = 1.0, True
                break
    # Words run together on one side: "Chem Dawg" / "Chemdawg", "Head Space" / "Headspace".
    for i in range(len(product)):
        if sims[i]:
            continue
        for j, rec in enumerate(record):
            if used[j]:
                continue
            if i + 1 < len(product) and not sims[i + 1] and rec == product[i] + product[i + 1]:
                sims[i] = sims[i + 1] = 1.0
                used[j] = True
                break
            if j + 1 < len(record) and not used[j + 1] and product[i] == rec + record[j + 1]:
                sims[i] = 1.0
                used[j] = used[j + 1] = True
                break
    # Typos and words cut short.
    for i, word in enumerate(product):
        if sims[i]:
            continue
        best, where = 0.0, -1
        for j, rec in enumerate(record):
            if used[j]:
                continue
            s = word_similarity(rec, word, whole)
            if s > best:
                best, where = s, j
        if where >= 0:
            sims[i], used[where] = best, True
    return Alignment(sims, [rec for j, rec in enumerate(record) if not used[j]])
