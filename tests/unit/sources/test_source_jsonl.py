"""The JSON Lines source: one record a line, a bad line rejected on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import poslink
from poslink.exceptions import InputError, SkippedRecord
from poslink.records import PosRecord
from poslink.sources.jsonl import JsonLinesSource

GOOD = {"category": "Flower", "productId": 7, "productName": "X -1g- B", "quantityAvailable": 2}


def test_lines_are_records_in_order_and_blank_lines_are_not(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    lines = [json.dumps(GOOD), "", json.dumps({**GOOD, "productId": "A-8", "productName": "Y"})]
    path.write_text("\ufeff" + "\n".join(lines) + "\n\n", encoding="utf-8")
    recs = list(JsonLinesSource(path).records())
    assert [(r.row, r.pos_id, r.name) for r in recs if isinstance(r, PosRecord)] == [
        (0, "7", "X -1g- B"),
        (1, "A-8", "Y"),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"productId": 1, "productName": "x"', "line 2: invalid JSON at column 36"),
        (b"[1, 2]", "record is an array"),
        (b'{"productId": 1, "productName": "\xff"}', "line 2: not UTF-8 text (byte 33)"),
        (b'{"productId": 1, "productName": 5}', "productName must be text, found a number"),
    ],
)
def test_a_bad_line_is_one_rejected_record(tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "p.jsonl"
    good = json.dumps(GOOD).encode()
    path.write_bytes(b"\n".join([good, line, good]))
    recs = list(JsonLinesSource(path).records())
    assert [type(r) for r in recs] == [PosRecord, SkippedRecord, PosRecord]
    bad = recs[1]
    assert isinstance(bad, SkippedRecord) and bad.row == 1
    assert reason in bad.reason
    if reason.startswith("line 2:"):  # no record made of it: the rejects file keeps the line
        assert bad.raw == line.decode("utf-8", "replace")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(JsonLinesSource(tmp_path / "absent.jsonl").records())


def test_jsonl_output_equals_the_json_array_output(challenge: Path, tmp_path: Path) -> None:
    records = json.loads((challenge / "pos/products.json").read_text(encoding="utf-8"))
    lines = tmp_path / "pos.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    catalog = challenge / "db/jane.db"
    for source, pos, out in (
        ("jane-json", challenge / "pos/products.json", tmp_path / "a.csv"),
        ("jsonl", lines, tmp_path / "b.csv"),
    ):
        result = poslink(
            "run", "--source", source, "--pos", pos, "--catalog", catalog, "--out", out
        )
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
