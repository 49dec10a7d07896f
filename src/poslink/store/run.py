"""A run with a decision store (``RunConfig.decisions``).

Two levels of reuse, both exact:

- *the feed*: when the input file's bytes, the catalog version, the rules, the overrides, the
  source options and the sink are those of an earlier run whose output (and rejects file) is
  still in place unchanged, the output is that file: it is copied, nothing is matched;
- *the record*: otherwise every record with a valid stored decision reuses it and only the
  others are matched (``store/incremental.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from poslink.domain.learned import teach
from poslink.matching import CatalogIndex
from poslink.pipeline import CatalogAccess, RunConfig, RunSummary, build_output, build_source
from poslink.records import Status
from poslink.sinks.csv import rejects_path
from poslink.sources.base import Source
from poslink.store.db import DecisionStore, Published, RunRecord
from poslink.store.incremental import StoreRun
from poslink.store.knowledge import load_learned


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


def feed_key(config: RunConfig, source: Source, runner: StoreRun) -> str | None:
    """A hash of everything the output depends on; None when the input is not one file."""
    digest = file_digest(source.path)
    if digest is None:
        return None
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


def _publish_copy(src: Path, dst: Path) -> None:
    """Copy a file into place atomically (a temporary file beside it, then rename)."""
    if src.resolve() == dst.resolve():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


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
    if rejects is not None:
        _publish_copy(rejects, new_rejects)
    else:
        with contextlib.suppress(FileNotFoundError):
            new_rejects.unlink()  # a stale one from another run at this path
    _publish_copy(output, config.out)
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


def run_with_store(config: RunConfig, progress: Callable[[int], None] | None) -> RunSummary:
    """One run that reuses what the decision store allows and records what it decided."""
    assert config.decisions is not None
    started = time.perf_counter()
    source = build_source(config)
    source.check_readable()
    catalog = CatalogAccess(config)
    default_store = config.store_id or config.pos.name
    with DecisionStore(config.decisions) as store:
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
        key = feed_key(config, source, runner) or ""
        if key and not config.full:
            replayed = _replay(config, runner, key, started)
            if replayed is not None:
                return replayed
        sink, engine, rejects = build_output(config, source.fields)
        try:
            with sink:
                result = runner.run(engine, sink, rejects, key, progress)
        except BaseException:
            rejects.abort()
            raise
        rejects.commit()
        if key:
            store.record_output(
                result.run_id,
                _published(config.out),
                _published(rejects.path) if rejects.count else None,
            )
    return _summary(
        config,
        result.counts,
        started,
        rejects=rejects.path if rejects.count else None,
        reused=result.reused,
        overridden=result.overridden,
    )
