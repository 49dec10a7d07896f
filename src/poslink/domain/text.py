"""Text normalization shared by every name poslink reads (POS, catalog, brands)."""

from __future__ import annotations

import re
import unicodedata

import ftfy
from anyascii import anyascii

MAX_NAME_LENGTH = 400

# Typographic look-alikes that POS systems and spreadsheets put in names.
_ASCII = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00d7": "x",
        "\u2044": "/",
        "&": " and ",
        "+": " ",
    }
)
# The ASCII characters ``_ASCII`` maps; none of them appears in another's replacement.
_ASCII_REPLACEMENTS = tuple((chr(c), r) for c, r in _ASCII.items() if c < 128)
_APOSTROPHE = re.compile(r"(?<=[a-z0-9])'(?=[a-z])|'")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A letter hyphened to the word after it is that word's first letter ("A-Dub", "G-13"): read
# apart, "a" and "g" would be a noise word and a gram's unit.
_LETTER_HYPHEN = re.compile(r"(?<![a-z0-9.-])([a-z])-(?=[a-z0-9]{2})")
# Letters each followed by a dot are one word, an abbreviation ("G.A.X.", "O.G.", "S.A.G"; a
# letter typed twice, "O.DD.", stays a slip of it): read apart, each letter would be a noise
# word and the abbreviation lost.
_DOTTED = re.compile(r"(?<![a-z0-9.])(?:([a-z])\1?\.){2,}[a-z]?(?![a-z0-9])")


def fold(text: str) -> str:
    """Lower-case ASCII form of ``text``: accents stripped, look-alikes mapped, apostrophes dropped,
    a letter hyphened to a word joined to it ("A-Dub": "adub"), a dotted abbreviation made one
    word ("G.A.X.": "gax").

    Keeps the punctuation that carries meaning in names (``.`` ``:`` ``/`` ``-`` ``(`` ``)``
    ``#``); see :func:`words` for the bare word form.
    """
    text = text[:MAX_NAME_LENGTH]
    # The checks below skip work most names do not need; the result is the same either way.
    if not text.isprintable():  # a control character is never printable
        text = _CONTROL.sub(" ", text)
    if not text.isascii():
        text = _as_ascii(text.translate(_ASCII))
    for char, replacement in _ASCII_REPLACEMENTS:
        if char in text:
            text = text.replace(char, replacement)
    text = text.lower()
    if "-" in text:
        text = _LETTER_HYPHEN.sub(r"\1", text)
    if "." in text:
        text = _DOTTED.sub(_undotted, text)
    # "Nature's" and "Natures" are one word; '#4' and '4' are one number ("gg#4" is "gg4").
    if "'" in text:
        text = _APOSTROPHE.sub("", text)
    return text.replace("#", "") if "#" in text else text


def _undotted(found: re.Match[str]) -> str:
    return found.group(0).replace(".", "") + " "


def _as_ascii(text: str) -> str:
    """Non-ASCII text in ASCII letters, by libraries made for it.

    Mojibake is repaired first (ftfy: ``CrÃ¨me`` is ``Crème``), symbols are dropped (``™``,
    ``®``, emoji: a mark beside a name, not part of it), then every other character is
    transliterated (anyascii: ``é`` -> e, ``ø`` -> o, ``ß`` -> ss, ``æ`` -> ae, ``œ`` -> oe,
    full-width letters, ligatures), which also removes invisible ones (zero-width space).
    """
    text = ftfy.fix_encoding(text)
    if any(unicodedata.category(c) == "So" for c in text):
        text = "".join(" " if unicodedata.category(c) == "So" else c for c in text)
    return anyascii(text)


def words(text: str) -> str:
    """The folded text as space-separated words of letters and digits."""
    return folded_words(fold(text))


def folded_words(folded: str) -> str:
    """``words`` of text that is already ``fold``-ed."""
    return _NOT_WORD.sub(" ", folded).strip()


def compact(text: str) -> str:
    """The words with spaces removed: "Chem Dawg" and "Chemdawg" have one compact form."""
    return text.replace(" ", "")


_SPACES = re.compile(r"\s+")


def exact_text(name: str) -> str:
    """A name as compared whole: folded, spaces collapsed; punctuation kept (a catalog's
    duplicates may differ in nothing else)."""
    return _SPACES.sub(" ", fold(name)).strip()
