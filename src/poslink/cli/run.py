"""``poslink run``: match a POS export against the catalog, write the output and a summary."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from poslink import logs
from poslink.cli import options as opt
from poslink.cli._app import Outcome, app, err, errors, out, poslink_version, progress
from poslink.config import Layer, RunConfig, load_run_config, parse_value
from poslink.db.connect import describe
from poslink.exceptions import CatalogError, ConfigError, InputError, PoslinkError
from poslink.files.atomic import AtomicFile, is_stream
from poslink.files.locations import is_url
from poslink.pipeline import RunSummary, run
from poslink.runs.paths import check_paths
from poslink.signals import AfterPublishing
from poslink.sources.sniff import format_hint

log = logging.getLogger("poslink")


@app.command("run")
def run_cmd(
    config_file: opt.ConfigFile = None,
    pos: Annotated[
        str | None, typer.Option("--pos", help="the POS export to read (a path; spark: or a URL)")
    ] = None,
    catalog: opt.Catalog = None,
    out_path: Annotated[
        str | None, typer.Option("--out", help="the CSV to write (a path; spark: or a URL)")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="source format (see `poslink sources`) (default: jane-json)")
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option", "-o", help="a source option KEY=VALUE (dotted keys: columns.id=SKU)"
        ),
    ] = None,
    engine: Annotated[
        str | None, typer.Option(help="engine: local (default), or spark (poslink\\[spark])")
    ] = None,
    master: opt.Master = None,
    single_file: Annotated[
        bool, typer.Option("--single-file", help="spark: one CSV file, not a CSV directory")
    ] = False,
    strategy: Annotated[
        str | None,
        typer.Option(help="spark: broadcast the index, join by brand, or auto (by index size)"),
    ] = None,
    sink: Annotated[str | None, typer.Option(help="output format (default: csv)")] = None,
    threshold: opt.Threshold = None,
    margin: opt.Margin = None,
    quiet: Annotated[bool, opt.quiet("no progress bar; errors only on stderr")] = False,
    workers: opt.Workers = None,
    index: opt.SavedIndex = None,
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
    decisions: Annotated[
        str | None, opt.decisions("match only new or changed records, apply overrides")
    ] = None,
    store_id: Annotated[
        str | None, typer.Option(help="the store the export comes from (default: its file name)")
    ] = None,
    full: opt.Full = False,
    max_reject_rate: Annotated[
        float | None,
        opt.max_reject_rate(
            "exit 1 when the source rejects more than this share of records (default: 0.5)"
        ),
    ] = None,
    lock_timeout: opt.LockTimeout = None,
    connect_timeout: Annotated[
        float | None,
        typer.Option(help="seconds to wait for a database server to connect (default: 10)"),
    ] = None,
    statement_timeout: Annotated[
        float | None,
        typer.Option(help="seconds one database statement may take (default: 300)"),
    ] = None,
    summary_json: Annotated[
        Path | None,
        typer.Option(help="also write the run's summary (or its error) as JSON to this file"),
    ] = None,
    verbose: Annotated[int, opt.verbose("say what the run does (-vv: more)")] = 0,
    log_format: opt.LogFormat = opt.LogFormatChoice.text,
) -> None:
    """Match a POS export against the catalog and write every record with its catalog id.

    Settings come from flags, then the --config file, then POSLINK_... environment variables.
    Exit codes: 0 done, 1 too many rejects, 2 usage, 3 data error, 4 environment error,
    75 retryable, 130 interrupted, 143 terminated (see the README).
    """
    logs.configure(logs.level_for(verbose, quiet), log_format.value)
    started = datetime.now(UTC)
    outcome = Outcome()
    config: RunConfig | None = None
    summary: RunSummary | None = None
    given = {
        ("pos",): ("--pos", pos),
        ("catalog",): ("--catalog", catalog),
        ("out",): ("--out", out_path),
        ("source",): ("--source", source),
        ("engine",): ("--engine", engine),
        ("sink",): ("--sink", sink),
        ("matcher", "threshold"): ("--threshold", threshold),
        ("matcher", "margin"): ("--margin", margin),
        ("catalog_table",): ("--catalog-table", catalog_table),
        ("decisions",): ("--decisions", decisions),
        ("store_id",): ("--store-id", store_id),
        ("full",): ("--full", full or None),
        ("engine_options", "master"): ("--master", master),
        ("engine_options", "single_file"): ("--single-file", single_file or None),
        ("engine_options", "strategy"): ("--strategy", strategy),
        ("index",): ("--index", index),
        ("engine_options", "workers"): ("--workers", workers),
        ("max_reject_rate",): ("--max-reject-rate", max_reject_rate),
        ("timeouts", "lock"): ("--lock-timeout", lock_timeout),
        ("timeouts", "connect"): ("--connect-timeout", connect_timeout),
        ("timeouts", "statement"): ("--statement-timeout", statement_timeout),
    }
    try:
        with errors(outcome), AfterPublishing() as after:
            config = build_config(config_file, given, option or [], catalog_column or [])
            summary = _run(config, quiet, summary_json, config_file, after)
            hint = _hint(config) if summary.rejected else None
            summary.check_rejects(config.max_reject_rate, hint)
    finally:
        if summary_json is not None:
            write_summary(summary_json, outcome, summary, config, started)


def build_config(
    config_file: Path | None,
    given: dict[tuple[str, ...], tuple[str, Any]],
    option: list[str],
    catalog_column: list[str],
) -> RunConfig:
    """The run configuration from the flags (``given``: key -> flag and value, None when not
    given), the file and the environment."""
    flags = Layer("command line")
    for key, (flag, value) in given.items():
        if value is not None:
            flags.set(key, str(value) if isinstance(value, Path) else value, f"option {flag}")
    for item in option:
        name, sep, value = item.partition("=")
        where = f"option --option {item!r}"
        if not sep or not name.strip():
            raise ConfigError(f"{where}: expected KEY=VALUE")
        key = ("source_options", *name.strip().split("."))
        flags.set(key, parse_value(value, where), where)
    pairs = opt.catalog_columns(catalog_column)
    for item, (name, value) in zip(catalog_column, pairs, strict=True):
        flags.set(("catalog_columns", name), value, f"option --catalog-column {item!r}")
    return load_run_config(config_file, flags)


def _run(
    config: RunConfig,
    quiet: bool,
    summary_json: Path | None,
    config_file: Path | None,
    after: AfterPublishing,
) -> RunSummary:
    """Run and print the summary line; ``after`` is done once the run has returned."""
    check_paths(config, inputs={"--config": config_file}, outputs={"--summary-json": summary_json})
    try:
        with progress(not quiet and err.is_terminal) as bar:
            summary = run(config, progress=bar)
            after.done = True
    except InputError as exc:
        hint = _hint(config) if not isinstance(exc, CatalogError) else None
        if hint and str(config.pos) in str(exc):
            raise type(exc)(f"{exc} ({hint})") from exc
        raise
    # The output may be standard output: the summary then goes to stderr, which -q keeps for
    # errors (``--summary-json`` still has it).
    if not is_stream(config.out):
        out.print(f"poslink: {summary.line()}", markup=False, highlight=False)
    elif not quiet:
        err.print(f"poslink: {summary.line()}", markup=False, highlight=False)
    log.info("run finished", extra={"fields": {"summary": summary.as_dict()}})
    return summary


def _hint(config: RunConfig) -> str | None:
    if is_url(config.location("pos")):
        return None
    return format_hint(config.source, config.pos)


def write_summary(
    path: Path,
    outcome: Outcome,
    summary: RunSummary | None,
    config: RunConfig | None,
    started: datetime,
) -> None:
    """The run's summary, or why it failed, as JSON (``--summary-json``); never raises."""
    data: dict[str, Any] = {
        "poslink": poslink_version(),
        "status": outcome.status,
        "exit_code": outcome.exit_code,
        "error": outcome.error,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if config is not None:
        data["pos"] = str(config.location("pos"))
        data["out"] = str(config.location("out"))
        data["catalog"] = describe(config.catalog)
        data["decisions"] = describe(config.decisions) if config.decisions else None
    if summary is not None:
        data.update(summary.as_dict())
    target = AtomicFile(path, newline="\n")
    try:
        target.open().write(json.dumps(data, indent=2) + "\n")
        target.commit()
    except (OSError, PoslinkError) as exc:
        target.abort()
        log.error("cannot write --summary-json %s: %s", path, exc)
