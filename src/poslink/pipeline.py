"""One run of poslink: configuration in, matched output and a summary out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from poslink import plugins
from poslink.catalogs import open_catalog
from poslink.config import MatcherConfig
from poslink.engines.base import Engine, Job
from poslink.exceptions import ConfigError, PluginError
from poslink.locations import as_location, is_url
from poslink.matching import CatalogIndex
from poslink.records import Status
from poslink.sinks.base import Sink
from poslink.sinks.csv import RejectsFile, rejects_path
from poslink.sources.base import Source


class RunConfig(BaseModel):
    """What one run reads, how it matches and where it writes."""

    model_config = ConfigDict(extra="forbid")

    pos: Path | str
    catalog: str
    out: Path | str
    source: str = "jane-json"
    source_options: dict[str, Any] = Field(default_factory=dict)
    catalog_kind: str | None = None
    catalog_table: str = "products"
    sink: str = "csv"
    engine: str = "local"
    engine_options: dict[str, Any] = Field(default_factory=dict)
    matcher: MatcherConfig = Field(default_factory=MatcherConfig)

    @field_validator("pos", "out", mode="before")
    @classmethod
    def _location(cls, value: Any) -> Any:
        """A URL stays text for the engine to read; anything else is a path."""
        return as_location(value) if isinstance(value, str | Path) else value


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

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        rejects = f" (rejects: {self.rejects})" if self.rejects else ""
        return (
            f"{self.records} records: {self.matched} matched, {self.no_match} no match, "
            f"{self.ambiguous} ambiguous, {self.rejected} rejected in {self.seconds:.2f} s "
            f"-> {self.output}{rejects}"
        )


def build_source(config: RunConfig) -> Source:
    """The configured source, opened on the POS export."""
    cls = plugins.load("sources", config.source)
    if not issubclass(cls, Source):
        raise PluginError(f"source {config.source!r} is not a poslink Source")
    return cls(config.pos, config.source_options)


def build_index(config: RunConfig) -> CatalogIndex:
    """Read the catalog and build its index."""
    catalog = open_catalog(config.catalog, kind=config.catalog_kind, table=config.catalog_table)
    return CatalogIndex.build(catalog.products())


def run(config: RunConfig, progress: Callable[[int], None] | None = None) -> RunSummary:
    """Match the POS export against the catalog and write the output; return the summary."""
    started = time.perf_counter()
    engine_cls = plugins.load("engines", config.engine)
    engine = engine_cls(**config.engine_options)
    assert isinstance(engine, Engine)
    for location in (config.pos, config.out):
        if is_url(location) and not engine.handles_urls:
            raise ConfigError(
                f"{location}: the {engine.name} engine reads and writes local paths only;"
                " URLs need --engine spark"
            )
    source = build_source(config)
    if not is_url(config.pos):
        source.check_readable()
    index = build_index(config)
    sink_cls = plugins.load("sinks", config.sink)
    sink = sink_cls(config.out, source.fields)
    assert isinstance(sink, Sink)
    rejects = RejectsFile(rejects_path(config.out))
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
