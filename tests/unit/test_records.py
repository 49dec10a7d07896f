"""The data contracts: values that the type checker holds immutable."""

from __future__ import annotations

from pathlib import Path

from mypy import api

from poslink.records import CatalogProduct, Match, ParsedItem, Status


def test_values_equal_and_hash_by_their_fields() -> None:
    a, b = ParsedItem("ieso", "blueberry boost"), ParsedItem("ieso", "blueberry boost")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert ParsedItem("ieso", "other") != a
    assert Match(1, "5", 0.9, Status.MATCHED) == Match(1, "5", 0.9, Status.MATCHED)
    assert hash(CatalogProduct("1", "x")) == hash(CatalogProduct("1", "x"))


def test_the_type_checker_refuses_assigning_a_field(tmp_path: Path) -> None:
    snippet = tmp_path / "assign.py"
    snippet.write_text(
        "from poslink.records import Match, PosRecord, Status\n"
        "r = PosRecord(row=1, source='s', pos_id='1', name='n')\n"
        "r.name = 'x'\n"
        "m = Match(1, None, 0.0, Status.MATCHED)\n"
        "print(m.score)\n",
        encoding="utf-8",
    )
    out, _, status = api.run([str(snippet), "--no-incremental", "--follow-imports=silent"])
    assert status == 1
    assert 'assign.py:3: error: Property "name" defined in "PosRecord" is read-only' in out
    assert out.count("error:") == 1, out
