"""A network sync on Spark (``poslink sync --engine spark``): one job for every store.

Executors read the stores' exports (each with its own source and options, as the local engine
reads them), match every record against one broadcast index (a worker's decision caches span
every store it meets) and write each store's rows with the local engine's own Parquet sink:
one hive-partitioned dataset, ``OUT/store=<store>/part-0.parquet``, holding the rows the local
engine's sync writes for each store, in the same order, with the same columns and values.
Stores with the same output columns (the same source fields) and category table are one job.

The driver gets back what the network report needs (each record's name, category, status and
score, as Arrow) and the few rejected records, which it writes to ``store=<store>/_rejects.csv``
as the local engine does. The executors write into a staging folder inside ``OUT``, so ``OUT``
must be a folder every executor can write (a shared file system beyond one machine); each
store's folder is moved into place only when every job succeeded. A store whose export cannot
be read (missing, corrupt) is reported and left out; the others complete.

Not (yet) on Spark: a decision store (``--decisions``), and the CSV layout.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from poslink.config import MatcherConfig, RunConfig
from poslink.engines.spark.engine import SparkEngine, SparkOptions
from poslink.engines.spark.errors import surfaced
from poslink.engines.spark.session import require_pyspark, session
from poslink.engines.spark.synctasks import FIGURES_DDL, StoreExport, SyncStores
from poslink.engines.spark.tasks import MatchTask
from poslink.exceptions import ConfigError, InputError, PluginError
from poslink.files.locations import is_url
from poslink.files.rejects import RejectsFile
from poslink.matching.index import catalog_version
from poslink.network.layout import Layout, store_config, store_output
from poslink.network.manifest import StoreEntry
from poslink.network.report import NetworkReport, ReportBuilder, StoreResult
from poslink.records import Status
from poslink.runs.parts import CatalogAccess, build_engine, build_source

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)


def sync_on_spark(
    entries: list[StoreEntry],
    config: RunConfig,
    out: Path,
    layout: Layout | str,
    progress: Callable[[StoreResult], None] | None = None,
) -> NetworkReport:
    """Sync every store of ``entries`` on Spark into the Parquet dataset ``out``; the report."""
    if Layout(layout) is not Layout.parquet:
        raise ConfigError(
            "sync on the spark engine writes the parquet layout: add --format parquet"
        )
    if config.decisions:
        raise ConfigError("sync on the spark engine does not use a decision store (yet)")
    require_pyspark()
    # Validated as a run's are: a bad option (another engine's too) is one line naming where
    # it was set.
    engine = build_engine(config)
    assert isinstance(engine, SparkEngine)
    settings = engine.settings
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    report = ReportBuilder()
    # In manifest order; by store id only the stores that can be synced (their ids are unique).
    ordered: list[StoreResult] = []
    results: dict[str, StoreResult] = {}
    groups: dict[tuple[tuple[str, ...], str], list[StoreExport]] = defaultdict(list)
    for entry in entries:
        result = StoreResult(entry.store, entry.source, entry.location)
        ordered.append(result)
        try:
            store, group = _prepare(entry, config, out)
        except (InputError, ConfigError, PluginError) as exc:
            result.error = f"line {entry.line}: {entry.problem}" if entry.problem else str(exc)
            continue
        results[entry.store] = result
        groups[group].append(store)
    catalog = CatalogAccess(config)
    # The catalog is read, and an unusable one refused (exit 3), before a JVM starts, as a run
    # reads it; a sync with no store left to match needs neither the catalog nor Spark.
    payload = pickle.dumps(catalog.index, protocol=pickle.HIGHEST_PROTOCOL) if groups else None
    figures = None
    staging = out / f".spark-{uuid.uuid4().hex[:12]}"
    try:
        if payload is not None:
            figures = _match_groups(groups, payload, config.matcher, settings, staging)
        _publish(staging, out, figures, results)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for result in ordered:
        _report(report, result, figures, config.max_reject_rate)
        if progress is not None:
            progress(result)
    seconds = time.perf_counter() - started
    # The index was built straight from the catalog, without asking for its version first:
    # the version is the products', as the local engine's sync reports it ("" when no store
    # could be synced and the catalog was never read).
    index_read = catalog.__dict__.get("index")
    version = catalog_version(index_read.products) if index_read is not None else ""
    decided = sum(r.decided for r in results.values())
    return report.build(
        seconds,
        catalog_version=version,
        decisions=decided,
        layout="parquet",
        answered_from_cache=sum(r.cached for r in results.values()),
    )


def _match_groups(
    groups: dict[tuple[tuple[str, ...], str], list[StoreExport]],
    payload: bytes,
    matcher: MatcherConfig,
    settings: SparkOptions,
    staging: Path,
) -> pa.Table:
    """Every group's stores matched and written into ``staging`` on Spark; their figures.

    ``payload``: the pickled index, broadcast once for every group.
    """
    with surfaced(), session(settings.master, settings.app_name) as spark:
        index = spark.sparkContext.broadcast(payload)
        token = uuid.uuid4().hex  # one matcher a worker, whatever the group
        tables = [
            _sync_group(
                spark,
                stores,
                group,
                (index, token),
                matcher,
                settings,
                staging / f"group-{n}",
            )
            for n, (group, stores) in enumerate(groups.items())
        ]
        index.unpersist()
        return pa.concat_tables(tables)


def _prepare(
    entry: StoreEntry, config: RunConfig, out: Path
) -> tuple[StoreExport, tuple[tuple[str, ...], str]]:
    """A manifest entry as the executors read it, and its group: its output's source fields
    and its category table."""
    if entry.problem:
        raise ConfigError(entry.problem)
    where = store_output(out, entry.store, Layout.parquet)
    source = build_source(store_config(config, entry, where.output, Layout.parquet))
    if is_url(source.location):
        raise ConfigError(f"{source.location}: sync on spark reads local exports only (for now)")
    source.check_readable()
    path = str(Path(source.location).resolve())
    options = source.options.model_dump()
    store = StoreExport(entry.store, type(source), options, path, source.location)
    return store, (tuple(source.fields), source.category_table)


def _sync_group(
    spark: SparkSession,
    stores: list[StoreExport],
    group: tuple[tuple[str, ...], str],
    index: tuple[Any, str],
    matcher: MatcherConfig,
    settings: SparkOptions,
    target: Path,
) -> pa.Table:
    """Read, match and write the stores of one output layout into ``target``; their report
    figures.

    A store is read, matched and written in one task, its rows in order: the stores are spread
    over the tasks, and nothing is shuffled. ``index``: the broadcast index and its token.
    """
    partitions = 2 * spark.sparkContext.defaultParallelism
    slots = spark.createDataFrame([(i,) for i in range(len(stores))], "slot int")
    fields, table = list(group[0]), group[1]
    task = MatchTask(index[0], matcher, table, fields, settings.cache_size)
    task.token = index[1]
    stores_task = SyncStores(task, stores, settings.chunk_records, str(target))
    figures = slots.repartition(min(len(stores), partitions)).mapInArrow(stores_task, FIGURES_DDL)
    return _arrow(figures)


def _arrow(frame: DataFrame) -> pa.Table:
    """A DataFrame as an Arrow table on the driver."""
    to_arrow = getattr(frame, "toArrow", None)
    if to_arrow is not None:
        table = to_arrow()
        assert isinstance(table, pa.Table)
        return table
    return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)


def _publish(
    staging: Path, out: Path, figures: pa.Table | None, results: dict[str, StoreResult]
) -> None:
    """Move each store's folder from the staging folder into place, with its rejects."""
    failed = _failures(figures)
    rejects = _rejects(figures)
    for group in sorted(staging.glob("group-*")):
        for folder in sorted(group.glob("store=*")):
            store = folder.name.removeprefix("store=")
            if store in failed:
                continue
            lines = rejects.get(store, [])
            if lines:
                file = RejectsFile(folder / "_rejects.csv")
                for row, pos_id, reason, raw in sorted(lines, key=lambda r: r[0]):
                    file.write(row, pos_id, reason, raw)
                file.prepare()
                file.commit()
            target = out / folder.name
            if target.exists():
                shutil.rmtree(target)
            os.replace(folder, target)
            # The file, as the local engine's sync reports it (not the store's folder).
            results[store].output = str(store_output(out, store, Layout.parquet).output)
    for store, reason in failed.items():
        results[store].error = reason


def _failures(figures: pa.Table | None) -> dict[str, str]:
    if figures is None:
        return {}
    failed = figures.filter(pc.is_valid(figures.column("failure")))
    return dict(
        zip(failed.column("store").to_pylist(), failed.column("failure").to_pylist(), strict=True)
    )


def _rejects(figures: pa.Table | None) -> dict[str, list[tuple[int, str, str, object]]]:
    found: dict[str, list[tuple[int, str, str, object]]] = defaultdict(list)
    if figures is None:
        return found
    rejected = figures.filter(
        pc.and_(pc.is_valid(figures.column("reject")), pc.is_null(figures.column("failure")))
    )
    for row in rejected.select(["store", "row", "pos_id", "reject", "raw"]).to_pylist():
        found[row["store"]].append(
            (row["row"], row["pos_id"] or "", row["reject"], pickle.loads(row["raw"]))
        )
    return found


def _report(
    report: ReportBuilder, result: StoreResult, figures: pa.Table | None, max_reject: float
) -> None:
    """One store's figures into the report (a failed store as failed)."""
    if result.error or figures is None:
        report.fail_store(result)
        # As the local engine's sync says it: the sync exits 1, and ``-q`` shows errors.
        log.error("store %s failed: %s", result.store, result.error or "not synced")
        return
    mine = figures.filter(pc.equal(figures.column("store"), result.store))
    mine = mine.filter(pc.is_null(mine.column("failure")))
    counts = Counter(mine.column("match_status").to_pylist())
    result.records = mine.num_rows
    result.matched = counts[Status.MATCHED.value]
    result.no_match = counts[Status.NO_MATCH.value]
    result.ambiguous = counts[Status.AMBIGUOUS.value]
    result.rejected = counts[Status.REJECTED.value]
    # As the local engine counts them: records a worker decided, and those it answered from
    # its memory of records decided before (a worker's memory, not the whole network's).
    result.cached = pc.sum(mine.column("cached")).as_py() or 0
    result.decided = (pc.sum(pc.is_null(mine.column("reject"))).as_py() or 0) - result.cached
    # The executors' time reading and matching the store's records (see synctasks.FIGURES).
    result.seconds = pc.sum(mine.column("seconds")).as_py() or 0.0
    report.add_batch(mine.select(["name", "category", "match_status", "match_score"]), "category")
    if result.records and result.rejected / result.records > max_reject:
        result.error = (
            f"{result.rejected} of {result.records} records rejected, more than the"
            f" --max-reject-rate {max_reject:g}"
        )
        report.fail_store(result)
        log.error("store %s failed: %s", result.store, result.error)
        return
    report.end_store(result)
