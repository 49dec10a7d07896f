"""The JSON reader every JSON source shares (``sources/json_items.py``, on ijson).

A top-level array gives what ``json.loads`` of the whole file gives: the same elements in the
same order, or the same error message with the same line and column, whatever size the file is
read in. What the json module reads but JSON is not (``NaN``, ``Infinity``, a number beyond a
float) is refused with its line and column; so are errors in a document too large to re-read
whole.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import strategies
from poslink.exceptions import InputError
from poslink.sources import json_items
from poslink.sources.json_items import iter_array
from poslink.sources.validate import kind_of


class NotJson(ValueError):
    """What the json module reads but JSON is not: its word."""


def refuse(word: str) -> Any:
    raise NotJson(word)


def finite(word: str) -> float:
    value = float(word)
    if not math.isfinite(value):
        raise NotJson(word)
    return value


def reference(raw: bytes) -> list[Any] | str:
    """The straightforward reader: decode the whole file, ``json.loads`` it, strictly.

    The json module cannot say where a number beyond a float stands: for one, the message is
    only its ending (``unexpected '1e400'``).
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text (byte {exc.start})"
    if not text.strip():
        return "the file is empty (no JSON in it)"
    try:
        data = json.loads(text, parse_constant=refuse, parse_float=finite)
    except json.JSONDecodeError as exc:
        # A message ending in "at" ("Unterminated string starting at"): the place is before it.
        said = exc.msg[: -len(" at")] + " there" if exc.msg.endswith(" at") else exc.msg
        return f"invalid JSON at line {exc.lineno} column {exc.colno}: {said}"
    except NotJson as exc:
        return f"unexpected {str(exc)!r}"
    if not isinstance(data, list):
        return f"expected a JSON array of records, found {kind_of(data)}"
    return data


def streamed(path: Path) -> list[Any] | str:
    try:
        return list(iter_array(path))
    except InputError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ")
        return message.removeprefix(f"{path}: ")


json_values = strategies.json_values(10, text=st.text(max_size=5), keys=st.text(max_size=3))


@st.composite
def documents(draw: st.DrawFn) -> str:
    """JSON text, laid out in various ways, sometimes cut short or with a stray character."""
    value = draw(st.lists(json_values, max_size=6) | json_values)
    indent = draw(st.sampled_from([None, 0, 1, 2]))
    text = json.dumps(value, indent=indent, ensure_ascii=draw(st.booleans()))
    text = draw(st.sampled_from(["", " ", "\n", "\r\n  "])) + text
    text += draw(st.sampled_from(["", "\n", "  ", " x", ",", "]"]))
    damage = draw(st.integers(0, 3))
    if damage == 1 and text:
        text = text[: draw(st.integers(0, len(text) - 1))]
    elif damage == 2:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(list(',:[]{}"x 0\n'))) + text[at:]
    return text


@pytest.mark.parametrize("buf_size", [1, 3, 16, 64 * 1024])
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents(), bom=st.booleans())
def test_streamed_is_json_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, buf_size: int, text: str, bom: bool
) -> None:
    monkeypatch.setattr(json_items, "BUF_SIZE", buf_size)
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    path = tmp_path / "p.json"
    path.write_bytes(raw)
    got, expected = streamed(path), reference(raw)
    if isinstance(expected, str) and expected.startswith("unexpected "):
        assert isinstance(got, str) and got.startswith("invalid JSON at line ")
        assert got.endswith(f": {expected}")
    else:
        assert got == expected


BAD_BYTES = [
    b"\xff\xfe\x00garbage",
    b'[{"a": "\xc3"}]',
    b'\xef\xbb\xbf[{"a": "caf\xc3\xa9", "b": "\xe9"}]',
    b'[1, 2, "' + "é".encode() * 40 + b'\x80"]',
    b"\xef\xbb\xbf\xef\xbb\xbf[]",
    b"",
    b"   ",
]


# Documents the C parser alone gets wrong: an escaped lone surrogate (valid JSON, read as the
# json module reads it: the C parser fails to decode one, or reads it as "?" when another
# escape follows), a string left open after a lone value, a control character in a string the
# pure Python parser reads.
EDGES = [
    b'"\\u001f\\ud800,\\udc00"',
    b'[[], [{"\\ud800\\"udc00": null}]]',
    b'[{"name": "a\\ud800\\u0041"}, {"name": "\\udc00\\n"}]',
    b'["' + b"x" * 13 + b'\\ud83d\\ude00", "\\ud800"]',
    b'1\n"',
    b'"\n[""]',
]


@pytest.mark.parametrize("buf_size", [1, 64 * 1024])
@pytest.mark.parametrize("raw", EDGES)
def test_what_the_fast_parser_misreads_is_read_as_json_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: bytes, buf_size: int
) -> None:
    monkeypatch.setattr(json_items, "BUF_SIZE", buf_size)
    path = tmp_path / "p.json"
    path.write_bytes(raw)
    assert streamed(path) == reference(raw)


@pytest.mark.parametrize("raw", BAD_BYTES)
def test_bad_bytes_are_located_like_the_whole_file_reader(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(raw)
    assert streamed(path) == reference(raw)


def test_lines_and_columns_count_across_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_items, "BUF_SIZE", 64)
    records = [{"productName": f"Blue Dream {i}", "productId": i} for i in range(200)]
    text = json.dumps(records, indent=2)
    broken = text.replace('"productId": 150', '"productId": 150,,', 1)
    path = tmp_path / "p.json"
    path.write_text(broken, encoding="utf-8")
    got = streamed(path)
    assert got == reference(broken.encode())
    assert isinstance(got, str) and got.startswith("invalid JSON at line 604 column 22: ")


# What the json module reads but JSON is not, with where it stands and what the error says.
NOT_JSON = [
    ('[{"quantityAvailable": NaN}]', "line 1 column 24: unexpected 'NaN'"),
    ("[1,\n  Infinity]", "line 2 column 3: unexpected 'Infinity'"),
    ('[\n {"q": -Infinity}\n]', "line 2 column 8: unexpected '-Infinity'"),
    ('[{"a": "é"}, 1e400]', "line 1 column 14: unexpected '1e400'"),
    # A lone number beyond a float, as one in an array (not "found a number").
    ("\n  -3.4028236692090854e+380", "line 2 column 3: unexpected '-3.4028236692090854e+380'"),
]


@pytest.mark.parametrize(("text", "where"), NOT_JSON)
def test_what_only_the_json_module_reads_is_refused_where_it_stands(
    tmp_path: Path, text: str, where: str
) -> None:
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    assert streamed(path) == f"invalid JSON at {where}"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        *((text.encode(), f"invalid JSON at {where}") for text, where in NOT_JSON),
        (b"[1,,2]", "invalid JSON at line 1 column 4: unexpected ','"),
        (b'[{"a": 1},\n {"b" 2}]', "invalid JSON at line 2 column 7: unexpected '2'"),
        (b"\xef\xbb\xbf[1, 2]\n]", "invalid JSON: parse error: trailing garbage"),
        (b'[1, 2, "' + "é".encode() * 40 + b'\x80"]', "not UTF-8 text (byte 88)"),
        (b'{"a": [1]}', "expected a JSON array of records, found an object"),
    ],
)
def test_a_document_too_large_to_reread_whole_is_located_as_it_streams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: bytes, message: str
) -> None:
    monkeypatch.setattr(json_items, "EXACT_ERROR_LIMIT", 0)
    path = tmp_path / "p.json"
    path.write_bytes(raw)
    assert streamed(path) == message
