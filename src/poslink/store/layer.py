"""The decision store as a layer around a run's source and sink (``RunConfig.decisions``).

The orchestrator (``pipeline.run``) takes every run down one path; with a store, this layer
stands around the engine there. Two levels of reuse, both exact:

- *the feed*: when the input file's bytes, the catalog version, the rules, the overrides, the
  source options and the sink are those of an earlier run whose output (and rejects file) is
  still in place unchanged, the output is that file: it is copied, nothing is matched;
- *the record*: otherwise every record with a valid stored decision reuses it and only the
  others reach the engine (``store/incremental.py``); every record reaches the sink.

Nothing here imports the orchestrator: it calls this layer, never the other way round.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from poslink.config import RunConfig
from poslink.engines.base import Engine, Job
from poslink.files.atomic import Prepared, is_stream, publish_copy
from poslink.files.rejects import RejectsFile, rejects_path
from poslink.matching import CatalogIndex
from poslink.records import Status
from poslink.runs.parts import CatalogAccess
from poslink.runs.summary import Progress, RunSummary
from poslink.signals import deferred
from poslink.sinks.base import Sink
from poslink.sources.base import Source
from poslink.store.db import DecisionStore
from poslink.store.incremental import StoreRun, StoreRunResult
from poslink.store.knowledge import load_learned
from poslink.store.rows import NO_OUTPUTS, Outputs, Published, RunRecord

log = logging.getLogger(__name__)


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes; None when it is not a readable file."""
    h = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def feed_key(config: RunConfig, runner: StoreRun, digest: str | None) -> str:
    """A hash of everything the output depends on, the input as ``digest`` ("" without one).

    ``digest`` is the SHA-256 of the export's bytes: of the bytes the run read, when it is
    recorded (``Source.read_digest``); of the file as it is now, when looking for an earlier
    output to reuse. An input read some other way has none: no output is reused for it.
    """
    if digest is None:
        return ""
    source = runner.source
    # The overrides the run reads (read once, when the run began).
    overrides = sorted((o.kind, o.key, o.answer) for o in runner.overrides.every())
    parts: list[Any] = [
        runner.source_name,
        source.options.model_dump(mode="json"),
        source.fields,
        runner.default_store,
        digest,
        runner.rules,
        runner.state.version,
        overrides,
        config.sink,
    ]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def read_key(config: RunConfig, runner: StoreRun) -> str:
    """The key of the feed as the run read it, once it has read it all; ``InputChanged``
    when the file changed meanwhile (nothing is saved or published then)."""
    runner.source.check_unchanged()
    return feed_key(config, runner, runner.source.read_digest())


def _published(path: Path, written: Path) -> Published:
    """``path`` as published, its bytes those of ``written`` (its temporary file)."""
    digest = file_digest(written)
    assert digest is not None, written
    return Published(str(path.resolve()), digest)


def _same(a: Path, b: Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


class DecisionLayer:
    """A run's decision store around its source and sink (see the module docstring)."""

    def __init__(
        self,
        config: RunConfig,
        source: Source,
        catalog: CatalogAccess,
        store: DecisionStore,
        rejects: Path | None = None,
    ) -> None:
        self.config = config
        self.store = store
        # Where this run's rejects file goes (beside the output unless the run says otherwise).
        self.rejects = rejects if rejects is not None else rejects_path(config.out)
        self.streamed = is_stream(config.out)
        default_store = config.store_id or config.pos.name
        # What the catalog team taught for this source and store (the review console).
        self.learned = load_learned(store, source.name, default_store)
        self.catalog = catalog
        self._taught: CatalogIndex | None = None
        self.runner = StoreRun(
            store,
            source=source,
            catalog_version=catalog.version,
            index=self._index,
            matcher_config=config.matcher,
            default_store=default_store,
            full=config.full,
            knowledge=self.learned.digest() if self.learned else "",
        )
        self.result: StoreRunResult | None = None
        self._refuse_unknown_overrides()

    @classmethod
    @contextmanager
    def open(
        cls,
        config: RunConfig,
        source: Source,
        catalog: CatalogAccess,
        rejects: Path | None = None,
        store: DecisionStore | None = None,
    ) -> Iterator[DecisionLayer]:
        """The layer of the configured store, open for the run (closed when it ends); of
        ``store`` when the caller holds it open (a sync's runs, one a store)."""
        assert config.decisions is not None
        if store is not None:
            yield cls(config, source, catalog, store, rejects)
            return
        with DecisionStore(config.decisions, config.timeouts) as opened:
            yield cls(config, source, catalog, opened, rejects)

    def _index(self) -> CatalogIndex:
        """The catalog's index with what was taught (built on first use only)."""
        if self._taught is None:
            self._taught = self.catalog.taught(self.learned)
        return self._taught

    def _refuse_unknown_overrides(self) -> None:
        """Overrides to ids the catalog does not have are refused: their records stay blank."""
        overrides = self.runner.overrides
        overrides.unknown = frozenset(self.catalog.missing(overrides.ids()))
        for o in overrides.refused():
            log.warning(
                "override %s %r -> %s refused: catalog id %s is not in the catalog; its records"
                " are left blank (fix it or remove it: poslink override remove)",
                o.kind,
                o.key,
                o.jane_product_id,
                o.jane_product_id,
            )

    def replay(self, started: float) -> RunSummary | None:
        """The earlier output for the same feed, copied into place when it is still there
        unchanged (not for ``--full``, nor for an output written straight to a stream)."""
        config, runner = self.config, self.runner
        if config.full or self.streamed:
            return None
        key = feed_key(config, runner, file_digest(runner.source.path))
        prev = runner.store.last_published(runner.source_name, key) if key else None
        if prev is None:
            return None
        output = Path(prev["output"])
        rejects = Path(prev["rejects"]) if prev["rejects"] else None
        if file_digest(output) != prev["output_digest"]:
            return None
        if rejects is not None and file_digest(rejects) != prev["rejects_digest"]:
            return None
        new_rejects = self.rejects
        with deferred():
            if rejects is not None and not _same(rejects, new_rejects):
                publish_copy(rejects, new_rejects)
            elif rejects is None and new_rejects.is_file():
                new_rejects.unlink()  # a stale one from another run at this path
            if not _same(output, config.out):
                publish_copy(output, config.out)
        counts: dict[str, int] = json.loads(prev["counts"])
        # Counted as a run that read the feed counts them: rejected records are not decisions,
        # and an overridden one counts as overridden only.
        reused = (
            prev["records"] - counts.get(Status.REJECTED.value, 0) - counts.get("overridden", 0)
        )
        runner.store.save(
            RunRecord(
                source=runner.source_name,
                store=runner.default_store,
                catalog_version=runner.state.version,
                full=False,
                records=prev["records"],
                matched_now=0,
                reused=reused,
                counts=counts,
                feed_key=key,
            ),
            [],
            blocks=lambda: runner.state.blocks,
            outputs=Outputs(
                Published(str(config.out.resolve()), prev["output_digest"]),
                Published(str(new_rejects.resolve()), prev["rejects_digest"]) if rejects else None,
            ),
        )
        statuses = Counter({Status(k): v for k, v in counts.items() if k in set(Status)})
        return RunSummary.of(
            statuses,
            started,
            config.out,
            new_rejects if rejects else None,
            reused=reused,
            overridden=counts.get("overridden", 0),
            output_reused=True,
        )

    def sink(self, sink: Sink, rejects: RejectsFile) -> Sink:
        """The engine writes to the merge, which writes every record to ``sink`` in order."""
        return self.runner.sink(sink, rejects)

    def job(
        self, source: Source, sink: Sink, rejects: RejectsFile, progress: Progress | None
    ) -> Job | None:
        """Only the records without a valid stored decision; None when there is none."""
        return self.runner.job(sink, rejects, progress)

    def finish(
        self, counts: Counter[Status], engine: Engine, prepared: Callable[[], Prepared]
    ) -> Counter[Status]:
        """Every record written: the new decisions saved, with where the output goes and its
        digest (for a later run of the same feed), in one transaction; the statuses of all."""
        config, runner = self.config, self.runner
        name = engine.name or type(engine).__name__
        self.result = runner.finish(
            name, lambda: read_key(config, runner), lambda: self._outputs(prepared())
        )
        return self.result.counts

    def _outputs(self, files: Prepared) -> Outputs:
        """The output and rejects file as they will be published: where, and their digests
        (read from the files prepared); none for an output written to a stream."""
        if self.streamed or files.output is None:
            return NO_OUTPUTS
        return Outputs(
            _published(self.config.out, files.output),
            _published(self.rejects, files.rejects) if files.rejects is not None else None,
        )

    def published(self) -> dict[str, Any]:
        """The summary's reused and overridden counts."""
        result = self.result
        assert result is not None
        return {"reused": result.reused, "overridden": result.overridden}
