"""The network benchmark's pieces: network sizes, datasets compared, documents updated."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from poslink_dev.bench.cli import merge_sections
from poslink_dev.bench.network import NetworkCase, dataset, parse, same_tables


@pytest.mark.parametrize(
    ("spec", "case"),
    [
        ("1000x1000", NetworkCase(1000, 1000, 100_000)),
        (" 100 x 1000 ", NetworkCase(100, 1000, 100_000)),
        ("10x200x2000", NetworkCase(10, 200, 2000)),
    ],
)
def test_parse(spec: str, case: NetworkCase) -> None:
    assert parse(spec) == case
    assert parse(case.spec) == case


@pytest.mark.parametrize("spec", ["", "1000", "0x10", "10x0", "axb", "1x2x3x4", "-1x2"])
def test_parse_refuses(spec: str) -> None:
    with pytest.raises(ValueError, match="STORESxRECORDS"):
        parse(spec)


def test_datasets_compare_by_store_and_order(tmp_path: Path) -> None:
    def write(out: Path, store: str, ids: list[str], part: str = "part-0.parquet") -> None:
        (out / f"store={store}").mkdir(parents=True, exist_ok=True)
        pq.write_table(
            pa.table({"id": ids, "match_source": ["matcher"] * len(ids)}),
            out / f"store={store}" / part,
        )

    write(tmp_path / "a", "s1", ["1", "2"])
    write(tmp_path / "b", "s1", ["1"], "part-00000-x.parquet")
    write(tmp_path / "b", "s1", ["2"], "part-00001-x.parquet")
    assert same_tables(dataset(tmp_path / "a"), dataset(tmp_path / "b"))
    write(tmp_path / "c", "s1", ["2", "1"])
    assert not same_tables(dataset(tmp_path / "a"), dataset(tmp_path / "c"))
    write(tmp_path / "b", "s2", ["3"])
    assert not same_tables(dataset(tmp_path / "a"), dataset(tmp_path / "b"))
    assert dataset(tmp_path / "a", ("match_source",))["s1"].column_names == ["id"]


def test_merge_sections_replaces_its_own_and_keeps_the_rest() -> None:
    old = "# Benchmarks\n\nintro\n\n## Results\n\nr\n\n## Network sync (x)\n\nold\n"
    new = "\n## Network sync (x)\n\nnew\n\n## Other\n\no\n"
    assert merge_sections(old, new) == (
        "# Benchmarks\n\nintro\n\n## Results\n\nr\n\n## Network sync (x)\n\nnew\n\n## Other\n\no\n"
    )
