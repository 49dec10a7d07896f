"""The JSON array source: valid records, rejected records, files that cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import strategies
from poslink.exceptions import InputError, SkippedRecord
from poslink.records import PosRecord
from poslink.sources.jane_json import JaneJsonSource


def read(path: Path, data: object) -> list[PosRecord | SkippedRecord]:
    path.write_text(json.dumps(data), encoding="utf-8")
    return list(JaneJsonSource(path).records())


GOOD = {
    "category": "Usable Marijuana",
    "productId": 7,
    "productName": "X -1g- B",
    "quantityAvailable": 2.0,
}


def test_reads_records_in_order(tmp_path: Path) -> None:
    recs = read(tmp_path / "p.json", [GOOD, {**GOOD, "productId": "A-8", "productName": "Y"}])
    assert [(r.row, r.pos_id, r.name) for r in recs if isinstance(r, PosRecord)] == [
        (0, "7", "X -1g- B"),
        (1, "A-8", "Y"),
    ]
    first = recs[0]
    assert isinstance(first, PosRecord)
    assert dict(first.raw) == GOOD


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ([1, 2], "record is an array"),
        ("text", "record is text"),
        ({**GOOD, "productName": None}, "productName must be text, found null"),
        ({**GOOD, "productName": 12}, "productName must be text, found a number"),
        ({**GOOD, "productName": " -- "}, "no letters or digits"),
        ({**GOOD, "productId": True}, "productId must be a number or text"),
        ({**GOOD, "productId": None}, "productId must be a number or text"),
        ({**GOOD, "productId": 8.5}, "found 8.5, a number not written as an integer"),
        ({**GOOD, "productId": 8.0}, "found 8.0, a number not written as an integer"),
        ({**GOOD, "productId": ""}, "productId must be a number or text, found empty text"),
        ({**GOOD, "category": ["x"]}, "category must be text"),
        ({**GOOD, "quantityAvailable": "many"}, "quantityAvailable must be a number"),
    ],
)
def test_bad_records_are_skipped_with_a_reason(tmp_path: Path, record: object, reason: str) -> None:
    recs = read(tmp_path / "p.json", [GOOD, record, GOOD])
    assert isinstance(recs[0], PosRecord) and isinstance(recs[2], PosRecord)
    bad = recs[1]
    assert isinstance(bad, SkippedRecord)
    assert bad.row == 1
    assert reason in bad.reason


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"a": 1},', "invalid JSON at line 1 column"),
        ('{"products": []}', "expected a JSON array of records, found an object"),
        ("", "the file is empty"),
        (" \n", "the file is empty"),
        (  # the json module's message ends in "at": its place is said before it
            '[{"productId": 1, "productName": "Ac',
            "invalid JSON at line 1 column 34: Unterminated string starting there$",
        ),
        ("\xff\xfe garbage", "not UTF-8"),
        (
            '[{"productId": 1, "productName": "x", "quantityAvailable": NaN}]',
            "invalid JSON at line 1 column 60: unexpected 'NaN'",
        ),
    ],
)
def test_unreadable_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "p.json"
    if content.startswith("\xff"):
        path.write_bytes(b"\xff\xfe\x00garbage")
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        list(JaneJsonSource(path).records())
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(JaneJsonSource(tmp_path / "absent.json").records())


json_values = strategies.json_values(8)
record_like = st.fixed_dictionaries(
    {},
    optional={
        "category": json_values,
        "productId": json_values,
        "productName": st.text() | json_values,
        "quantityAvailable": json_values,
    },
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(record_like | json_values, max_size=6))
def test_any_json_array_yields_one_outcome_per_element(tmp_path: Path, data: list[object]) -> None:
    recs = read(tmp_path / "p.json", data)
    assert [r.row for r in recs] == list(range(len(data)))


class _Plain(dict):  # type: ignore[type-arg]
    """A dict that is not exactly ``dict``: takes the source's long, checking way."""


@settings(max_examples=300)
@given(record_like)
def test_the_quick_way_gives_what_the_long_way_gives(obj: dict[str, object]) -> None:
    source = JaneJsonSource("unused.json")
    quick, long = source._record(3, obj), source._record(3, _Plain(obj))
    if isinstance(long, SkippedRecord):
        assert isinstance(quick, SkippedRecord) and quick.reason == long.reason
    else:
        assert quick == long
