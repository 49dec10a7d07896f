"""One run of poslink: configuration in, matched output and a summary out.

``RunConfig`` lives in ``poslink.config``; it is imported here too for callers of ``run``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from poslink import plugins
from poslink.catalogs import open_catalog
from poslink.config import RunConfig
from poslink.domain.knowledge import load_category_table
from poslink.engines.base import Engine, Job
from poslink.exceptions import PluginError
from poslink.matching import CatalogIndex
from poslink.matching.index import catalog_version
from poslink.matching.saved import load_index
from poslink.records import Status
from poslink.sinks.base import Sink
from poslink.sinks.csv import RejectsFile, rejects_path
from poslink.sources.base import Source

__all__ = ["RunConfig", "RunSummary", "build_index", "build_output", "build_source", "run"]


@dataclass(frozen=True)
class RunSummary:
    """What a run did."""

    records: int
    matched: int
    no_match: int
    ambiguous: int
    rejected: int
    seconds: float
    output: Path
    rejects: Path | None
    # With a decision store: records whose stored decision was reused, overrides applied, and
    # whether the whole output was an unchanged earlier one.
    reused: int | None = None
    overridden: int = 0
    output_reused: bool = False

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
    source = cls(config.pos, config.source_options)
    load_category_table(source.category_table)
    return source


def build_index(config: RunConfig) -> CatalogIndex:
    """Read the catalog and build its index, or load the saved one when it fits the catalog."""
    catalog = open_catalog(
        config.catalog,
        kind=config.catalog_kind,
        table=config.catalog_table,
        columns=config.catalog_columns,
    )
    if config.index is not None:
        return load_index(config.index, catalog_version(catalog.products()))
    return CatalogIndex.build(catalog.products())


def build_output(config: RunConfig, fields: list[str]) -> tuple[Sink, Engine, RejectsFile]:
    """The configured sink (on the output path), engine and rejects file."""
    sink_cls = plugins.load("sinks", config.sink)
    engine_cls = plugins.load("engines", config.engine)
    sink = sink_cls(config.out, fields)
    engine = engine_cls(**config.engine_options)
    assert isinstance(sink, Sink) and isinstance(engine, Engine)
    return sink, engine, RejectsFile(rejects_path(config.out))


def run(config: RunConfig, progress: Callable[[int], None] | None = None) -> RunSummary:
    """Match the POS export against the catalog and write the output; return the summary."""
    if config.decisions is not None:
        from poslink.store.run import run_with_store  # the store imports this module

        return run_with_store(config, progress)
    started = time.perf_counter()
    source = build_source(config)
    source.check_readable()
    index = build_index(config)
    sink, engine, rejects = build_output(config, source.fields)
    try:
        with sink:
            counts = engine.run(Job(source, index, config.matcher, sink, rejects, progress))
    except BaseException:
        rejects.abort()
        raise
    rejects.commit()
    return RunSummary(
        records=sum(counts.values()),
        matched=counts[Status.MATCHED],
        no_match=counts[Status.NO_MATCH],
        ambiguous=counts[Status.AMBIGUOUS],
        rejected=counts[Status.REJECTED],
        seconds=time.perf_counter() - started,
        output=config.out,
        rejects=rejects.path if rejects.count else None,
    )
