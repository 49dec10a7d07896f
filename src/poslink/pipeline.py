"""One run of poslink: configuration in, matched output and a summary out; the one orchestrator.

Every run takes the same path: the paths are checked, the configured parts built
(``runs/parts.py``), the input found readable; then a *layer* around the engine decides what
reaches it. A plain run's layer hands the engine the source and the sink themselves; with a
decision store (``RunConfig.decisions``), ``store/layer.py`` wraps them, so that only new or
changed records reach the engine and every record still reaches the sink, in input order. The
output and the rejects file are published whole, or not at all.

A network sync (``network/sync.py``) makes one run per store, all taking the catalog's index
and the engine from ``Shared`` (``runs/parts.py``) instead of building their own.

``RunConfig`` lives in ``poslink.config`` and ``RunSummary`` in ``runs/summary.py``; both are
imported here too for callers of ``run``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from poslink.config import MatcherConfig, RunConfig
from poslink.engines.base import Engine, Job
from poslink.files.atomic import Prepared, is_stream
from poslink.files.locations import folders_made, is_url
from poslink.files.rejects import RejectsFile
from poslink.matching import CatalogIndex
from poslink.records import Status
from poslink.runs.parts import CatalogAccess, Shared, build_output, build_source, pulls
from poslink.runs.paths import check_locations, check_paths
from poslink.runs.summary import InputProgress, Progress, RunSummary
from poslink.signals import AfterPublishing, deferred
from poslink.sinks.base import Sink
from poslink.sources.base import Source

log = logging.getLogger(__name__)

__all__ = ["Layer", "RunConfig", "RunSummary", "Shared", "publish", "run"]


class Layer(Protocol):
    """What a run puts around its engine: ``Direct`` (nothing), or a decision store's layer."""

    def replay(self, started: float) -> RunSummary | None:
        """The summary of an earlier run whose output this one may reuse as it is (copied)."""

    def sink(self, sink: Sink, rejects: RejectsFile) -> Sink:
        """The sink the engine writes to, in front of the run's own."""

    def job(
        self, source: Source, sink: Sink, rejects: RejectsFile, progress: Progress | None
    ) -> Job | None:
        """The engine's job on ``sink`` (from ``sink()``); None when no record needs it.

        Called once the run's own sink is open: a layer may write records to it meanwhile.
        """

    def finish(
        self, counts: Counter[Status], engine: Engine, prepared: Callable[[], Prepared]
    ) -> Counter[Status]:
        """Once the engine is done: the statuses of every record written, before publishing.

        ``prepared`` finishes the output and rejects files on disk (not yet in place) and gives
        them: a layer that records the output does so before it is published.
        """

    def published(self) -> dict[str, Any]:
        """Once the output is published: what the summary adds for this layer."""


class Direct:
    """A run without a decision store: every record to the engine, its rows to the sink."""

    def __init__(self, index: CatalogIndex, matcher: MatcherConfig, source: Source) -> None:
        self.index = index
        self.matcher = matcher
        self.source = source

    def replay(self, started: float) -> None:
        """Nothing is kept between runs: no earlier output to reuse."""

    def sink(self, sink: Sink, rejects: RejectsFile) -> Sink:
        """The run's own sink."""
        return sink

    def job(
        self, source: Source, sink: Sink, rejects: RejectsFile, progress: Progress | None
    ) -> Job:
        """Every record of the source, matched against the catalog's index."""
        return Job(source, self.index, self.matcher, sink, rejects, progress)

    def finish(
        self, counts: Counter[Status], engine: Engine, prepared: Callable[[], Prepared]
    ) -> Counter[Status]:
        """The engine's counts, once the input is found unchanged since it was read."""
        self.source.check_unchanged()
        return counts

    def published(self) -> dict[str, Any]:
        """Nothing to add."""
        return {}


@contextmanager
def _layer(
    config: RunConfig,
    source: Source,
    catalog: CatalogAccess,
    rejects: RejectsFile,
    shared: Shared | None,
) -> Iterator[Layer]:
    if config.decisions is None:
        yield Direct(catalog.index, config.matcher, source)
        return
    # Imported here: SQLAlchemy loads only when a run uses a decision store.
    from poslink.store.layer import DecisionLayer

    store = shared.decisions if shared is not None else None
    with DecisionLayer.open(config, source, catalog, rejects.path, store) as layer:
        yield layer


def run(
    config: RunConfig, progress: Progress | None = None, *, shared: Shared | None = None
) -> RunSummary:
    """Match the POS export against the catalog and write the output; return the summary.

    Nothing is read or written before the paths are checked (``check_paths``). The output
    appears whole or not at all; an interrupted run (Ctrl-C, SIGTERM) leaves none. One run of
    many (``shared``) takes the catalog and the engine from there.
    """
    check_paths(config, shared.engine if shared is not None else None)
    started = time.perf_counter()
    ready = shared.source if shared is not None else None
    source = ready if ready is not None else build_source(config)
    sink, engine, rejects = build_output(config, source.fields, shared)
    check_locations(config, engine, sink)
    if not is_url(config.location("pos")) or pulls(config):
        source.check_readable()
    if shared is not None and shared.tap is not None:
        source, sink = shared.tap(source, sink)
    catalog = shared.catalog if shared is not None else CatalogAccess(config)
    with (
        # One run of many (a sync) is not the whole command: what it published, the
        # command's own report says.
        AfterPublishing(active=shared is None) as after,
        folders_made(*_folders(config, rejects)),
        _layer(config, source, catalog, rejects, shared) as layer,
    ):
        earlier = layer.replay(started)
        if earlier is not None:
            after.done = True
            return earlier
        if isinstance(progress, InputProgress):
            progress.watch(source)
        into = layer.sink(sink, rejects)
        log.info("matching %s with the %s engine", config.location("pos"), engine.name)
        if engine.writes_output(into):
            # The engine publishes the output and the rejects itself (Spark's CSV): both
            # whole or neither.
            job = layer.job(source, into, rejects, progress)
            assert job is not None
            try:
                counts = engine.run(job)
            except BaseException:
                rejects.abort()
                raise
            after.done = True
            rejects.commit()
        else:
            try:
                sink.open()
                job = layer.job(source, into, rejects, progress)
                counts = layer.finish(
                    engine.run(job) if job else Counter(), engine, lambda: prepare(sink, rejects)
                )
            except BaseException:
                sink.abort()
                rejects.abort()
                raise
            publish(sink, rejects, after)
        added = layer.published()
    location = config.location("out")
    return RunSummary.of(
        counts, started, location, rejects.location if rejects.count else None, **added
    )


def _folders(config: RunConfig, rejects: RejectsFile) -> list[Path]:
    """The folders the run's output and rejects file go to (made by writing them)."""
    found = [] if rejects.path is None else [rejects.path.parent]
    if not is_url(config.location("out")) and not is_stream(config.out):
        found.append(config.out.parent)
    return found


def prepare(sink: Sink, rejects: RejectsFile) -> Prepared:
    """Write a finished run's output and rejects file to disk, not yet in place."""
    return Prepared(sink.prepare(), rejects.prepare())


def publish(sink: Sink, rejects: RejectsFile, after: AfterPublishing) -> None:
    """Make a finished run's output and rejects file visible, signals held back meanwhile.

    The rejects file is written to disk first, then the output moved into place, then the
    rejects file: a failure (no space to sync) leaves both as they were. ``after`` is done
    once both are in place.
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
    after.done = True
    log.info("published %s", sink.location)
