"""One run of poslink: configuration in, matched output and a summary out.

``RunConfig`` lives in ``poslink.config``; it is imported here too for callers of ``run``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from poslink import plugins
from poslink.catalogs import open_catalog
from poslink.config import RunConfig
from poslink.db.connect import describe
from poslink.domain.knowledge import load_category_table
from poslink.engines.base import Engine, Job
from poslink.exceptions import ConfigError, PluginError, RejectRateExceeded
from poslink.files.atomic import is_stream
from poslink.files.locations import is_url
from poslink.files.rejects import RejectsFile, rejects_path
from poslink.matching import CatalogIndex
from poslink.matching.index import catalog_version
from poslink.matching.saved import load_index
from poslink.records import CatalogProduct, Status
from poslink.signals import deferred
from poslink.sinks.base import Sink
from poslink.sources.base import Source

log = logging.getLogger(__name__)

__all__ = [
    "CatalogAccess",
    "InputProgress",
    "RunConfig",
    "RunSummary",
    "build_index",
    "build_output",
    "build_source",
    "check_paths",
    "publish",
    "run",
]


@runtime_checkable
class InputProgress(Protocol):
    """A progress display that also follows how much of the input file has been read.

    ``run`` calls ``watch`` with the source before reading it, then the display with the
    number of records done; ``source.progress()`` gives bytes read and the file's size, for
    a bar with a total and an estimated time left.
    """

    def __call__(self, records: int) -> None:
        """Some more records are done."""

    def watch(self, source: Source) -> None:
        """The source whose file the run reads."""


Progress = Callable[[int], None] | InputProgress


@dataclass(frozen=True)
class RunSummary:
    """What a run did."""

    records: int
    matched: int
    no_match: int
    ambiguous: int
    rejected: int
    seconds: float
    output: Path | str
    rejects: Path | str | None
    # With a decision store: records whose stored decision was reused, overrides applied, and
    # whether the whole output was an unchanged earlier one.
    reused: int | None = None
    overridden: int = 0
    output_reused: bool = False

    @classmethod
    def of(
        cls,
        counts: Mapping[Status, int],
        started: float,
        output: Path | str,
        rejects: Path | str | None,
        **store: Any,
    ) -> RunSummary:
        """The summary of a run that decided ``counts`` and began at ``started``."""
        return cls(
            records=sum(counts.values()),
            matched=counts.get(Status.MATCHED, 0),
            no_match=counts.get(Status.NO_MATCH, 0),
            ambiguous=counts.get(Status.AMBIGUOUS, 0),
            rejected=counts.get(Status.REJECTED, 0),
            seconds=time.perf_counter() - started,
            output=output,
            rejects=rejects,
            **store,
        )

    @property
    def reject_rate(self) -> float:
        """The share of records the source rejected (0 for an empty feed)."""
        return self.rejected / self.records if self.records else 0.0

    def check_rejects(self, max_rate: float, hint: str | None = None) -> None:
        """``RejectRateExceeded`` when more than ``max_rate`` of the records were rejected."""
        if self.reject_rate <= max_rate:
            return
        every = self.rejected == self.records
        why = (
            "every record was rejected: is the source (--source) or its column mapping right?"
            if every
            else "see the rejects file for why"
        )
        raise RejectRateExceeded(
            f"{self.rejected} of {self.records} records rejected ({self.reject_rate:.0%}),"
            f" more than --max-reject-rate {max_rate:g} allows; {why}"
            + (f" ({hint})" if hint else "")
        )

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data (``--summary-json``)."""
        return {
            "records": self.records,
            "matched": self.matched,
            "no_match": self.no_match,
            "ambiguous": self.ambiguous,
            "rejected": self.rejected,
            "reject_rate": round(self.reject_rate, 6),
            "seconds": round(self.seconds, 3),
            "output": str(self.output),
            "rejects": None if self.rejects is None else str(self.rejects),
            "reused": self.reused,
            "overridden": self.overridden,
            "output_reused": self.output_reused,
        }

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        rejects = f" (rejects: {self.rejects})" if self.rejects else ""
        store = ""
        if self.reused is not None:
            store = f"; {self.reused} decisions reused, {self.overridden} overridden"
            store += " (unchanged feed: earlier output reused)" if self.output_reused else ""
        return (
            f"{self.records} records: {self.matched} matched, {self.no_match} no match, "
            f"{self.ambiguous} ambiguous, {self.rejected} rejected{store} in "
            f"{self.seconds:.2f} s -> {self.output}{rejects}"
        )


def build_source(config: RunConfig) -> Source:
    """The configured source, opened on the POS export, its category table checked."""
    cls = plugins.load("sources", config.source)
    if not issubclass(cls, Source):
        raise PluginError(f"source {config.source!r} is not a poslink Source")
    if pulls(config) and getattr(plugins.load("engines", config.engine), "handles_urls", False):
        raise ConfigError(
            f"the {config.engine} engine reads its input itself: pull with the local engine, or"
            " save the pages first (-o save_pages=DIR) and give --pos DIR"
        )
    source = cls(config.location("pos"), config.source_options)
    load_category_table(source.category_table)
    return source


def pulls(config: RunConfig) -> bool:
    """Whether the configured source pulls ``pos`` from an API itself (not a file or URL)."""
    cls = plugins.load("sources", config.source)
    return issubclass(cls, Source) and cls.pulls_from(str(config.location("pos")))


class CatalogAccess:
    """The configured catalog: its version on first use, its index only when asked for.

    A run with a decision store needs the version to know whether anything must be matched,
    and the index only when something must. The products read for the version are kept for
    the index, so the catalog is read once and the index is of exactly that version.
    """

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self._read: list[CatalogProduct] | None = None

    def _products(self) -> Iterable[CatalogProduct]:
        catalog = open_catalog(
            self.config.catalog,
            kind=self.config.catalog_kind,
            table=self.config.catalog_table,
            columns=self.config.catalog_columns,
            timeouts=self.config.timeouts,
        )
        log.info("reading the catalog %s", describe(self.config.catalog))
        return catalog.products()

    @cached_property
    def version(self) -> str:
        """The catalog's version (``matching.index.catalog_version``)."""
        self._read = list(self._products())
        version = catalog_version(self._read)
        log.debug("catalog: %d products, version %s", len(self._read), version)
        return version

    @cached_property
    def index(self) -> CatalogIndex:
        """The saved index when it fits the catalog, or one built from the catalog."""
        if self.config.index is not None:
            index = load_index(self.config.index, self.version)
        else:
            # Streamed from the catalog when the version was not asked for first.
            index = CatalogIndex.build(self._read if self._read is not None else self._products())
        log.debug("catalog index of %d products ready", len(index))
        self._read = None
        return index

    def missing(self, ids: set[str]) -> set[str]:
        """Those of ``ids`` the catalog does not have (reading its products if not yet done)."""
        if not ids:
            return set()
        _ = self.version
        products = self._read if self._read is not None else self.index.products
        return ids - {p.id for p in products if p.id in ids}


def build_index(config: RunConfig) -> CatalogIndex:
    """Read the catalog and build its index, or load the saved one when it fits the catalog."""
    return CatalogAccess(config).index


def build_engine(config: RunConfig) -> Engine:
    """The configured engine, its options validated."""
    engine = plugins.load("engines", config.engine)(**config.engine_options)
    assert isinstance(engine, Engine)
    return engine


def build_output(config: RunConfig, fields: list[str]) -> tuple[Sink, Engine, RejectsFile]:
    """The configured sink (on the output path), engine and rejects file.

    An output written straight (``-``, a device, a FIFO) has no rejects file beside it: the
    rejected records are in the output, status ``rejected``.
    """
    sink_cls = plugins.load("sinks", config.sink)
    sink = sink_cls(config.location("out"), fields)
    engine = build_engine(config)
    assert isinstance(sink, Sink)
    out = config.location("out")
    rejects = RejectsFile(None if is_stream(out) else rejects_path(out))
    return sink, engine, rejects


def check_locations(config: RunConfig, engine: Engine) -> None:
    """A URL for input or output needs an engine that reads and writes them itself.

    An API the source pulls itself is not such a URL.
    """
    pos = () if pulls(config) else (config.location("pos"),)
    for location in (*pos, config.location("out")):
        if is_url(location) and not engine.handles_urls:
            raise ConfigError(
                f"{location}: the {engine.name} engine reads and writes local paths only;"
                " URLs need --engine spark"
            )


def _file_of(location: str | None) -> Path | None:
    """The local file a catalog or store location names (None for a server URL)."""
    if location is None:
        return None
    if location.startswith("sqlite:///"):
        return Path(location.removeprefix("sqlite:///"))
    return None if "://" in location else Path(location).expanduser()


def _same_file(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_paths(
    config: RunConfig,
    engine: Engine | None = None,
    *,
    inputs: Mapping[str, Path | None] | None = None,
    outputs: Mapping[str, Path | None] | None = None,
) -> None:
    """Refuse, before anything is read or written, a run that would write over what it reads.

    No output (``--out``, its rejects file, ``outputs``) may be, or lead by a link to, an input
    (``--pos``, ``--catalog``, ``--index``, ``--decisions``, ``inputs``), and the decision store
    may not be the catalog or the export. ``--out`` may not be a directory unless the engine
    writes a directory there (Spark without ``--single-file``).
    """
    engine = engine or build_engine(config)
    reads: dict[str, Path | None] = {
        "--pos": None if is_url(config.location("pos")) else config.pos,
        "--catalog": _file_of(config.catalog),
        "--index": config.index,
        **(inputs or {}),
    }
    store = _file_of(config.decisions)
    out = config.location("out")
    writes: dict[str, Path | None] = {**(outputs or {})}
    if not is_url(out):
        writes = {"--out": config.out, **writes}
        if not is_stream(config.out):
            writes["the rejects file of --out"] = rejects_path(config.out)
    for wname, written in writes.items():
        if written is None or is_stream(written):
            continue
        for rname, read in {**reads, "--decisions": store}.items():
            if read is not None and _same_file(written, read):
                raise ConfigError(
                    f"{wname} {written} is the {rname} file: poslink never writes over what it"
                    " reads; choose another output"
                )
    if store is not None:
        for rname in ("--catalog", "--pos", "--index"):
            read = reads.get(rname)
            if read is not None and _same_file(store, read):
                raise ConfigError(
                    f"--decisions {store} is the {rname} file: the decision store is a file of"
                    " its own"
                )
    if "--out" in writes and config.out.is_dir() and not engine.writes_directory():
        raise ConfigError(
            f"--out {config.out} is a directory: give the file to write"
            " (Spark writes a directory of parts there without --single-file)"
        )


def _watch(progress: Progress | None, source: Source) -> None:
    if isinstance(progress, InputProgress):
        progress.watch(source)


def run(config: RunConfig, progress: Progress | None = None) -> RunSummary:
    """Match the POS export against the catalog and write the output; return the summary.

    Nothing is read or written before the paths are checked (``check_paths``). The output
    appears whole or not at all; an interrupted run (Ctrl-C, SIGTERM) leaves none.
    """
    check_paths(config)
    if config.decisions is not None:
        pos = config.location("pos")
        if (is_url(pos) and not pulls(config)) or is_url(config.location("out")):
            raise ConfigError("a run with a decision store reads and writes local files, not URLs")
        from poslink.store.run import run_with_store  # the store imports this module

        return run_with_store(config, progress)
    started = time.perf_counter()
    source = build_source(config)
    sink, engine, rejects = build_output(config, source.fields)
    check_locations(config, engine)
    if not is_url(config.location("pos")) or pulls(config):
        source.check_readable()
    index = build_index(config)
    _watch(progress, source)
    job = Job(source, index, config.matcher, sink, rejects, progress)
    log.info("matching %s with the %s engine", config.location("pos"), engine.name)
    if engine.writes_output(sink):
        try:
            counts = engine.run(job)
        except BaseException:
            rejects.abort()
            raise
        rejects.commit()
    else:
        try:
            sink.open()
            counts = engine.run(job)
            source.check_unchanged()
        except BaseException:
            sink.abort()
            rejects.abort()
            raise
        publish(sink, rejects)
    return RunSummary.of(
        counts, started, config.location("out"), rejects.location if rejects.count else None
    )


def publish(sink: Sink, rejects: RejectsFile) -> None:
    """Make a finished run's output and rejects file visible, signals held back meanwhile.

    The rejects file is written to disk first, then the output moved into place, then the
    rejects file: a failure (no space to sync) leaves both as they were.
    """
    with deferred():
        try:
            rejects.prepare()
            sink.commit()
        except BaseException:
            sink.abort()
            rejects.abort()
            raise
        rejects.commit()
    log.info("published %s", sink.location)
