"""What executors run: frame batches in, output lines out, by the engine-free batch matcher.

Two ways to meet the catalog. ``MatchTask`` (mapInArrow) reads the whole index from a
broadcast, unpickled once per Python worker. ``JoinTask`` (cogroup by blocking key) gets one
brand's records with that brand's part of the index (``CatalogIndex.part``): for catalogs too
large to broadcast. Records that name no brand may match any brand's product: they form one
group with the whole index (one task holds it, instead of every executor). Both decide
every record exactly as the local engine does.
"""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa

from poslink.config import MatcherConfig
from poslink.domain.brands import BrandIndex
from poslink.domain.knowledge import load_knowledge
from poslink.domain.parser import Parser
from poslink.engines.batch import BatchMatcher, matches_of
from poslink.files.rejects import reject_cells
from poslink.matching import CatalogIndex
from poslink.matching.matcher import name_read_past
from poslink.records import RECORD_FIELDS, Match, Status
from poslink.sinks.base import output_fields
from poslink.sinks.csv import csv_line, output_cells

# Each record's decision, its output line and rejects-file line (CSV), and what a sink other
# than CSV needs from the driver: the record's id, reason for being set aside, raw fields.
OUT_SCHEMA = pa.schema(
    [
        pa.field("row", pa.int64(), nullable=False),
        pa.field("jane_product_id", pa.string()),
        pa.field("match_score", pa.float64()),
        pa.field("match_status", pa.string()),
        pa.field("match_reason", pa.string()),
        pa.field("line", pa.string()),
        pa.field("reject_line", pa.string()),
        pa.field("pos_id", pa.string()),
        pa.field("reject", pa.string()),
        pa.field("raw", pa.binary()),
    ]
)
OUT_DDL = (
    "row long, jane_product_id string, match_score double, match_status string,"
    " match_reason string, line string, reject_line string, pos_id string, reject string,"
    " raw binary"
)
KEY_DDL = "key string"

# One worker process keeps the matcher of the latest broadcast: its decision cache then spans
# every task that worker runs for the job.
_WORKER: dict[tuple[Any, ...], BatchMatcher | Parser] = {}


def match_frame(frame: pa.RecordBatch, matcher: BatchMatcher) -> list[Match]:
    """One match per frame row: records set aside by the source are ``rejected`` unparsed."""
    rows: list[int] = frame.column("row").to_pylist()
    rejects: list[str | None] = frame.column("reject").to_pylist()
    good = [i for i, reason in enumerate(rejects) if reason is None]
    found: dict[int, Match] = {}
    if good:
        records = frame.select(["row", *RECORD_FIELDS])
        if len(good) < len(rows):
            records = records.take(pa.array(good, pa.int64()))
        found = dict(zip(good, matches_of(matcher.match_batch(records)), strict=True))
    return [
        found[i] if reason is None else Match(rows[i], None, 0.0, Status.REJECTED, reason)
        for i, reason in enumerate(rejects)
    ]


def output_batch(frame: pa.RecordBatch, matches: list[Match], fields: list[str]) -> pa.RecordBatch:
    """The CSV line of every record and, for one set aside, its rejects-file line."""
    raws: list[bytes] = frame.column("raw").to_pylist()
    rejects: list[str | None] = frame.column("reject").to_pylist()
    pos_ids: list[str | None] = frame.column("pos_id").to_pylist()
    lines: list[str] = []
    reject_lines: list[str | None] = []
    for match, raw_bytes, reason, pos_id in zip(matches, raws, rejects, pos_ids, strict=True):
        raw = pickle.loads(raw_bytes)
        if reason is None:
            lines.append(csv_line(output_cells(fields, raw, match)))
            reject_lines.append(None)
        else:
            # As the local engine: the output row keeps what the source could read of it.
            kept = raw if isinstance(raw, dict) else {}
            lines.append(csv_line(output_cells(fields, kept, match)))
            reject_lines.append(csv_line(reject_cells(match.row, pos_id or "", reason, raw)))
    return pa.RecordBatch.from_arrays(
        [
            pa.array([m.row for m in matches], pa.int64()),
            pa.array([m.jane_product_id for m in matches], pa.string()),
            pa.array([m.score for m in matches], pa.float64()),
            pa.array([m.status.value for m in matches], pa.string()),
            pa.array([m.reason for m in matches], pa.string()),
            pa.array(lines, pa.string()),
            pa.array(reject_lines, pa.string()),
            frame.column("pos_id"),
            frame.column("reject"),
            frame.column("raw"),
        ],
        schema=OUT_SCHEMA,
    )


class MatchTask:
    """mapInArrow: frame batches against the broadcast index (pickled bytes)."""

    def __init__(
        self,
        index: Any,
        config: MatcherConfig,
        category_table: str,
        fields: list[str],
        remember: int = 0,
    ) -> None:
        self.index = index  # a pyspark Broadcast of the pickled CatalogIndex
        self.token = uuid.uuid4().hex  # names this run's index in a worker's cache
        self.config = config
        self.category_table = category_table
        self.fields = output_fields(fields)  # an earlier output's decisions are replaced
        self.remember = remember  # records' decisions a worker keeps (``BatchMatcher``)

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """Each frame batch's output lines."""
        matcher = self.matcher()
        for frame in batches:
            yield output_batch(frame, match_frame(frame, matcher), self.fields)

    def matcher(self) -> BatchMatcher:
        """This worker's matcher of the broadcast index (unpickled on first use, then kept)."""
        key = ("broadcast", self.token, self.config, self.category_table, self.remember)
        matcher = _WORKER.get(key)
        if not isinstance(matcher, BatchMatcher):
            _WORKER.clear()
            index = pickle.loads(self.index.value)
            matcher = _WORKER[key] = BatchMatcher(
                index, self.config, self.category_table, remember=self.remember
            )
        return matcher


class KeyTask:
    """mapInArrow: each frame row with its blocking key, the brand key its name parses to."""

    def __init__(self, context: Any, category_table: str) -> None:
        # A pyspark Broadcast of (BrandIndex, pickled empty part, whole names -> brand keys).
        self.context = context
        self.category_table = category_table

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The frame batches, with a ``key`` column."""
        brands, _, texts = self.context.value
        parser = Parser(load_knowledge(), brands, self.category_table, texts)
        for frame in batches:
            data = frame.select(["reject", *RECORD_FIELDS]).to_pydict()
            good = [i for i, reason in enumerate(data["reject"]) if reason is None]
            # An unparsable record (its reason in place of an item) gets "": the match step
            # rejects it, with the reason.
            columns = [[data[f][i] for i in good] for f in RECORD_FIELDS]
            parsed = parser.parse_many(zip(*columns, strict=True))
            keys = [""] * len(data["reject"])
            for i, item in zip(good, parsed, strict=True):
                if isinstance(item, str):
                    continue
                keys[i] = item.brand or ""
                if item.exact and name_read_past(item, texts[item.exact]):
                    keys[i] = ""  # another brand's product's whole name: the whole index
            yield frame.append_column("key", pa.array(keys, pa.string()))


class JoinTask:
    """cogroup applyInArrow: one blocking key's records against that key's part of the index."""

    def __init__(
        self, context: Any, config: MatcherConfig, category_table: str, fields: list[str]
    ) -> None:
        self.context = context  # as ``KeyTask``'s
        self.token = uuid.uuid4().hex
        self.config = config
        self.category_table = category_table
        self.fields = output_fields(fields)  # an earlier output's decisions are replaced

    def __call__(self, key: tuple[Any, ...], records: pa.Table, parts: pa.Table) -> pa.Table:
        """The output lines of this key's records (Spark passes the key first)."""
        if records.num_rows == 0:
            return OUT_SCHEMA.empty_table()
        brands, empty, _ = self.context.value
        part = pickle.loads(parts.column("part")[0].as_py() if parts.num_rows else empty)
        parser = self._parser(brands, part, key)
        matcher = BatchMatcher(part, self.config, self.category_table, parser=parser)
        frames = records.drop_columns(["key"]).to_batches()
        return pa.Table.from_batches(
            [output_batch(f, match_frame(f, matcher), self.fields) for f in frames],
            schema=OUT_SCHEMA,
        )

    def function(self) -> Callable[[Any, pa.Table, pa.Table], pa.Table]:
        """This task as a plain function: Spark counts a cogroup function's arguments."""

        def join(key: Any, records: pa.Table, parts: pa.Table) -> pa.Table:
            return self(key, records, parts)

        return join

    def _parser(self, brands: BrandIndex, part: CatalogIndex, key: tuple[Any, ...]) -> Parser:
        """A parser of this task's brands that knows the part's whole names (a record whose
        name is a product's own is that product), one per key and executor process."""
        memo = ("parser", self.token, self.category_table, *key)
        cached = _WORKER.get(memo)
        if not isinstance(cached, Parser):
            if len(_WORKER) > 256:
                _WORKER.clear()
            cached = _WORKER[memo] = Parser(
                load_knowledge(), brands, self.category_table, part.exact_texts()
            )
        return cached


# No brand key is this (keys are folded words): the part of a brand the catalog lacks.
ABSENT = "\x00"


def index_parts(index: CatalogIndex) -> pa.Table:
    """The join's right side: each brand key with its part of the index, pickled.

    The key ``""`` gets the whole index, in one row: records that name no brand may match any
    brand's product, and so may a record whose whole name is another brand's product's.
    """
    keys = [key for key in index.blocks if key]
    parts = [index.part(key) for key in keys]
    keys.append("")
    parts.append(index.part(None))
    return pa.table(
        {
            "key": pa.array(keys, pa.string()),
            "part": pa.array(
                [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in parts], pa.binary()
            ),
        }
    )
