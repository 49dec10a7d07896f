"""A brand's part of the index decides that brand's records as the whole index does."""

from __future__ import annotations

from pathlib import Path

from poslink.catalogs import open_catalog
from poslink.engines.batch import BatchMatcher, records_to_batch
from poslink.matching import CatalogIndex
from poslink.records import PosRecord
from poslink.sources.jane_json import JaneJsonSource


def test_parts_decide_like_the_whole_index(challenge: Path) -> None:
    index = CatalogIndex.build(open_catalog(str(challenge / "db/jane.db")).products())
    records = [
        r
        for r in JaneJsonSource(challenge / "pos/products.json").records()
        if isinstance(r, PosRecord)
    ]
    whole = BatchMatcher(index)
    parser = index.parser()
    for record in records:
        batch = records_to_batch([record])
        brand = parser.parse_pos(record.name, record.category).brand
        part = index.part(brand)
        assert BatchMatcher(part).match_batch(batch) == whole.match_batch(batch)
    assert index.part("\x00").blocks == {}  # a brand the catalog lacks: nothing to meet
