"""A network sync: every store of a manifest matched in one run against one catalog index.

The catalog is read and its index built (or loaded) once; one engine, with one worker pool and
one decision cache, serves every store, so a product decided for one store is not decided again
for the next (``LocalEngine.sharing``). Each store is then one run of the one orchestrator
(``pipeline.run``) with its own source, output and, with a decision store, its own incremental
state and transaction (keyed by the store id): a store's output is exactly what ``poslink run``
writes for that store alone, published whole or not at all. Without a decision store, the next
stores are read and their new records sent to the workers while one is synced
(``network/ahead.py``), so that the workers match while this process reads and writes.

A store that cannot be synced (a bad manifest line, a missing or corrupt export, an unknown
source, bad options) is reported with its reason and skipped; the others complete. What no
store could get past (the catalog, the decision store, the output folder, a dead worker, an
interrupt) stops the sync.

Layouts of ``out``:

- ``csv``: ``OUT/<store>.csv`` (and ``OUT/<store>.rejects.csv``), the report as
  ``OUT/report.json`` and ``OUT/report.html``;
- ``parquet``: one hive-partitioned dataset, ``OUT/store=<store>/part-0.parquet`` (rejects in
  ``OUT/store=<store>/_rejects.csv``), the report as ``OUT/_report.json`` and
  ``OUT/_report.html``: names starting with ``_`` are left alone by Parquet readers (PyArrow,
  Spark), which read ``OUT`` as one table with a ``store`` column.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from poslink import pipeline
from poslink.config import RunConfig
from poslink.domain.brands import BrandIndex
from poslink.domain.learned import LearnedKnowledge, teach
from poslink.engines.base import Engine
from poslink.engines.local import LocalEngine, SharedDecisions
from poslink.exceptions import (
    CatalogError,
    ConfigError,
    InputError,
    PluginError,
    PoslinkError,
)
from poslink.files.atomic import AtomicFile
from poslink.files.locations import folders_made
from poslink.matching import CatalogIndex
from poslink.matching.index import catalog_version
from poslink.network.ahead import NextStoreRead, StoresAhead
from poslink.network.kept import keep, kept_index_path, load_kept
from poslink.network.layout import Layout, StoreOutput, report_paths, store_config, store_output
from poslink.network.manifest import StoreEntry
from poslink.network.page import render_page
from poslink.network.report import NetworkReport, ReportBuilder, StoreResult
from poslink.network.tap import Tap
from poslink.runs.parts import (
    CatalogAccess,
    Shared,
    build_engine,
    build_source,
    warn_unknown_brands,
)

if TYPE_CHECKING:
    from poslink.store.db import DecisionStore

log = logging.getLogger(__name__)

__all__ = [
    "Layout",
    "StoreOutput",
    "publish_report",
    "report_paths",
    "store_config",
    "store_output",
    "sync_network",
]


class _Catalog(CatalogAccess):
    """The catalog of every store, indexed once.

    A decision store's taught knowledge replaces the index's brands for the stores it holds
    for (``domain.learned.teach``): the brands taught are kept by the knowledge's digest, so
    that stores taught the same (a global lesson) read the very same brands, and the engine's
    pool and cache serve them all; ``restore`` puts the brands as built back after each store.
    """

    @cached_property
    def index(self) -> CatalogIndex:
        """The index, its brands as built remembered: loaded from where an earlier sync with
        the same decision store kept it (``network/kept.py``), else built (and kept)."""
        kept = kept_index_path(self.config)
        index = load_kept(kept, self.version) if kept is not None else None
        if index is None:
            index = CatalogAccess.index.func(self)  # type: ignore[attr-defined]
            assert isinstance(index, CatalogIndex)
            if kept is not None:
                keep(index, kept)
        self._read = None  # the products read for the version: the index holds its own
        self.brands = index.brands
        self._taught: dict[str, BrandIndex] = {}
        return index

    def taught(self, learned: LearnedKnowledge) -> CatalogIndex:
        """The index with the brands ``learned`` teaches, taught once per distinct knowledge."""
        index = self.index
        if not learned:
            index.brands = self.brands
            return index
        key = learned.digest()
        brands = self._taught.get(key)
        if brands is None:
            index.brands = self.brands
            warn_unknown_brands(learned, index)  # once per distinct knowledge, not per store
            teach(index, learned)
            self._taught[key] = index.brands
        else:
            index.brands = brands
        return index

    def restore(self) -> None:
        """The index's brands as built."""
        index = self.__dict__.get("index")
        if index is not None:
            index.brands = self.brands

    def version_if_read(self) -> str:
        """The catalog's version when the sync read the catalog ("" when no store needed it)."""
        if "version" in self.__dict__:
            return str(self.__dict__["version"])
        index = self.__dict__.get("index")
        return catalog_version(index.products) if index is not None else ""


# A store's own failures: its export, its source, its options. Anything else stops the sync.
_STORE_ERRORS = (InputError, ConfigError, PluginError)


@contextmanager
def _sharing(engine: Engine) -> Iterator[SharedDecisions | None]:
    if isinstance(engine, LocalEngine):
        with engine.sharing() as shared:
            yield shared
    else:
        yield None


@contextmanager
def _decision_store(config: RunConfig) -> Iterator[DecisionStore | None]:
    """The decision store, opened once for every store's run."""
    if config.decisions is None:
        yield None
        return
    from poslink.store.db import DecisionStore  # SQLAlchemy: only with a decision store

    with DecisionStore(config.decisions, config.timeouts) as store:
        yield store


def sync_network(
    entries: list[StoreEntry],
    config: RunConfig,
    out: Path,
    layout: Layout | str = Layout.csv,
    progress: Callable[[StoreResult], None] | None = None,
) -> NetworkReport:
    """Sync every store of ``entries`` into ``out`` (see the module docstring); the report.

    ``config`` is the sync's run configuration: its catalog, index, matcher, engine, decision
    store and limits serve every store (its ``pos``, ``out``, ``source`` and ``store_id`` are
    each store's own). ``progress`` is told of each store once it is done.
    """
    layout = Layout(layout)
    # A sync that stops (the catalog, an interrupt) leaves no folder it made and left empty.
    with folders_made(out):
        if config.engine == "spark":  # one Spark job for the network (engines/spark/sync.py)
            from poslink.engines.spark.sync import sync_on_spark

            return sync_on_spark(entries, config, out, layout, progress)
        return _sync_local(entries, config, out, layout, progress)


def _sync_local(
    entries: list[StoreEntry],
    config: RunConfig,
    out: Path,
    layout: Layout,
    progress: Callable[[StoreResult], None] | None,
) -> NetworkReport:
    """``sync_network`` on the local engine."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    report = ReportBuilder()
    catalog = _Catalog(config)
    engine = build_engine(config)
    with _sharing(engine) as decisions, _decision_store(config) as store:
        shared = Shared(catalog, engine, decisions=store)
        # Without a decision store every record of a store reaches the engine: the stores
        # to come are sent ahead, so the workers match while this process reads and writes.
        # With one, the next store is read in a thread, in this process's waits.
        ahead: StoresAhead | NextStoreRead = (
            StoresAhead(entries, config, out, layout, decisions)
            if store is None
            else NextStoreRead(entries, config, out, layout)
        )
        for i, entry in enumerate(entries):
            ahead.send(i + 1)
            try:
                read = replace(shared, source=ahead.take(i))
                result = _sync_store(entry, config, out, layout, read, decisions, report)
            finally:
                catalog.restore()  # what the store was taught stays with it
            if progress is not None:
                progress(result)
    extra: dict[str, object] = {"layout": layout.value}
    if decisions is not None:
        extra["answered_from_cache"] = decisions.answered
    return report.build(
        time.perf_counter() - started,
        catalog_version=catalog.version_if_read(),
        decisions=decisions.decided if decisions is not None else 0,
        **extra,
    )


def _sync_store(
    entry: StoreEntry,
    base: RunConfig,
    out: Path,
    layout: Layout,
    shared: Shared,
    decisions: SharedDecisions | None,
    report: ReportBuilder,
) -> StoreResult:
    """One store: its output published and its figures in the report, or its failure."""
    result = StoreResult(entry.store, entry.source, entry.location)
    if entry.problem:
        result.error = f"line {entry.line}: {entry.problem}"
        report.fail_store(result)
        # An error, not a warning: the sync goes on, but it exits 1, and ``-q`` shows errors.
        log.error("store %s failed: %s", entry.store, result.error)
        return result
    where = store_output(out, entry.store, layout)
    tap = Tap(report)
    decided, answered = (decisions.decided, decisions.answered) if decisions else (0, 0)
    started = time.perf_counter()
    try:
        config = store_config(base, entry, where.output, layout)
        summary = pipeline.run(config, shared=replace(shared, tap=tap, rejects=where.rejects))
        if summary.output_reused:
            tap.replayed(build_source(config), where.output, layout is Layout.parquet)
        tap.flush()
    except _STORE_ERRORS as exc:
        if isinstance(exc, CatalogError):
            raise  # no store can be matched without the catalog
        result.error = str(exc)
        result.seconds = time.perf_counter() - started
        report.fail_store(result)
        _drop_empty(where.output.parent, out)
        log.error("store %s failed: %s", entry.store, exc)
        return result
    result.records = summary.records
    result.matched = summary.matched
    result.no_match = summary.no_match
    result.ambiguous = summary.ambiguous
    result.rejected = summary.rejected
    result.reused = summary.reused or 0
    result.seconds = summary.seconds
    result.output = str(where.output)
    if decisions is not None:
        result.decided = decisions.decided - decided
        result.cached = decisions.answered - answered
    try:
        summary.check_rejects(base.max_reject_rate)
    except PoslinkError as exc:
        # Published all the same, as ``poslink run`` does; the store counts as failed.
        result.error = str(exc)
        report.fail_store(result)
        log.error("store %s failed: %s", entry.store, exc)
        return result
    report.end_store(result)
    log.info("store %s: %s", entry.store, summary.line())
    return result


def _drop_empty(folder: Path, out: Path) -> None:
    """A store's own folder (Parquet layout) left empty by its failure is removed."""
    if folder != out:
        with contextlib.suppress(OSError):
            folder.rmdir()


def publish_report(report: NetworkReport, json_path: Path, html_path: Path | None) -> None:
    """Write the report as JSON and as the HTML page, each whole or not at all."""
    pages = [(json_path, report.to_json())]
    if html_path is not None:
        pages.append((html_path, render_page(report)))
    for path, text in pages:
        target = AtomicFile(path, newline="\n")
        try:
            target.open().write(text)
            target.commit()
        except BaseException:
            target.abort()
            raise
