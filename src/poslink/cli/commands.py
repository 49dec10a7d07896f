"""The core commands: ``run``, ``eval``, ``explain``, ``sources``."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from poslink import logs, plugins
from poslink.cli._app import Outcome, app, err, errors, out, poslink_version, progress
from poslink.config import Layer, RunConfig, load_run_config, parse_value
from poslink.db.connect import describe
from poslink.evaluate import read_labels, read_output
from poslink.exceptions import EXIT_REJECTS, CatalogError, ConfigError, InputError, PoslinkError
from poslink.files.atomic import AtomicFile, is_stream
from poslink.files.locations import is_url
from poslink.pipeline import RunSummary, run
from poslink.runs.paths import check_paths
from poslink.sources.sniff import format_hint

log = logging.getLogger("poslink")


class LogFormatChoice(StrEnum):
    """``--log-format``."""

    text = "text"
    json = "json"


@app.command("run")
def run_cmd(
    config_file: Annotated[
        Path | None, typer.Option("--config", help="a TOML run configuration (flags override it)")
    ] = None,
    pos: Annotated[
        str | None, typer.Option("--pos", help="the POS export to read (a path; spark: or a URL)")
    ] = None,
    catalog: Annotated[
        str | None, typer.Option("--catalog", help="catalog: SQLite file path or SQLAlchemy URL")
    ] = None,
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
        str | None, typer.Option(help="engine: local (default), or spark (poslink[spark])")
    ] = None,
    master: Annotated[
        str | None,
        typer.Option(help="spark: the master URL (default: local[*], or spark-submit's)"),
    ] = None,
    single_file: Annotated[
        bool, typer.Option("--single-file", help="spark: one CSV file, not a CSV directory")
    ] = False,
    strategy: Annotated[
        str | None,
        typer.Option(help="spark: broadcast the index, join by brand, or auto (by index size)"),
    ] = None,
    sink: Annotated[str | None, typer.Option(help="output format (default: csv)")] = None,
    threshold: Annotated[
        float | None, typer.Option(help="least name similarity to match (default: 0.86)")
    ] = None,
    margin: Annotated[
        float | None,
        typer.Option(help="runner-up closeness that makes it ambiguous (default: 0.03)"),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="no progress bar; errors only on stderr")
    ] = False,
    workers: Annotated[
        int | None, typer.Option(min=1, help="processes that match (default: every core)")
    ] = None,
    index: Annotated[
        Path | None, typer.Option(help="a saved index (`poslink index build`) of the catalog")
    ] = None,
    catalog_table: Annotated[
        str | None, typer.Option(help="the catalog's table (default: products)")
    ] = None,
    catalog_column: Annotated[
        list[str] | None,
        typer.Option(help="a renamed catalog column NAME=COLUMN (name=title); repeatable"),
    ] = None,
    decisions: Annotated[
        str | None,
        typer.Option(
            help="decision store (SQLite path or SQLAlchemy URL): match only new or changed"
            " records, apply overrides"
        ),
    ] = None,
    store_id: Annotated[
        str | None, typer.Option(help="the store the export comes from (default: its file name)")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="with a decision store: match every record again")
    ] = False,
    max_reject_rate: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="exit 1 when the source rejects more than this share of records (default: 0.5)",
        ),
    ] = None,
    lock_timeout: Annotated[
        float | None,
        typer.Option(help="seconds to wait for a locked catalog or store (default: 30)"),
    ] = None,
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
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="say what the run does (-vv: more)")
    ] = 0,
    log_format: Annotated[
        LogFormatChoice, typer.Option(help="stderr messages as text or JSON lines")
    ] = LogFormatChoice.text,
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
        with errors(outcome):
            config = build_config(config_file, given, option or [], catalog_column or [])
            summary = _run(config, quiet, summary_json, config_file)
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
    for item in catalog_column:
        name, sep, value = item.partition("=")
        where = f"option --catalog-column {item!r}"
        if not sep or not name.strip() or not value.strip():
            raise ConfigError(f"{where}: expected NAME=COLUMN")
        flags.set(("catalog_columns", name.strip()), value.strip(), where)
    return load_run_config(config_file, flags)


def _run(
    config: RunConfig, quiet: bool, summary_json: Path | None, config_file: Path | None
) -> RunSummary:
    """Run and print the summary line."""
    check_paths(config, inputs={"--config": config_file}, outputs={"--summary-json": summary_json})
    try:
        with progress(not quiet and err.is_terminal) as bar:
            summary = run(config, progress=bar)
    except InputError as exc:
        hint = _hint(config) if not isinstance(exc, CatalogError) else None
        if hint and str(config.pos) in str(exc):
            raise type(exc)(f"{exc} ({hint})") from exc
        raise
    # The output may be standard output: the summary then goes to stderr.
    console = err if is_stream(config.out) else out
    console.print(f"poslink: {summary.line()}", markup=False, highlight=False)
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


@app.command("eval")
def eval_cmd(
    labels: Annotated[Path, typer.Option("--labels", help="hand labels CSV")],
    out_path: Annotated[Path, typer.Option("--out", help="a poslink output CSV")],
    report: Annotated[Path | None, typer.Option(help="also write the figures as JSON")] = None,
    show_errors: Annotated[int, typer.Option("--errors", help="error rows to show")] = 50,
    as_json: Annotated[
        bool, typer.Option("--json", help="print the figures as JSON instead of text")
    ] = False,
    group: Annotated[
        list[str] | None,
        typer.Option(
            help="also report tiers together: NAME=TIER,TIER (T and T_none always are); repeatable"
        ),
    ] = None,
    fail_under: Annotated[
        str | None,
        typer.Option(
            help="exit 1 when a figure is under its bound: precision=0.98,recall=0.9,f1=0.9"
        ),
    ] = None,
) -> None:
    """Precision, recall and F1 of an output against labels, with a table of its errors.

    Labels with a `tier` column: the figures per tier too.

    An output with a `match_score` column: predicted and observed precision per score band.
    """
    from poslink.scorecard import reliability_lines, scorecard, tier_lines

    with errors():
        bounds = parse_bounds(fail_under) if fail_under else {}
        groups = {}
        for item in group or []:
            name, sep, members = item.partition("=")
            tiers = tuple(t.strip() for t in members.split(",") if t.strip())
            if not sep or not name.strip() or not tiers:
                raise ConfigError(f"option --group {item!r}: expected NAME=TIER,TIER")
            groups[name.strip()] = tiers
        card = scorecard(read_labels(labels), read_output(out_path), groups)
    figures = card.as_dict()
    if report is not None:
        report.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    metrics = card.overall
    if as_json:
        print(json.dumps(figures, indent=2))
        _fail_under(bounds, metrics.as_dict())
        return
    out.print(
        f"precision {metrics.precision:.4f}  recall {metrics.recall:.4f}  F1 {metrics.f1:.4f}  "
        f"({metrics.records} records, {metrics.predicted} ids given, {metrics.positives} expected, "
        f"{len(metrics.errors)} errors)",
        markup=False,
        highlight=False,
    )
    for line in [*_spaced(tier_lines(card)), *_spaced(reliability_lines(card))]:
        out.print(line, markup=False, highlight=False)
    if metrics.errors and show_errors:
        table = Table("row", "name", "given", "acceptable", "status", "error")
        for e in metrics.errors[:show_errors]:
            table.add_row(str(e.row), e.name, e.predicted, e.acceptable, e.status, e.kind)
        out.print(table)
    _fail_under(bounds, metrics.as_dict())


def _spaced(lines: list[str]) -> list[str]:
    """A block of lines with a blank line before it; nothing for no lines."""
    return ["", *lines] if lines else []


def _fail_under(bounds: dict[str, float], figures: dict[str, Any]) -> None:
    """Exit 1 (``EXIT_REJECTS``) when a figure is under its ``--fail-under`` bound."""
    under = [f"{k} {figures[k]:.4f} < {v:g}" for k, v in bounds.items() if figures[k] < v]
    if under:
        log.error(
            "under --fail-under: %s",
            ", ".join(under),
            extra={"fields": {"exit_code": EXIT_REJECTS, "kind": "gate"}},
        )
        raise typer.Exit(EXIT_REJECTS)


FIGURES = ("precision", "recall", "f1")


def parse_bounds(text: str) -> dict[str, float]:
    """``precision=0.98,recall=0.9`` as {figure: least value}; ``ConfigError`` if malformed."""
    bounds: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not sep or name not in FIGURES or not 0.0 <= number <= 1.0:
            raise ConfigError(
                f"--fail-under {text!r}: expected FIGURE=VALUE[,...] with FIGURE one of"
                f" {', '.join(FIGURES)} and VALUE from 0 to 1"
            )
        bounds[name] = number
    return bounds


@app.command("explain")
def explain_cmd(
    name: Annotated[str, typer.Argument(help="the POS product name")],
    catalog: Annotated[str, typer.Option("--catalog", help="catalog: SQLite file path")],
    category: Annotated[str, typer.Option(help="the POS category")] = "",
    brand: Annotated[str | None, typer.Option(help="the POS brand field, if it has one")] = None,
    product_type: Annotated[
        str | None, typer.Option("--type", help="the POS product type field, if it has one")
    ] = None,
    lineage: Annotated[
        str | None, typer.Option(help="the POS lineage field (strainType), if it has one")
    ] = None,
    weight: Annotated[
        str | None, typer.Option(help="the POS weight or size field, if it has one")
    ] = None,
    category_table: Annotated[
        str, typer.Option(help="the category table: a built-in name or a .toml path")
    ] = "default",
    top: Annotated[int, typer.Option(help="candidates to show")] = 8,
) -> None:
    """Show how a name is parsed, where each attribute came from, and why it matches or not."""
    from poslink.catalogs import open_catalog
    from poslink.explain import item_fields
    from poslink.matching import CatalogIndex, Matcher

    with errors():
        index = CatalogIndex.build(open_catalog(catalog).products())
        parser = index.parser(category_table)
    matcher = Matcher(index)
    item, origins = parser.explain_pos(
        name, category, brand=brand, product_type=product_type, lineage=lineage, weight=weight
    )
    parsed = Table("field", "value", "from", title="parsed")
    for key, value in item_fields(item).items():
        parsed.add_row(key, value, origins.get(key, "") if value else "")
    for key, value in origins.items():
        if key not in item_fields(item):
            parsed.add_row(key, "", value)
    out.print(parsed)
    decision = matcher.match(0, item)
    cands = Table(
        "id",
        "catalog name",
        "brand",
        "type / subtype",
        "evidence",
        "veto / doubt",
        "agrees",
        title="candidates",
    )
    for cand in matcher.candidates(item, floor=0.5)[:top]:
        p = index.products[cand.position]
        cands.add_row(
            str(p.id),
            p.name,
            p.brand,
            f"{p.product_type} / {p.product_subtype}",
            f"{cand.name:.2f}",
            cand.veto or cand.doubt,
            ",".join(cand.agreements),
        )
    out.print(cands)
    out.print(
        f"decision: {decision.status.value} {decision.jane_product_id or ''} "
        f"(score {decision.score:.2f}): {decision.reason}",
        markup=False,
        highlight=False,
    )


@app.command("sources")
def sources_cmd() -> None:
    """List the installed POS sources, each with its options (type, default, meaning)."""
    from poslink.sources.base import Source, option_docs

    for name, _ in sorted(plugins.available("sources").items()):
        try:
            cls = plugins.load("sources", name)
        except PoslinkError as exc:
            out.print(f"{name}  (cannot be loaded: {exc})", markup=False, highlight=False)
            continue
        if not issubclass(cls, Source):
            out.print(f"{name}  (not a poslink Source)", markup=False, highlight=False)
            continue
        out.print(f"[bold]{name}[/bold]  {cls.description}", highlight=False)
        for doc in option_docs(cls.Options):
            default = "(required)" if doc.default == "required" else f"= {doc.default}"
            out.print(
                f"    {doc.key}: {doc.kind} {default}  {doc.description}",
                markup=False,
                highlight=False,
            )
