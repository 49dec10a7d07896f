"""The Spark engine: the same sources, parser, matcher and CSV output on a Spark cluster."""

from __future__ import annotations

import logging
import pickle
import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, field_validator

from poslink.engines.base import Engine, Job
from poslink.engines.spark.errors import surfaced
from poslink.engines.spark.frames import driver_frame, read_frame, write_through
from poslink.engines.spark.output import PART_FILE, Staged, qualify, remove
from poslink.engines.spark.session import require_pyspark, session
from poslink.engines.spark.tasks import (
    ABSENT,
    KEY_DDL,
    OUT_DDL,
    JoinTask,
    KeyTask,
    MatchTask,
    index_parts,
)
from poslink.exceptions import ConfigError
from poslink.files.locations import is_url
from poslink.files.rejects import RejectsFile
from poslink.records import Status
from poslink.sinks.base import Sink
from poslink.sinks.csv import CsvSink, csv_line, header_cells
from poslink.sources.base import STDIN

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)
Strategy = Literal["auto", "broadcast", "join"]
# The masters Spark's own check lets through ("yarn", or these beginnings).
MASTER_PREFIXES = ("local", "spark://", "k8s://")


class SparkOptions(BaseModel):
    """How the Spark engine runs (``engine_options``; the CLI sets the first three)."""

    model_config = ConfigDict(extra="forbid")

    master: str | None = Field(
        None, description="Spark master URL; default local[*], or spark-submit's"
    )
    single_file: bool = Field(False, description="one CSV file instead of a CSV directory")
    strategy: Strategy = Field(
        "auto", description="broadcast the index, join by blocking key, or choose by index size"
    )
    broadcast_limit_mb: float = Field(
        256.0, gt=0, description="auto: a pickled index larger than this is joined, not broadcast"
    )
    chunk_records: int = Field(
        10_000, ge=1, description="records per Arrow batch as the source's reader makes them"
    )
    cache_size: int = Field(
        500_000,
        ge=0,
        description="distinct records' decisions each Python worker remembers (a repeat is not"
        " parsed or matched again)",
    )
    app_name: str = "poslink"

    @field_validator("master")
    @classmethod
    def _spark_master(cls, master: str | None) -> str | None:
        # Spark refuses any other master from inside its JVM: a Java stack trace on stderr and
        # "Java gateway process exited" would be all the user saw.
        if master is not None and not (master == "yarn" or master.startswith(MASTER_PREFIXES)):
            raise ValueError(
                "not a Spark master (local[N], spark://HOST:PORT, yarn, k8s://https://HOST:PORT)"
            )
        return master


class SparkEngine(Engine):
    """Matches on Spark: records as a DataFrame, matching in mapInArrow, output written by Spark."""

    name = "spark"
    handles_urls = True

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.settings = self.validated(SparkOptions)

    def writes_directory(self) -> bool:
        """A directory of ``part-NNNNN.csv`` files, unless ``single_file``."""
        return not self.settings.single_file

    def check_output_folder(self, out: Path) -> None:
        """Refuse a folder holding anything but an earlier CSV directory's parts: publishing
        replaces the folder whole, and a folder of the user's own (``out/`` holding other
        outputs) would be deleted with it. (A URL is checked before Spark writes.)"""
        others = sorted(p.name for p in out.iterdir() if not PART_FILE.fullmatch(p.name))
        if others:
            raise ConfigError(
                f"--out {out} is a folder holding other files ({others[0]}): the spark engine"
                " replaces the whole folder with its parts; give a new or empty folder, or one"
                " it wrote before"
            )

    def writes_output(self, sink: Sink) -> bool:
        """Spark writes CSV output and its rejects itself; any other sink gets every row."""
        return isinstance(sink, CsvSink)

    def run(self, job: Job) -> Counter[Status]:
        """Match the job's records on Spark; publish the CSV output whole, or feed the sink.

        With the CSV sink, executors read the export and Spark writes the output. With any
        other sink (another format, the decision store's merge) the driver reads the records,
        Spark matches them, and the decisions come back in input order through the sink.
        """
        require_pyspark()
        # Stopping the session is surfaced too: a failure there is one line as well.
        with surfaced(), session(self.settings.master, self.settings.app_name) as spark:
            return self._run(spark, job)

    def _run(self, spark: SparkSession, job: Job) -> Counter[Status]:
        # Two partitions a core: a core that drew easy records takes another share.
        partitions = 2 * spark.sparkContext.defaultParallelism
        chunk = self.settings.chunk_records
        if not isinstance(job.sink, CsvSink):
            for location in (job.source.location, job.sink.location):
                if is_url(location):
                    raise ConfigError(f"{location}: URLs are read and written with the csv sink")
            frame = driver_frame(spark, job.source, chunk, partitions)
            return write_through(self._match(spark, frame, job), job)
        if str(job.source.location) == STDIN:
            # Standard input is this process's: an executor reading "-" would read its own
            # (empty) one. The driver reads the records, as for the other sinks.
            frame = driver_frame(spark, job.source, chunk, partitions)
            return self._match_and_publish(spark, frame, job)
        with tempfile.TemporaryDirectory(prefix="poslink-spark-") as scratch:
            frame = read_frame(spark, job.source, chunk, partitions, Path(scratch))
            return self._match_and_publish(spark, frame, job)

    def _match_and_publish(
        self, spark: SparkSession, frame: DataFrame, job: Job
    ) -> Counter[Status]:
        lines = self._match(spark, frame, job).select("row", "match_status", "line", "reject_line")
        matched = lines.persist()
        try:
            tally = matched.groupBy("match_status", matched.reject_line.isNotNull()).count()
            counts: Counter[Status] = Counter()
            rejected = 0
            for status, is_reject, n in tally.collect():
                counts[Status(status)] += n
                rejected += n if is_reject else 0
            self._publish(spark, matched, job, rejected)
            if job.progress is not None:
                job.progress(sum(counts.values()))
            return counts
        finally:
            matched.unpersist()

    def _match(self, spark: SparkSession, frame: DataFrame, job: Job) -> DataFrame:
        table, fields = job.source.category_table, job.source.fields
        payload = pickle.dumps(job.index, protocol=pickle.HIGHEST_PROTOCOL)
        strategy = self.settings.strategy
        if strategy == "auto":
            big = len(payload) > self.settings.broadcast_limit_mb * 2**20
            strategy = "join" if big else "broadcast"
        log.info("spark: index of %d bytes, matching by %s", len(payload), strategy)
        sc = spark.sparkContext
        if strategy == "broadcast":
            index = sc.broadcast(payload)
            return frame.mapInArrow(
                MatchTask(index, job.matcher, table, fields, self.settings.cache_size), OUT_DDL
            )
        empty = pickle.dumps(job.index.part(ABSENT), protocol=pickle.HIGHEST_PROTOCOL)
        context = sc.broadcast((job.index.brands, empty, job.index.text_brands()))
        keyed = frame.mapInArrow(KeyTask(context, table), f"{_ddl(frame)}, {KEY_DDL}")
        parts = spark.createDataFrame(index_parts(job.index))
        join = JoinTask(context, job.matcher, table, fields).function()
        return keyed.groupBy("key").cogroup(parts.groupBy("key")).applyInArrow(join, OUT_DDL)

    def _publish(
        self,
        spark: SparkSession,
        matched: DataFrame,
        job: Job,
        rejected: int,
    ) -> None:
        if job.rejects.location is None:
            raise ConfigError(f"{job.sink.location}: the spark engine writes files, not a stream")
        out = Staged(spark, qualify(spark, job.sink.location), self.settings.single_file)
        rejects_at = qualify(spark, job.rejects.location)
        staged = [out]
        try:
            out.write(
                _with_header(spark, matched.select("row", "line"), header_cells(job.sink.fields))
            )
            if rejected:
                lines = matched.where("reject_line IS NOT NULL").selectExpr(
                    "row", "reject_line AS line"
                )
                rejects = Staged(spark, rejects_at, single_file=True)
                staged.append(rejects)
                rejects.write(_with_header(spark, lines, list(RejectsFile.COLUMNS)))
        except BaseException:
            for s in staged:
                s.discard()
            raise
        for s in staged:
            s.publish()
        if not rejected:
            remove(spark, rejects_at)
        job.rejects.published(rejected)


def _with_header(spark: SparkSession, lines: DataFrame, header: list[str]) -> DataFrame:
    """``lines`` with the CSV header as row -1, so that it sorts first."""
    top = pa.table({"row": pa.array([-1], pa.int64()), "line": [csv_line(header)]})
    return spark.createDataFrame(top).unionByName(lines)


def _ddl(frame: DataFrame) -> str:
    return ", ".join(f"{f.name} {f.dataType.simpleString()}" for f in frame.schema.fields)
