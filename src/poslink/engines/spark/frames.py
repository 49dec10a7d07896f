"""The records as a Spark DataFrame: one row per source record, in Arrow batches.

Columns: ``row`` (the record's position, which orders the output), the fields matching reads
(``RECORD_FIELDS``), ``reject`` (the reason when the source set the record aside, else null),
``pos_id`` and ``raw`` (the original fields, pickled, written back out verbatim).
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from poslink.engines.batch import RECORD_FIELDS
from poslink.engines.spark.errors import carried
from poslink.exceptions import InputError, PoslinkError, SkippedRecord
from poslink.records import PosRecord
from poslink.sources.base import Source

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

FRAME_SCHEMA = pa.schema(
    [pa.field("row", pa.int64(), nullable=False)]
    + [pa.field(f, pa.string()) for f in (*RECORD_FIELDS, "reject", "pos_id")]
    + [pa.field("raw", pa.binary())]
)
FRAME_DDL = ", ".join(
    ["row long", *(f"{f} string" for f in (*RECORD_FIELDS, "reject", "pos_id")), "raw binary"]
)


def frame_batch(records: list[PosRecord | SkippedRecord]) -> pa.RecordBatch:
    """Some records (usable or set aside) as one frame batch."""
    columns: dict[str, list[Any]] = {name: [] for name in FRAME_SCHEMA.names}
    for r in records:
        columns["row"].append(r.row)
        for name in RECORD_FIELDS:
            columns[name].append(getattr(r, name) if isinstance(r, PosRecord) else None)
        columns["reject"].append(r.reason if isinstance(r, SkippedRecord) else None)
        columns["pos_id"].append(r.pos_id)
        columns["raw"].append(pickle.dumps(r.raw, protocol=pickle.HIGHEST_PROTOCOL))
    return pa.RecordBatch.from_pydict(columns, schema=FRAME_SCHEMA)


def frame_batches(
    records: Iterable[PosRecord | SkippedRecord], size: int
) -> Iterator[pa.RecordBatch]:
    """A source's records in frame batches of ``size`` rows."""
    chunk: list[PosRecord | SkippedRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield frame_batch(chunk)
            chunk = []
    if chunk:
        yield frame_batch(chunk)


def local_frame(spark: SparkSession, source: Source, chunk: int) -> DataFrame:
    """Read a local file on the driver with its source and hand the records to Spark.

    Records go over in chunks of ``chunk`` rows (Arrow, one DataFrame each, then one union), so
    the driver's Python process holds one chunk at a time.
    """
    frames = [
        spark.createDataFrame(pa.Table.from_batches([batch]))
        for batch in frame_batches(source.records(), chunk)
    ]
    if not frames:
        return spark.createDataFrame(FRAME_SCHEMA.empty_table())
    frame = frames[0]
    for more in frames[1:]:
        frame = frame.unionByName(more)
    return frame


def remote_frame(spark: SparkSession, source: Source, chunk: int, partitions: int) -> DataFrame:
    """Read a file on an object store (``s3a://``, ``gs://``, ``abfss://``) with Spark's reader.

    An executor fetches the bytes and reads them with the same source as a local file, so
    validation and rejects are the same; the records are then spread over ``partitions``.
    """
    try:
        files = spark.read.format("binaryFile").load(source.location)
        found = files.select("path").limit(2).count()
    except Exception as exc:
        if getattr(exc, "getCondition", lambda: None)() == "PATH_NOT_FOUND":
            raise InputError(f"{source.location}: no such file") from exc
        raise
    if found != 1:
        what = "no file" if found == 0 else "more than one file"
        raise InputError(f"{source.location}: expected one POS export, found {what}")
    read = ReadTask(type(source), source.options.model_dump(), source.location, chunk)
    return files.select("content").mapInArrow(read, FRAME_DDL).repartition(partitions)


class ReadTask:
    """mapInArrow over binaryFile rows: each file's bytes read by a poslink source."""

    def __init__(self, source: type[Source], options: dict[str, Any], location: str, chunk: int):
        self.source = source
        self.options = options
        self.location = location
        self.chunk = chunk

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The records of every file in the input batches."""
        for batch in batches:
            for content in batch.column("content").to_pylist():
                yield from self._read(content)

    def _read(self, content: bytes) -> Iterator[pa.RecordBatch]:
        name = PurePosixPath(self.location.rstrip("/")).name or "input"
        with tempfile.TemporaryDirectory(prefix="poslink-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(content)
            try:
                yield from frame_batches(self.source(path, self.options).records(), self.chunk)
            except PoslinkError as exc:
                raise carried(exc, str(path), self.location) from exc
