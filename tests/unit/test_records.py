"""The data contracts: values that the type checker holds immutable."""

from __future__ import annotations

from poslink.records import CatalogProduct, Match, ParsedItem, PosRecord, Status


def test_values_equal_and_hash_by_their_fields() -> None:
    a, b = ParsedItem("ieso", "blueberry boost"), ParsedItem("ieso", "blueberry boost")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert ParsedItem("ieso", "other") != a
    assert Match(1, "5", 0.9, Status.MATCHED) == Match(1, "5", 0.9, Status.MATCHED)
    assert hash(CatalogProduct("1", "x")) == hash(CatalogProduct("1", "x"))


def _assignments_the_type_checker_refuses() -> None:
    """Never run: checked by ``mypy --strict`` with the rest of the tests (``make lint``).

    Strict mypy warns of an ignore that silences nothing (``warn_unused_ignores``), so each
    ignored line below proves that its type error exists: the day a field becomes assignable,
    the type check fails. The lines without an ignore prove that reading a field is fine.
    """
    record = PosRecord(row=1, source="s", pos_id="1", name="n")
    record.name = "x"  # type: ignore[misc]
    product = CatalogProduct("1", "x")
    product.brand = "acme"  # type: ignore[misc]
    match = Match(1, None, 0.0, Status.MATCHED)
    match.score = 1.0  # type: ignore[misc]
    print(record.name, product.brand, match.score)
