"""The streamed JSON array reader gives what ``json.loads`` of the whole file gives.

The same elements in the same order, or the same error message with the same line and column,
whatever the chunk size the file is read in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poslink.exceptions import InputError
from poslink.sources import json_stream
from poslink.sources.json_stream import iter_json_array
from poslink.sources.validate import kind_of


def reference(raw: bytes) -> list[Any] | str:
    """The straightforward reader: decode the whole file, ``json.loads`` it."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text (byte {exc.start})"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    if not isinstance(data, list):
        return f"expected a JSON array of records, found {kind_of(data)}"
    return data


def streamed(path: Path) -> list[Any] | str:
    try:
        return list(iter_json_array(path))
    except InputError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ")
        return message.removeprefix(f"{path}: ")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=10,
)


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


@pytest.mark.parametrize("chunk", [1, 3, 16, 1 << 20])
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents(), bom=st.booleans())
def test_streamed_is_json_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, text: str, bom: bool
) -> None:
    monkeypatch.setattr(json_stream, "_CHUNK", chunk)
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    path = tmp_path / "p.json"
    path.write_bytes(raw)
    assert streamed(path) == reference(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe\x00garbage",
        b'[{"a": "\xc3"}]',
        b'\xef\xbb\xbf[{"a": "caf\xc3\xa9", "b": "\xe9"}]',
        b'[1, 2, "' + "é".encode() * 40 + b'\x80"]',
        b"\xef\xbb\xbf\xef\xbb\xbf[]",
        b"",
        b"   ",
    ],
)
def test_bad_bytes_are_located_like_the_whole_file_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: bytes
) -> None:
    for chunk in (1, 2, 5, 1 << 20):
        monkeypatch.setattr(json_stream, "_CHUNK", chunk)
        path = tmp_path / "p.json"
        path.write_bytes(raw)
        assert streamed(path) == reference(raw), chunk


def test_lines_and_columns_count_across_dropped_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_stream, "_CHUNK", 64)
    records = [{"productName": f"Blue Dream {i}", "productId": i} for i in range(200)]
    text = json.dumps(records, indent=2)
    broken = text.replace('"productId": 150', '"productId": 150,,', 1)
    path = tmp_path / "p.json"
    path.write_text(broken, encoding="utf-8")
    got = streamed(path)
    assert got == reference(broken.encode())
    assert isinstance(got, str) and "line " in got
