"""One run of poslink: configuration in, matched output and a summary out.

``RunConfig`` lives in ``poslink.config``; it is imported here too for callers of ``run``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from poslink import plugins
from poslink.catalogs import open_catalog
from poslink.collector import batch_collection
from poslink.config import RunConfig
from poslink.domain.knowledge import load_category_table
from poslink.engines.base import Engine, Job
from poslink.exceptions import ConfigError, PluginError
from poslink.locations import is_url
from poslink.matching import CatalogIndex
from poslink.matching.index import catalog_version
from poslink.matching.saved import load_index
from poslink.records import CatalogProduct, Status
from poslink.sinks.base import Sink
from poslink.sinks.csv import RejectsFile, rejects_path
from poslink.sources.base import Source

__all__ = [
    "CatalogAccess",
    "RunConfig",
    "RunSummary",
    "build_index",
    "build_output",
    "build_source",
    "run",
]


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
        )
        return catalog.products()

    @cached_property
    def version(self) -> str:
        """The catalog's version (``matching.index.catalog_version``)."""
        self._read = list(self._products())
        return catalog_version(self._read)

    @cached_property
    def index(self) -> CatalogIndex:
        """The saved index when it fits the catalog, or one built from the catalog."""
        if self.config.index is not None:
            index = load_index(self.config.index, self.version)
        else:
            # Streamed from the catalog when the version was not asked for first.
            index = CatalogIndex.build(self._read if self._read is not None else self._products())
        self._read = None
        return index


def build_index(config: RunConfig) -> CatalogIndex:
    """Read the catalog and build its index, or load the saved one when it fits the catalog."""
    return CatalogAccess(config).index


def build_output(config: RunConfig, fields: list[str]) -> tuple[Sink, Engine, RejectsFile]:
    """The configured sink (on the output path), engine and rejects file."""
    sink_cls = plugins.load("sinks", config.sink)
    engine_cls = plugins.load("engines", config.engine)
    sink = sink_cls(config.location("out"), fields)
    engine = engine_cls(**config.engine_options)
    assert isinstance(sink, Sink) and isinstance(engine, Engine)
    return sink, engine, RejectsFile(rejects_path(config.location("out")))


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


@batch_collection()
def run(config: RunConfig, progress: Callable[[int], None] | None = None) -> RunSummary:
    """Match the POS export against the catalog and write the output; return the summary."""
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
    job = Job(source, index, config.matcher, sink, rejects, progress)
    try:
        if engine.writes_output(sink):
            counts = engine.run(job)
        else:
            with sink:
                counts = engine.run(job)
    except BaseException:
        rejects.abort()
        raise
    rejects.commit()
    return RunSummary.of(
        counts, started, config.location("out"), rejects.location if rejects.count else None
    )
