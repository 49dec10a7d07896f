"""The conformance suite every POS source passes, built-in or plugin.

A source's test module subclasses ``SourceConformance``, names the source and says how to
write records in its format; the suite then checks, as pytest tests, what poslink relies on:

- records come in file order with ``row`` counting 0, 1, 2, ...; ``records()`` is a generator
  and reading again gives the same records;
- the original fields are kept verbatim in ``raw``, under names listed in ``fields``;
- a bad record is yielded as a ``SkippedRecord`` with a reason, at its row, and the good
  ones around it still come; through the engine it lands in the rejects file;
- an empty input gives no records, a missing file an ``InputError``;
- any unicode name (accents, emoji, right-to-left, quotes, delimiters, line breaks) comes through.

::

    class TestMySource(SourceConformance):
        source = MySource
        suffix = ".txt"

        def write(self, path, items):
            ...  # a Sample as a good record, BAD as one the source must set aside
            return {}  # the source options that read the file
"""

from __future__ import annotations

import csv
import inspect
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poslink.config import MatcherConfig
from poslink.engines.base import Job
from poslink.engines.local import LocalEngine
from poslink.exceptions import InputError, SkippedRecord
from poslink.files.rejects import RejectsFile
from poslink.matching import CatalogIndex
from poslink.records import CatalogProduct, PosRecord, Status
from poslink.sources.base import Source
from poslink.sources.validate import usable_name
from poslink.testing.doubles import MemoryCatalog, MemorySink


@dataclass(frozen=True)
class Sample:
    """One product record for an adapter to write in its source's format."""

    pos_id: str
    name: str
    category: str = ""
    brand: str = ""
    quantity: float | None = None


class Bad:
    """A place for a record the source must set aside (each format knows how it breaks)."""

    def __repr__(self) -> str:
        return "BAD"


BAD = Bad()
Item = Sample | Bad

SAMPLES = (
    Sample("1001", "Blue Dream -3.5g- Gold Leaf", "Usable Marijuana", "Gold Leaf", 4.0),
    Sample("A-17", 'Gelato RAW WAX, "Reserve"; 1.0g', "Marijuana Extract for Inhalation", "", 2.5),
    Sample("1003", "Wild Cherry Gummies (10-Pack)", "Solid Marijuana Infused Edible", "HLC", None),
)
UNICODE_NAMES = (
    "  Padded Name\t ",
    "Crème Brûlée Cookies",
    "Ünïcödé Kush 🌿🔥",
    "東京 OG Kush",
    "עוגיות Haze",
    "Zk\u200bittlez ‘Reserve’ – 1/8 oz",
    'two\nlines; a, b\t"quoted"',
    '=HYPERLINK("x") -1g-',
)
CATALOG = (CatalogProduct("1", "blue dream", "Gold Leaf", "flower"),)

_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,11}", fullmatch=True)
_names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(' \t\n,;"'),
    min_size=1,
    max_size=40,
).filter(usable_name)


class SourceConformance:
    """Subclass as ``TestSomething``: set ``source`` (and ``suffix``), implement ``write``."""

    source: ClassVar[type[Source]]
    suffix: ClassVar[str] = ""

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        """Write ``items`` at ``path`` in the source's format; return the options that read it.

        A ``Sample`` is one good record (one row; for a nested format, one product with one
        variant); ``BAD`` is one record the source must yield as a ``SkippedRecord``.
        """
        raise NotImplementedError

    # -- helpers ----------------------------------------------------------------------------

    def open_source(self, folder: Path, items: Sequence[Item]) -> Source:
        """Write the items into ``folder`` and open the source on them."""
        path = folder / f"pos{self.suffix}"
        options = self.write(path, items)
        return self.source(path, options)

    def read(self, folder: Path, items: Sequence[Item]) -> list[PosRecord | SkippedRecord]:
        """Every record the source yields for the items."""
        return list(self.open_source(folder, items).records())

    def check_samples(
        self, source: Source, got: list[PosRecord | SkippedRecord], items: Sequence[Item]
    ) -> None:
        """One outcome per item, in order, good ones intact and kept verbatim in ``raw``."""
        assert [r.row for r in got] == list(range(len(items)))
        fields = source.fields
        for item, record in zip(items, got, strict=True):
            if isinstance(item, Bad):
                assert isinstance(record, SkippedRecord), f"row {record.row} should be skipped"
                assert record.reason.strip(), "a skipped record needs a reason"
                continue
            assert isinstance(record, PosRecord), f"row {record.row}: {record}"
            assert record.pos_id == item.pos_id
            assert record.name.strip() == item.name.strip()
            assert set(record.raw) <= set(fields), "raw keys must be listed in fields"
            values = list(record.raw.values())
            assert item.name in values, f"name {item.name!r} not kept verbatim in {values}"
            assert item.pos_id in [str(v) for v in values]

    # -- the suite --------------------------------------------------------------------------

    def test_records_in_order_with_rows(self, tmp_path: Path) -> None:
        """Rows are 0-based positions in input order."""
        items = [*SAMPLES, *SAMPLES[:1]]
        source = self.open_source(tmp_path, items)
        self.check_samples(source, list(source.records()), items)

    def test_records_is_a_generator(self, tmp_path: Path) -> None:
        """Records stream: ``records()`` is a generator, not a list built first."""
        records = self.open_source(tmp_path, SAMPLES).records()
        assert inspect.isgenerator(records) or (
            isinstance(records, Iterator) and not isinstance(records, list | tuple)
        )
        first = next(records)
        assert first.row == 0

    def test_reading_again_gives_the_same(self, tmp_path: Path) -> None:
        """A fresh ``records()`` reads the input again from the start."""
        source = self.open_source(tmp_path, SAMPLES)
        fields = source.fields
        once = [(r.row, r.pos_id, _raw(r)) for r in source.records()]
        again = [(r.row, r.pos_id, _raw(r)) for r in source.records()]
        assert once == again and source.fields == fields

    def test_fields_are_unique_text(self, tmp_path: Path) -> None:
        """The output columns: text, no repeats."""
        fields = self.open_source(tmp_path, SAMPLES).fields
        assert all(isinstance(f, str) and f for f in fields)
        assert len(set(fields)) == len(fields)

    def test_bad_records_are_skipped_with_a_reason(self, tmp_path: Path) -> None:
        """A bad record is set aside at its row; the good ones around it still come."""
        items: list[Item] = [SAMPLES[0], BAD, SAMPLES[1], BAD, BAD, SAMPLES[2]]
        source = self.open_source(tmp_path, items)
        self.check_samples(source, list(source.records()), items)

    def test_rejects_file_through_the_engine(self, tmp_path: Path) -> None:
        """Through the local engine: every row reaches the sink in order, bad ones the rejects."""
        items: list[Item] = [SAMPLES[0], BAD, SAMPLES[2]]
        source = self.open_source(tmp_path, items)
        index = CatalogIndex.build(MemoryCatalog(CATALOG).products())
        sink = MemorySink(source.fields)
        rejects = RejectsFile(tmp_path / "out.rejects.csv")
        with sink:
            counts = LocalEngine().run(Job(source, index, MatcherConfig(), sink, rejects))
        rejects.commit()
        assert sink.committed and sum(counts.values()) == 3
        matches = [m for _, m in sink.written]
        assert [m.row for m in matches] == [0, 1, 2]
        assert matches[0].status is Status.MATCHED and matches[0].jane_product_id == "1"
        assert matches[1].status is Status.REJECTED
        assert matches[2].status is not Status.REJECTED
        assert rejects.path is not None
        with rejects.path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["row"] for r in rows] == ["1"]
        assert rows[0]["reason"].strip()

    def test_empty_input(self, tmp_path: Path) -> None:
        """No records in, none out, no error."""
        source = self.open_source(tmp_path, [])
        assert isinstance(source.fields, list)
        assert list(source.records()) == []

    def test_missing_file_is_an_input_error(self, tmp_path: Path) -> None:
        """A path that does not exist stops the run with an ``InputError`` naming it."""
        options = self.write(tmp_path / f"written{self.suffix}", SAMPLES)
        missing = tmp_path / f"absent{self.suffix}"
        source = self.source(missing, options)
        try:
            _ = source.fields
            list(source.records())
        except InputError as exc:
            assert str(missing) in str(exc)
        else:
            raise AssertionError("a missing file must raise InputError")

    def test_unicode_names(self, tmp_path: Path) -> None:
        """Accents, emoji, CJK, right-to-left, typographic quotes, delimiters, line breaks."""
        items = [Sample(f"u{i}", name) for i, name in enumerate(UNICODE_NAMES)]
        source = self.open_source(tmp_path, items)
        self.check_samples(source, list(source.records()), items)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Each suite gets its own property test: hypothesis runs one test per executor class.
        cls.test_any_records_round_trip = _round_trip_test()  # type: ignore[method-assign]

    def test_any_records_round_trip(self) -> None:
        """Any ids and names, any mix with bad records: one outcome per item, intact."""


def _round_trip_test() -> Any:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.builds(Sample, _ids, _names) | st.just(BAD), max_size=6))
    def test_any_records_round_trip(self: SourceConformance, items: list[Item]) -> None:
        """Any ids and names, any mix with bad records: one outcome per item, intact."""
        with tempfile.TemporaryDirectory() as folder:
            source = self.open_source(Path(folder), items)
            self.check_samples(source, list(source.records()), items)

    return test_any_records_round_trip


def _raw(record: PosRecord | SkippedRecord) -> dict[str, Any]:
    return dict(record.raw) if isinstance(record.raw, Mapping) else {}
