"""What a run may read and write: never an output over an input, URLs only for an engine that
reads and writes them itself, a decision store's run on local files only."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from poslink.config import RunConfig
from poslink.engines.base import Engine
from poslink.exceptions import ConfigError
from poslink.files.atomic import is_stream
from poslink.files.locations import is_url, local_file
from poslink.files.rejects import rejects_path
from poslink.runs.parts import build_engine, pulls
from poslink.sinks.base import Sink
from poslink.sources.base import STDIN


def check_locations(config: RunConfig, engine: Engine, sink: Sink | None = None) -> None:
    """A URL for input or output needs an engine that reads and writes them itself, and a run
    without a decision store (whose reuse is of local files). An API the source pulls itself is
    not such a URL. An engine that writes ``sink``'s output itself (Spark's CSV) writes files,
    not a stream (``--out -``): refused here, before the export is read and matched."""
    if (
        sink is not None
        and config.decisions is None  # the store's merge is a sink the driver writes
        and is_stream(config.out)
        and engine.writes_output(sink)
    ):
        raise ConfigError(
            f"--out {config.out}: the {engine.name} engine writes files, not a stream;"
            " give a file (--single-file) or a folder"
        )
    pos = () if pulls(config) else (config.location("pos"),)
    urls = [location for location in (*pos, config.location("out")) if is_url(location)]
    if urls and config.decisions is not None:
        raise ConfigError("a run with a decision store reads and writes local files, not URLs")
    for location in urls:
        if not engine.handles_urls:
            raise ConfigError(
                f"{location}: the {engine.name} engine reads and writes local paths only;"
                " URLs need --engine spark"
            )


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
    writes a directory there (Spark without ``--single-file``), and then only an empty one or
    one the engine wrote before: the engine replaces the whole directory.
    """
    engine = engine or build_engine(config)
    if config.decisions is not None and not config.store_id and str(config.pos) == STDIN:
        # A store's decisions are kept by its id, which a file's name gives; standard input
        # has none, and every feed piped in would share one store.
        raise ConfigError(
            "--pos - with a decision store needs --store-id: the store's decisions are kept by it"
        )
    reads: dict[str, Path | None] = {
        "--pos": None if is_url(config.location("pos")) else config.pos,
        "--catalog": local_file(config.catalog),
        "--index": config.index,
        **(inputs or {}),
    }
    store = local_file(config.decisions)
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
    if "--out" in writes and config.out.is_dir():
        if not writes_directory(config, engine):
            raise ConfigError(
                f"--out {config.out} is a directory: give the file to write"
                " (Spark writes a directory of parts there without --single-file, --decisions"
                " or another --sink)"
            )
        engine.check_output_folder(config.out)


def writes_directory(config: RunConfig, engine: Engine) -> bool:
    """Whether the run's output at ``--out`` is a directory of parts.

    Only when the engine writes one and writes the CSV output itself: another sink, and a run
    with a decision store (whose merge is a sink of its own), are written by the driver, one
    file, whatever the engine.
    """
    return engine.writes_directory() and config.sink == "csv" and config.decisions is None


def refuse_overwriting(
    out: Path, reads: Mapping[str, str | Path | None], option: str = "--out"
) -> None:
    """Refuse, before anything is read or written, a command's ``--out`` that is one of the
    files it reads (``reads``: option -> location; a catalog or store given as a server URL is
    no file) or a directory: poslink never writes over what it reads (``check_paths`` does the
    same for a run)."""
    if is_stream(out):
        return
    if out.is_dir():
        raise ConfigError(f"{option} {out} is a directory: give the file to write")
    for name, location in reads.items():
        read = local_file(None if location is None else str(location))
        if read is not None and _same_file(out, read):
            raise ConfigError(
                f"{option} {out} is the {name} file: poslink never writes over what it reads;"
                " choose another output"
            )
