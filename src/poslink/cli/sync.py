"""``poslink sync``: every store of a manifest matched in one run, with a network report."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from poslink import logs
from poslink.cli import options as opt
from poslink.cli._app import Outcome, app, err, errors, out
from poslink.cli.run import build_config
from poslink.exceptions import ConfigError
from poslink.network.manifest import read_manifest
from poslink.network.report import NetworkReport, StoreResult
from poslink.network.sync import Layout, publish_report, report_paths, sync_network

log = logging.getLogger("poslink")

# Stores listed in the printed table (the lowest match rates; failed stores always).
SHOWN_STORES = 20


@app.command("sync")
def sync_cmd(
    manifest: Annotated[
        Path, typer.Option("--manifest", help="the stores: a TOML or CSV manifest")
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", help="the folder to write each store's output and the report")
    ],
    catalog: opt.Catalog = None,
    config_file: opt.ConfigFile = None,
    layout: Annotated[
        Layout,
        typer.Option(
            "--format", help="csv: OUT/<store>.csv; parquet: OUT/store=<store>/part-0.parquet"
        ),
    ] = Layout.csv,
    index: opt.SavedIndex = None,
    decisions: Annotated[
        str | None,
        opt.decisions("each store matches only its new or changed records", "--store"),
    ] = None,
    full: opt.Full = False,
    report_html: Annotated[
        Path | None,
        typer.Option(
            help="the HTML report (default: report.html in --out, _report.html for parquet)"
        ),
    ] = None,
    workers: opt.Workers = None,
    engine: Annotated[
        str | None,
        typer.Option(help="engine: local (default), or spark (poslink\\[spark], --format parquet)"),
    ] = None,
    master: opt.Master = None,
    threshold: opt.Threshold = None,
    margin: opt.Margin = None,
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
    max_reject_rate: Annotated[
        float | None,
        opt.max_reject_rate(
            "a store rejecting more than this share of its records fails (default: 0.5)"
        ),
    ] = None,
    lock_timeout: opt.LockTimeout = None,
    quiet: Annotated[bool, opt.quiet("no progress or table; errors only on stderr")] = False,
    verbose: Annotated[int, opt.verbose("say what the sync does (-vv: more)")] = 0,
    log_format: opt.LogFormat = opt.LogFormatChoice.text,
) -> None:
    """Match every store of a manifest against the catalog in one run, with a network report.

    Each store's output is written, and the report as JSON, a table and an HTML page. The
    catalog is indexed once and one decision cache serves every store. Exit codes: 0 every
    store synced, 1 some store failed (reported, the others complete), 2 usage or an unusable
    manifest, 3 the catalog cannot be read, 4 environment error, 75 retryable, 130
    interrupted, 143 terminated.
    """
    logs.configure(logs.level_for(verbose, quiet), log_format.value)
    given = {
        # Each store's own export and output replace these two.
        ("pos",): ("--manifest", str(manifest)),
        ("out",): ("--out", str(out_dir)),
        ("catalog",): ("--catalog", catalog),
        ("matcher", "threshold"): ("--threshold", threshold),
        ("matcher", "margin"): ("--margin", margin),
        ("catalog_table",): ("--catalog-table", catalog_table),
        ("decisions",): ("--decisions", decisions),
        ("full",): ("--full", full or None),
        ("index",): ("--index", index),
        ("engine_options", "workers"): ("--workers", workers),
        ("engine",): ("--engine", engine),
        ("engine_options", "master"): ("--master", master),
        ("max_reject_rate",): ("--max-reject-rate", max_reject_rate),
        ("timeouts", "lock"): ("--lock-timeout", lock_timeout),
    }
    outcome = Outcome()
    with errors(outcome):
        config = build_config(config_file, given, [], catalog_column or [])
        if config.engine not in ("local", "spark"):
            raise ConfigError(f"sync runs on the local or spark engine (not {config.engine!r})")
        entries = read_manifest(manifest)
        if out_dir.exists() and not out_dir.is_dir():
            raise ConfigError(f"--out {out_dir}: not a folder")
        json_path, html_path = report_paths(out_dir, layout)
        with _stores_bar(len(entries), not quiet and err.is_terminal) as tick:
            report = sync_network(entries, config, out_dir, layout, progress=tick)
        publish_report(report, json_path, report_html or html_path)
        if not quiet:
            print_report(report)
        out.print(
            f"poslink: report -> {json_path} and {report_html or html_path}",
            markup=False,
            highlight=False,
        )
        if report.failed:
            raise typer.Exit(1)


@contextmanager
def _stores_bar(total: int, enabled: bool) -> Iterator[Callable[[StoreResult], None] | None]:
    """A progress bar of the stores done on stderr, or nothing."""
    if not enabled:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("syncing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[store]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("stores", total=total, store="")

        def tick(result: StoreResult) -> None:
            bar.update(task, advance=1, store=f"{result.store}: {result.status}")

        yield tick


def print_report(report: NetworkReport) -> None:
    """The totals, each source system and the stores (failed ones and the lowest rates) as
    Rich tables."""
    totals = report.totals
    out.print(
        f"{len(report.stores)} stores ({len(report.failed)} failed), {totals.records:,} records:"
        f" {totals.matched:,} matched, {totals.no_match:,} no match, {totals.ambiguous:,}"
        f" ambiguous, {totals.rejected:,} rejected; match rate {totals.match_rate:.1%};"
        f" {report.decisions:,} decided; {report.seconds:.1f} s",
        markup=False,
        highlight=False,
    )
    systems = Table(title="per source system", box=box.SIMPLE_HEAD)
    systems.add_column("source", no_wrap=True)
    for name in ("stores", "records", "matched", "rate"):
        systems.add_column(name, justify="right")
    for name, share in sorted(report.systems.items()):
        systems.add_row(
            name,
            f"{share.stores:,}",
            f"{share.records:,}",
            f"{share.matched:,}",
            f"{share.rate:.1%}",
        )
    out.print(systems)
    stores = Table(title="stores (failed first, then the lowest rates)", box=box.SIMPLE_HEAD)
    stores.add_column("store", no_wrap=True)
    for name in ("records", "matched", "none", "ambig.", "rejected", "rate", "status"):
        stores.add_column(name, justify="right")
    ordered = sorted(report.stores, key=lambda s: (s.status == "ok", s.match_rate, s.store))
    for s in ordered[:SHOWN_STORES]:
        stores.add_row(
            s.store,
            f"{s.records:,}",
            f"{s.matched:,}",
            f"{s.no_match:,}",
            f"{s.ambiguous:,}",
            f"{s.rejected:,}",
            f"{s.match_rate:.1%}",
            "ok" if s.status == "ok" else "FAILED",
        )
    out.print(stores)
    for s in report.failed:
        out.print(f"failed: {s.store}: {s.error}", markup=False, highlight=False)
    if len(ordered) > SHOWN_STORES:
        out.print(f"... {len(ordered) - SHOWN_STORES} more stores in the JSON and HTML reports")
