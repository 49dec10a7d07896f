"""Folding names to ASCII: letters that do not decompose, symbols, mojibake."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poslink.domain.text import fold, words


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Smørrebrød OG", "smorrebrod og"),  # ø does not decompose
        ("Weißer Widow", "weisser widow"),  # ß
        ("Æther Kush", "aether kush"),  # æ
        ("Œuvre Haze", "oeuvre haze"),  # œ
        ("Kush™ Cart", "kush cart"),  # a trade mark is not part of the name
        ("Gelato® 1g", "gelato 1g"),
        ("🌿 Herb Blend", "herb blend"),
        ("CrÃ¨me Brulee", "creme brulee"),  # UTF-8 read as Latin-1 (mojibake), repaired
        ("Crème Brûlée", "creme brulee"),
        ("Zk\u200bittlez", "zkittlez"),  # an invisible character inside a word
        ("ＧＥＬＡＴＯ", "gelato"),  # full-width letters
        ("½ oz", "1/2 oz"),
        ("Nature’s — Best", "natures - best"),
        ("Blue & Dream", "blue and dream"),
        # A letter hyphened to the word after it is that word's first letter; a letter between
        # words ("N" of "Cookies-N-Cream") and a word's last one stay apart.
        ("A-Dub Shake", "adub shake"),
        ("G-13 Haze", "g13 haze"),
        ("Cookies-N-Cream", "cookies n cream"),
        ("Kush-G", "kush g"),
        ("Pre-Roll 1g-Cart", "pre roll 1g cart"),
        # Letters each followed by a dot are one word: an abbreviation, a letter typed twice
        # in it a slip of it; a word with a dot after it stays a word.
        ("Blue Dream G.A.X.", "blue dream gax"),
        ("S.A.G | Grape", "sag grape"),
        ("O.G. Kush", "og kush"),
        ("O.DD. Miranda", "odd miranda"),
        ("Mr. Nice 1.0g.", "mr nice 1 0g"),
        ("a.b", "a b"),
    ],
)
def test_folding(name: str, folded: str) -> None:
    assert words(fold(name)) == words(folded)


def test_mojibake_and_its_repair_fold_alike() -> None:
    assert fold("CrÃ¨me de la CrÃ¨me") == fold("Crème de la Crème")


@given(st.text(max_size=60))
def test_fold_is_ascii_lower_case(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
