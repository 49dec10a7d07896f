"""The records as a Spark DataFrame: one row per source record, in Arrow batches.

Columns: ``row`` (the record's position, which orders the output), the fields matching reads
(``RECORD_FIELDS``), ``reject`` (the reason when the source set the record aside, else null),
``pos_id`` and ``raw`` (the original fields, pickled, written back out verbatim).
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from poslink.engines.spark.errors import carried
from poslink.exceptions import InputError, PoslinkError, SkippedRecord
from poslink.files.locations import is_url
from poslink.records import RECORD_FIELDS, Match, PosRecord, Status
from poslink.sources.base import Source

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from poslink.engines.base import Job

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


def driver_frame(spark: SparkSession, source: Source, chunk: int, partitions: int) -> DataFrame:
    """The records as the driver reads them from ``source``, handed to Spark in Arrow batches.

    For sources that are not one file an executor could read (the decision store's changed
    records); the batches are kept in the driver's JVM, so this suits modest feeds.
    """
    tables = [pa.Table.from_batches([b]) for b in frame_batches(source.records(), chunk)]
    table = pa.concat_tables(tables) if tables else FRAME_SCHEMA.empty_table()
    return spark.createDataFrame(table).repartition(partitions)


def write_through(matched: DataFrame, job: Job) -> Counter[Status]:
    """Every decision, in input order, written by the driver through the job's sink."""
    counts: Counter[Status] = Counter()
    for r in matched.orderBy("row").toLocalIterator(prefetchPartitions=True):
        status = Status(r.match_status)
        match = Match(r.row, r.jane_product_id, r.match_score, status, r.match_reason)
        raw = pickle.loads(r.raw)
        if r.reject is not None:
            job.rejects.write(match.row, r.pos_id or "", r.reject, raw)
            job.sink.write(raw if isinstance(raw, dict) else {}, match)
        else:
            job.sink.write(raw, match)
        counts[match.status] += 1
        if job.progress is not None:
            job.progress(1)
    return counts


def read_frame(
    spark: SparkSession, source: Source, chunk: int, partitions: int, scratch: Path
) -> DataFrame:
    """The source's records as a DataFrame, read by an executor, spread over ``partitions``.

    The file is read by the same source as on the local engine, so validation and rejects are
    the same, and neither the driver nor the JVM holds the feed, only the records the reader
    hands on in Arrow batches. A URL (``s3a://``, ``gs://``, ``abfss://``) comes through Spark's
    ``binaryFile`` reader (the file's bytes in one executor's memory); a local path is read in
    place on a local master, or shipped to the executors with ``addFile`` on a cluster
    (``scratch``: a folder that outlives the job).
    """
    location = source.location
    if is_url(location):
        return _binary_frame(spark, source, location, chunk, partitions)
    if (spark.sparkContext.master or "").startswith("local"):
        # The path as given when the worker shares the driver's folder (a source that names
        # its file in a reason then names it as on the local engine), else made absolute.
        here = (os.getcwd(), location, str(Path(location).resolve()))
        read = ReadTask(type(source), source.options.model_dump(), location, chunk, path=here)
        return _one_task(spark).mapInArrow(read, FRAME_DDL).repartition(partitions)
    return shipped_frame(spark, source, chunk, partitions, scratch)


def shipped_frame(
    spark: SparkSession, source: Source, chunk: int, partitions: int, scratch: Path
) -> DataFrame:
    """A driver-local file sent to the executors (``SparkContext.addFile``) and read there."""
    # A name of its own: Spark keeps one file per name for the session's life (and follows
    # symbolic links to their target's name), so a hard link, or else a copy, carries it.
    name = f"poslink-{uuid.uuid4().hex[:12]}-{Path(source.location).name}"
    link = scratch / name
    try:
        os.link(source.location, link)
    except OSError:
        shutil.copyfile(source.location, link)
    spark.sparkContext.addFile(str(link))
    options = source.options.model_dump()
    read = ReadTask(type(source), options, source.location, chunk, shipped=name)
    return _one_task(spark).mapInArrow(read, FRAME_DDL).repartition(partitions)


def _one_task(spark: SparkSession) -> DataFrame:
    """One row in one partition: the reading runs once, in one executor."""
    return spark.range(1, numPartitions=1)


def _binary_frame(
    spark: SparkSession, source: Source, uri: str, chunk: int, partitions: int
) -> DataFrame:
    try:
        files = spark.read.format("binaryFile").load(uri)
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
    """mapInArrow: a POS export read by a poslink source, in frame batches.

    The export is a file on this machine (``path``: the driver's folder, the path as given and
    made absolute), a file ``addFile`` sent (``shipped``), or else the bytes of binaryFile
    rows; errors name ``location``, the file as the user gave it.
    """

    def __init__(
        self,
        source: type[Source],
        options: dict[str, Any],
        location: str,
        chunk: int,
        *,
        path: tuple[str, str, str] | None = None,
        shipped: str | None = None,
    ) -> None:
        self.source = source
        self.options = options
        self.location = location
        self.chunk = chunk
        self.path = path
        self.shipped = shipped

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The records of the export."""
        if self.path is not None or self.shipped is not None:
            from pyspark import SparkFiles

            if self.path is not None:
                cwd, given, absolute = self.path
                where = given if os.getcwd() == cwd else absolute
            else:
                where = SparkFiles.get(str(self.shipped))
            for _ in batches:
                yield from self._records(Path(where))
            return
        for batch in batches:
            for content in batch.column("content").to_pylist():
                name = PurePosixPath(self.location.rstrip("/")).name or "input"
                with tempfile.TemporaryDirectory(prefix="poslink-") as tmp:
                    path = Path(tmp) / name
                    path.write_bytes(content)
                    del content  # the file holds it now
                    yield from self._records(path)

    def _records(self, path: Path) -> Iterator[pa.RecordBatch]:
        try:
            yield from frame_batches(self.source(path, self.options).records(), self.chunk)
        except PoslinkError as exc:
            raise carried(exc, str(path), self.location) from exc
