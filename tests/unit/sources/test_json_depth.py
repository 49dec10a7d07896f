"""How deeply a JSON export may nest (``sources/json_depth.py``): a document nested beyond any
export is refused with one line before the parser holds it, whatever the source and however
the bytes are cut into reads; brackets in strings are text, not nesting."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import make_catalog, poslink, strategies
from poslink.exceptions import InputError
from poslink.sources.json_depth import DepthGuard
from poslink.sources.json_items import iter_array
from poslink.sources.jsonl import JsonLinesSource
from poslink.sources.sniff import JSON_OBJECT, guess_format

GOOD = {"category": "Flower", "productId": 7, "productName": "Blue Dream", "quantityAvailable": 1}

# Strings full of what a depth count could mistake for nesting.
tricky_text = st.text(alphabet='[]{}"\\ab\u00e9', max_size=6)
values = strategies.json_values(12, text=tricky_text, keys=tricky_text)


def nested(depth: int) -> bytes:
    """An array of one record whose extra field is ``depth`` arrays deep (a valid document)."""
    record = json.dumps(GOOD)[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    return ("[" + record + "]").encode()


def first_too_deep(raw: bytes, limit: int) -> int | None:
    """The straightforward walk: the offset of the bracket that goes deeper than ``limit``."""
    depth, in_string, escaped = 0, False, False
    for at, byte in enumerate(raw):
        char = chr(byte)
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return at
        elif char in "]}":
            depth -= 1
    return None


def read_through(raw: bytes, limit: int, sizes: list[int]) -> int | None:
    """Read ``raw`` through a guard in reads of ``sizes`` (cycled): where it refuses, if it does."""
    guard = DepthGuard(io.BytesIO(raw), "p.json", limit)
    n = 0
    try:
        while guard.read(sizes[n % len(sizes)]):
            n += 1
    except InputError as exc:
        return int(str(exc).rsplit("(byte ", 1)[1].rstrip(")"))
    return None


@settings(max_examples=300)
@given(
    value=values,
    limit=st.integers(0, 4),
    sizes=st.lists(st.integers(1, 9), min_size=1, max_size=4),
    ascii_only=st.booleans(),
)
def test_the_guard_refuses_where_the_document_first_nests_too_deeply(
    value: object, limit: int, sizes: list[int], ascii_only: bool
) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert read_through(raw, limit, sizes) == first_too_deep(raw, limit)


def test_brackets_and_escaped_quotes_in_strings_are_not_nesting() -> None:
    raw = json.dumps([{"name": '[[[{{{ \\" ]]] "[[[['}, "\\\\[[["]).encode()
    for size in (1, 2, 3, 5, 64):
        assert read_through(raw, 2, [size]) is None
    assert read_through(raw, 1, [1]) == raw.index(b"{")


def test_a_document_nested_too_deeply_is_one_line_naming_the_byte(tmp_path: Path) -> None:
    # The fast parser keeps a prefix per level as long as the depth: this document would hold
    # gigabytes of them were it parsed to its depth.
    path = tmp_path / "p.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(InputError) as refused:
        list(iter_array(path))
    assert str(refused.value) == f"{path}: JSON nested deeper than 500 levels (byte 500)"


def test_a_record_nested_too_deeply_stops_the_run_with_exit_3(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path / "c.db", [(1, "1g", "B", "", "Blue Dream", "Flower", "")])
    pos, out = tmp_path / "pos.json", tmp_path / "out.csv"
    pos.write_bytes(nested(5000))
    result = poslink("run", "--pos", pos, "--catalog", catalog, "--out", out)
    assert result.returncode == 3, result.stderr
    at = first_too_deep(nested(5000), 500)
    assert result.stderr.strip().splitlines() == [
        f"poslink: error: {pos}: JSON nested deeper than 500 levels (byte {at})"
    ]
    assert not out.exists()
    # As deep as an export could nest, it is read.
    pos.write_bytes(nested(400))
    result = poslink("run", "--pos", pos, "--catalog", catalog, "--out", out)
    assert result.returncode == 0, result.stderr


def test_a_jsonl_line_nested_beyond_the_json_module_is_one_rejected_record(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.jsonl"
    deep = json.dumps(GOOD)[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}"
    path.write_text("\n".join([json.dumps(GOOD), deep, json.dumps(GOOD)]), encoding="utf-8")
    records = list(JsonLinesSource(path).records())
    assert [getattr(r, "reason", None) for r in records] == [
        None,
        "line 2: JSON nested too deeply to read",
        None,
    ]


def test_a_first_line_nested_too_deeply_is_still_given_a_format() -> None:
    text = '{"a": ' + "[" * 5000 + "]" * 5000 + '}\n{"a": 1}\n'
    assert guess_format(text) == JSON_OBJECT
