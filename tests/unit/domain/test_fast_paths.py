"""The parser's fast paths give what the straightforward code gives, for any input.

Each reference below is the plain implementation the fast path replaced; hypothesis checks
they agree, so a speed-up can never change a parse.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from helpers import KUSHY
from poslink.domain import BrandIndex, load_knowledge
from poslink.domain.brand_ends import extend_left, extend_right
from poslink.domain.similarity import _nonzero
from poslink.domain.text import _ASCII, MAX_NAME_LENGTH, _as_ascii, fold
from poslink.records import Match, Status
from poslink.sinks.base import _NUMBER, safe_cell
from poslink.sinks.csv import output_cells
from poslink.sources.validate import usable_name

_APOSTROPHE = re.compile(r"(?<=[a-z0-9])'(?=[a-z])|'")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def reference_fold(text: str) -> str:
    text = _CONTROL.sub(" ", text[:MAX_NAME_LENGTH])
    if not text.isascii():
        text = _as_ascii(text.translate(_ASCII))
    text = text.translate(_ASCII).lower()
    # A letter hyphened to a word: one word ("a-dub" -> "adub").
    text = re.sub(r"(?<![a-z0-9.-])([a-z])-(?=[a-z0-9]{2})", r"\1", text)
    return _APOSTROPHE.sub("", text).replace("#", "")


def reference_find(index: BrandIndex, tokens: Sequence[str]) -> tuple[str, int, int] | None:
    found = _reference_at_ends(index, tokens)
    if found is None and len(tokens) > 2 and tokens[-1] in index._suffix_words:
        # A corporate word after the brand ("... Seed Junky Genetics"): the brand still ends
        # the name.
        found = _reference_at_ends(index, tokens[:-1])
        if found is not None and found[2] == len(tokens) - 1:
            found = (found[0], found[1], len(tokens))
    return found


def _reference_at_ends(index: BrandIndex, tokens: Sequence[str]) -> tuple[str, int, int] | None:
    n = len(tokens)
    last = first = None
    for size in range(min(index.max_words, n), 0, -1):
        key = index.aliases.get(" ".join(tokens[n - size :]))
        if key:
            last = key, extend_left(key, tokens, n - size, index.rules.fuzzy_min_score), n
            break
    for size in range(min(index.max_words, n), 0, -1):
        key = index.aliases.get(" ".join(tokens[:size]))
        if key:
            first = key, 0, extend_right(key, tokens, size, index.rules.fuzzy_min_score)
            break
    if last and first and first[0] != last[0] and first[2] <= last[1]:
        # A brand at each end: the one not written as a strain's or a form's name, else the
        # one taking more letters.
        start, end = " ".join(tokens[: first[2]]), " ".join(tokens[last[1] :])
        if _weak_name(start) != _weak_name(end):
            return last if _weak_name(start) else first
        return first if len(start.replace(" ", "")) > len(end.replace(" ", "")) else last
    return last or first


def _weak_name(text: str) -> bool:
    k = load_knowledge()
    strain_words = {w for name in k.common_names for w in name.split()}
    return all(w in strain_words for w in text.split()) or (
        text in k.strong_forms or text in k.weak_forms
    )


def reference_strip(index: BrandIndex, key: str, tokens: Sequence[str]) -> list[str]:
    own = index.own.get(key, frozenset())
    rules = index.rules
    toks = list(tokens)
    for _ in range(2):
        n = len(toks)
        for size in range(min(index.max_words, n), 0, -1):
            if " ".join(toks[n - size :]) in own:
                toks = toks[: n - size]
                break
            if " ".join(toks[:size]) in own:
                toks = toks[size:]
                break
        else:
            if (
                n > 1
                and len(toks[-1]) >= rules.fuzzy_min_length
                and any(
                    fuzz.ratio(toks[-1], alias, score_cutoff=rules.fuzzy_min_score) for alias in own
                )
            ):
                toks = toks[:-1]
            break
    return toks


def _brands() -> list[str]:
    with (KUSHY / "brands.csv").open(encoding="utf-8", errors="replace", newline="") as f:
        return [row["name"] for row in csv.DictReader(f) if row["name"]]


BRANDS = _brands()
INDEX = BrandIndex.build(BRANDS, load_knowledge().brand_rules)
ALIAS_WORDS = sorted({w for a in INDEX.aliases for w in a.split()})
tokens = st.lists(
    st.sampled_from(ALIAS_WORDS) | st.sampled_from(["blue", "dream", "og", "cartridge", "1g"]),
    max_size=8,
)
look_alikes = st.sampled_from(["\u2019", "`", "&", "+", "#", "'", "\x00", "\x85", "é", "\u00a0"])


@settings(max_examples=400)
@given(st.lists(st.text(max_size=6) | look_alikes, max_size=12).map("".join))
def test_fold_is_the_reference_fold(text: str) -> None:
    assert fold(text) == reference_fold(text)


def test_fold_cuts_long_names_like_the_reference() -> None:
    text = "Blue Dream & Co's #4 " * 40
    assert fold(text) == reference_fold(text)


@settings(max_examples=400)
@given(tokens)
def test_find_is_the_reference_find(words: list[str]) -> None:
    found = INDEX.find(words)
    exact = reference_find(INDEX, words)
    if exact is not None:
        assert found is not None
        if found[:3] != exact:
            # A brand written as a strain's or a form's name gives way to a misspelt one at
            # the other end; a brand found with more words beside it that misspell another
            # brand's longer name is that brand (``rivals``; "Golden Goddess Botanicls").
            assert found[3].startswith("fuzzy")
            longer = (
                found[1] <= exact[1]
                and exact[2] <= found[2]
                and found[2] - found[1] > (exact[2] - exact[1])
            )
            assert longer or _weak_name(" ".join(words[exact[1] : exact[2]]))
    else:
        assert found is None or found[3].startswith("fuzzy")


@settings(max_examples=400)
@given(st.sampled_from(sorted(INDEX.own)), tokens)
def test_strip_own_is_the_reference_strip(key: str, words: list[str]) -> None:
    assert INDEX.strip_own(key, words) == reference_strip(INDEX, key, words)


@settings(max_examples=500)
@given(st.text())
def test_usable_name_is_any_alnum(name: str) -> None:
    assert usable_name(name) == any(c.isalnum() for c in name)


@settings(max_examples=300)
@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=4)))
def test_safe_cell_of_text_takes_the_general_way(value: object) -> None:
    text = value if isinstance(value, str) else str(value)
    cell = safe_cell(text)
    quoted = bool(text) and text[0] in "=+-@\t\r\n" and not _NUMBER.match(text)
    assert cell == ("'" + text if quoted else text)


cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=6), st.just("-5")
)


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from("abcd"), cell_values), st.sampled_from(list(Status)))
def test_output_cells_are_safe_cells(raw: dict[str, object], status: Status) -> None:
    match = Match(0, "17" if status is Status.MATCHED else None, 0.91234, status)
    cells = output_cells(list("abcd"), raw, match)
    assert cells[:4] == [safe_cell(raw.get(f)) for f in "abcd"]
    score = "" if status is Status.REJECTED else "0.9123"
    source = "" if status is Status.REJECTED else "matcher"
    assert cells[4:] == ["17" if status is Status.MATCHED else "", score, str(status), source]


@settings(max_examples=200)
@given(
    st.integers(1, 40),
    st.integers(1, 70),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), max_size=30),
)
def test_sparse_nonzero_is_numpy_nonzero(rows: int, cols: int, hits: list[tuple[int, int]]) -> None:
    matrix = np.zeros((rows, cols), np.uint8)
    for cell, value in hits:
        matrix.flat[cell % matrix.size] = value
    got, expected = _nonzero(matrix), np.nonzero(matrix)
    assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True))
