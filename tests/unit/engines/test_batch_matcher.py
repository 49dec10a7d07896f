"""A batch matcher that remembers records decides them as one that does not, parsing each once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest

from poslink.catalogs import open_catalog
from poslink.domain.parser import RecordValues
from poslink.engines.batch import BatchMatcher, records_to_batch
from poslink.matching import CatalogIndex
from poslink.records import ParsedItem, PosRecord
from poslink.sources.jane_json import JaneJsonSource


@pytest.fixture(scope="module")
def example(challenge: Path) -> tuple[CatalogIndex, list[PosRecord]]:
    index = CatalogIndex.build(open_catalog(str(challenge / "db/jane.db")).products())
    records = [
        r
        for r in JaneJsonSource(challenge / "pos/products.json").records()
        if isinstance(r, PosRecord)
    ]
    return index, records


def _counting(matcher: BatchMatcher) -> list[int]:
    """How many records each of the matcher's ``parse_many`` calls is given, from now on."""
    given: list[int] = []
    parse_many = matcher.parser.parse_many

    def counted(values: Iterable[RecordValues]) -> list[ParsedItem | str]:
        values = list(values)
        given.append(len(values))
        return parse_many(values)

    matcher.parser.parse_many = counted  # type: ignore[method-assign,assignment]
    return given


def _renumbered(records: list[PosRecord], start: int) -> pa.RecordBatch:
    return records_to_batch([replace(r, row=start + i) for i, r in enumerate(records)])


@pytest.mark.parametrize("remember", [3, 500_000])
def test_remembered_records_decide_as_fresh_ones(
    example: tuple[CatalogIndex, list[PosRecord]], remember: int
) -> None:
    index, records = example
    fresh, remembering = BatchMatcher(index), BatchMatcher(index, remember=remember)
    # The same records again in a later batch, under other rows (another store's export).
    for batch in (_renumbered(records, 0), _renumbered(records, 1000), _renumbered(records[:5], 7)):
        assert remembering.match_batch(batch) == fresh.match_batch(batch)


def test_a_remembered_record_is_not_parsed_again(
    example: tuple[CatalogIndex, list[PosRecord]],
) -> None:
    index, records = example
    matcher = BatchMatcher(index, remember=10_000)
    given = _counting(matcher)
    first = matcher.match_batch(_renumbered(records, 0))
    again = matcher.match_batch(_renumbered(records, 0))
    assert given == [len(records)]  # the second batch was all answered from memory
    assert again == first
    plain = BatchMatcher(index)
    given = _counting(plain)
    plain.match_batch(_renumbered(records, 0))
    plain.match_batch(_renumbered(records, 0))
    assert given == [len(records), len(records)]  # the default keeps nothing


def test_a_matchers_remembered_decisions_keep_one_string_per_reason(
    example: tuple[CatalogIndex, list[PosRecord]],
) -> None:
    index, records = example
    matcher = BatchMatcher(index, cache_size=1000)
    matcher.match_batch(_renumbered(records, 0))
    reasons = [decision[3] for decision in matcher.matcher._cache.values()]
    first: dict[str, str] = {}
    for reason in reasons:
        first.setdefault(reason, reason)
    # Reasons are composed per decision ("evidence 1.00; agree form; brand"): equal texts.
    assert len(first) < len(reasons)
    assert all(first[reason] is reason for reason in reasons)


def test_a_matchers_cache_holds_at_most_its_size(
    example: tuple[CatalogIndex, list[PosRecord]],
) -> None:
    index, records = example
    small, default = BatchMatcher(index, cache_size=10), BatchMatcher(index)
    batch = _renumbered(records, 0)
    assert small.match_batch(batch) == default.match_batch(batch)
    assert 0 < len(small.matcher._cache) <= 10 < len(default.matcher._cache)
