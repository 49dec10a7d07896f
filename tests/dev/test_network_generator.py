"""The network generator: determinism, manifests poslink reads, shared shelves, the changed copy."""

from __future__ import annotations

import csv
import gzip
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from poslink import plugins
from poslink.network.manifest import read_manifest
from poslink.records import PosRecord
from poslink_dev.synth.network import Network, generate_network

STORES, PER_STORE = 12, 150


@pytest.fixture(scope="module")
def network(kushy: Path, tmp_path_factory: pytest.TempPathFactory) -> Network:
    out = tmp_path_factory.mktemp("network")
    return generate_network(
        kushy, out, n_stores=STORES, per_store=PER_STORE, n_products=2000, gzip_share=0.3
    )


def labels(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Each store's label rows, by store id."""
    found = {}
    for path in sorted(folder.glob("exports/*/labels.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            found[path.parent.name] = list(csv.DictReader(handle))
    return found


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_same_arguments_same_bytes(kushy: Path, network: Network, tmp_path: Path) -> None:
    again = generate_network(
        kushy, tmp_path, n_stores=STORES, per_store=PER_STORE, n_products=2000, gzip_share=0.3
    )
    assert files(again.folder) == files(network.folder)
    other = generate_network(
        kushy, tmp_path / "other", n_stores=STORES, per_store=PER_STORE, n_products=2000, seed=8
    )
    assert files(other.folder / "exports") != files(network.folder / "exports")


def test_manifest_names_every_export_and_its_source_reads_it(network: Network) -> None:
    entries = read_manifest(network.manifest)
    assert [e.store for e in entries] == [f"s{n:05d}" for n in range(1, STORES + 1)]
    assert not [e.problem for e in entries if e.problem]
    assert {e.source for e in entries} == {"jane-json", "csv", "menu"}
    assert any(str(e.pos).endswith(".gz") for e in entries)
    truth = labels(network.folder)
    for entry in entries:
        source = plugins.load("sources", entry.source)(entry.pos, entry.options)
        records = [r for r in source.records() if isinstance(r, PosRecord)]
        rows = truth[entry.store]
        assert len(records) == len(rows) == PER_STORE, entry.store
        # Every format carries the label's POS id, in the label's order.
        assert [r.pos_id for r in records] == [row["productId"] for row in rows], entry.store
        if entry.source == "jane-json":
            assert [r.name for r in records] == [row["productName"] for row in rows]


def test_gzip_exports_are_real_gzip(network: Network) -> None:
    packed = list(network.folder.glob("exports/*/*.gz"))
    assert packed
    for path in packed:
        assert gzip.decompress(path.read_bytes())


def test_stores_share_products_and_keep_their_own(network: Network) -> None:
    truth = labels(network.folder)
    carriers: dict[str, set[str]] = defaultdict(set)
    names: Counter[str] = Counter()
    blank = total = 0
    for store, rows in truth.items():
        for row in rows:
            total += 1
            blank += not row["jane_product_id"]
            names[row["productName"]] += 1
            carriers[row["jane_product_id"] or row["productName"]].add(store)
    reach = sorted((len(s) for s in carriers.values()), reverse=True)
    assert reach[0] >= STORES * 0.75  # the most popular product is on most shelves
    assert reach.count(1) > len(reach) / 3  # and many are one store's alone
    assert 0.15 < blank / total < 0.5  # products the catalog lacks, shared or not
    assert max(names.values()) > 2  # stores of a spelling group write a product alike
    assert len(names) > total / 3  # but not every store the same way


def test_changed_copy_changes_its_share_and_nothing_else(network: Network) -> None:
    before, after = labels(network.folder), labels(network.folder / "changed")
    assert sorted(before) == sorted(after)
    differ = 0
    for store, rows in before.items():
        new = after[store]
        assert [r["productId"] for r in new] == [r["productId"] for r in rows]
        changed = sum(a["productName"] != b["productName"] for a, b in zip(rows, new, strict=True))
        assert changed >= round(PER_STORE * 0.02)
        differ += changed
    assert network.changed_records >= differ > 0
    assert network.changed_records < network.records * 0.05
    assert len(read_manifest(network.changed_manifest)) == STORES


@pytest.mark.parametrize(
    "options",
    [{"n_stores": 0}, {"per_store": 0}, {"changed": 1.5}, {"formats": ("xml",)}],
)
def test_bad_arguments(kushy: Path, tmp_path: Path, options: dict[str, object]) -> None:
    settings: dict[str, object] = {"n_stores": 2, "per_store": 10, "n_products": 100}
    settings.update(options)
    with pytest.raises(ValueError):
        generate_network(kushy, tmp_path, **settings)  # type: ignore[arg-type]
