"""A run with a decision store (``RunConfig.decisions``).

Two levels of reuse, both exact:

- *the feed*: when the input file's bytes, the catalog version, the rules, the overrides, the
  source options and the sink are those of an earlier run whose output (and rejects file) is
  still in place unchanged, the output is that file: it is copied, nothing is matched;
- *the record*: otherwise every record with a valid stored decision reuses it and only the
  others are matched (``store/incremental.py``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from poslink.domain.learned import teach
from poslink.files.atomic import is_stream, publish_copy
from poslink.files.rejects import rejects_path
from poslink.matching import CatalogIndex
from poslink.pipeline import (
    CatalogAccess,
    InputProgress,
    Progress,
    RunConfig,
    RunSummary,
    build_output,
    build_source,
    publish,
)
from poslink.records import Status
from poslink.signals import deferred
from poslink.store.db import DecisionStore, Published, RunRecord
from poslink.store.incremental import StoreRun
from poslink.store.knowledge import load_learned

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
    overrides = sorted(
        (o.kind, o.key, o.answer) for o in runner.store.list_overrides(runner.source_name)
    )
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


def _published(path: Path) -> Published:
    digest = file_digest(path)
    assert digest is not None, path
    return Published(str(path.resolve()), digest)


def _replay(config: RunConfig, runner: StoreRun, key: str, started: float) -> RunSummary | None:
    """The earlier output for the same feed, when it is still in place unchanged."""
    prev = runner.store.last_published(runner.source_name, key)
    if prev is None:
        return None
    output = Path(prev["output"])
    rejects = Path(prev["rejects"]) if prev["rejects"] else None
    if file_digest(output) != prev["output_digest"]:
        return None
    if rejects is not None and file_digest(rejects) != prev["rejects_digest"]:
        return None
    new_rejects = rejects_path(config.out)
    with deferred():
        if rejects is not None and not _same(rejects, new_rejects):
            publish_copy(rejects, new_rejects)
        elif rejects is None and new_rejects.is_file():
            new_rejects.unlink()  # a stale one from another run at this path
        if not _same(output, config.out):
            publish_copy(output, config.out)
    counts: dict[str, int] = json.loads(prev["counts"])
    run_id = runner.store.save(
        RunRecord(
            source=runner.source_name,
            store=runner.default_store,
            catalog_version=runner.state.version,
            full=False,
            records=prev["records"],
            matched_now=0,
            reused=prev["records"],
            counts=counts,
            feed_key=key,
        ),
        [],
        blocks=lambda: runner.state.blocks,
    )
    runner.store.record_output(
        run_id,
        Published(str(config.out.resolve()), prev["output_digest"]),
        Published(str(new_rejects.resolve()), prev["rejects_digest"]) if rejects else None,
    )
    statuses = Counter({Status(k): v for k, v in counts.items() if k in set(Status)})
    return _summary(
        config,
        statuses,
        started,
        rejects=new_rejects if rejects else None,
        reused=prev["records"] - statuses[Status.REJECTED],
        overridden=counts.get("overridden", 0),
        output_reused=True,
    )


def _same(a: Path, b: Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def _summary(
    config: RunConfig,
    counts: Counter[Status],
    started: float,
    *,
    rejects: Path | None,
    reused: int,
    overridden: int,
    output_reused: bool = False,
) -> RunSummary:
    return RunSummary.of(
        counts,
        started,
        config.out,
        rejects,
        reused=reused,
        overridden=overridden,
        output_reused=output_reused,
    )


def _refuse_unknown_overrides(runner: StoreRun, catalog: CatalogAccess) -> None:
    """Overrides to ids the catalog does not have are refused: their records stay blank."""
    overrides = runner.overrides
    overrides.unknown = frozenset(catalog.missing(overrides.ids()))
    for o in overrides.refused():
        log.warning(
            "override %s %r -> %s refused: catalog id %s is not in the catalog; its records"
            " are left blank (fix it or remove it: poslink override remove)",
            o.kind,
            o.key,
            o.jane_product_id,
            o.jane_product_id,
        )


def run_with_store(config: RunConfig, progress: Progress | None) -> RunSummary:
    """One run that reuses what the decision store allows and records what it decided."""
    assert config.decisions is not None
    started = time.perf_counter()
    source = build_source(config)
    source.check_readable()
    catalog = CatalogAccess(config)
    streamed = is_stream(config.out)
    default_store = config.store_id or config.pos.name
    with DecisionStore(config.decisions, config.timeouts) as store:
        # What the catalog team taught for this source and store (the review console).
        learned = load_learned(store, source.name, default_store)
        taught: list[CatalogIndex] = []

        def index() -> CatalogIndex:
            if not taught:
                taught.append(teach(catalog.index, learned))
            return taught[0]

        runner = StoreRun(
            store,
            source=source,
            catalog_version=catalog.version,
            index=index,
            matcher_config=config.matcher,
            default_store=default_store,
            full=config.full,
            knowledge=learned.digest() if learned else "",
        )
        _refuse_unknown_overrides(runner, catalog)
        if not config.full and not streamed:
            key = feed_key(config, runner, file_digest(source.path))
            replayed = _replay(config, runner, key, started) if key else None
            if replayed is not None:
                return replayed
        sink, engine, rejects = build_output(config, source.fields)
        if isinstance(progress, InputProgress):
            progress.watch(source)
        try:
            sink.open()
            result = runner.run(engine, sink, rejects, lambda: read_key(config, runner), progress)
        except BaseException:
            sink.abort()
            rejects.abort()
            raise
        publish(sink, rejects)
        if result.feed_key and not streamed:
            store.record_output(
                result.run_id,
                _published(config.out),
                _published(rejects.path) if rejects.count and rejects.path else None,
            )
    return _summary(
        config,
        result.counts,
        started,
        rejects=rejects.path if rejects.count else None,
        reused=result.reused,
        overridden=result.overridden,
    )
