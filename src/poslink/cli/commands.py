"""The core commands: ``run``, ``eval``, ``explain``, ``sources``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from poslink import plugins
from poslink.cli._app import app, err, errors, out, progress
from poslink.config import MatcherConfig
from poslink.evaluate import evaluate, read_labels, read_output
from poslink.pipeline import RunConfig, run


@app.command("run")
def run_cmd(
    pos: Annotated[str, typer.Option("--pos", help="the POS export to read (path or URL)")],
    catalog: Annotated[str, typer.Option("--catalog", help="catalog: SQLite file path")],
    out_path: Annotated[str, typer.Option("--out", help="the CSV to write (path or URL)")],
    source: Annotated[
        str, typer.Option(help="source format (see `poslink sources`)")
    ] = "jane-json",
    threshold: Annotated[float, typer.Option(help="least name similarity to match")] = 0.86,
    margin: Annotated[
        float, typer.Option(help="runner-up closeness that makes it ambiguous")
    ] = 0.03,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
    engine: Annotated[str, typer.Option(help="engine: local, or spark (poslink[spark])")] = "local",
    master: Annotated[
        str | None,
        typer.Option(envvar="POSLINK_SPARK_MASTER", help="spark: master URL (default local[*])"),
    ] = None,
    single_file: Annotated[
        bool, typer.Option("--single-file", help="spark: one CSV file, not a CSV directory")
    ] = False,
    strategy: Annotated[
        str, typer.Option(help="spark: broadcast the index, join by brand, or auto (by size)")
    ] = "auto",
) -> None:
    """Match a POS export against the catalog and write every record with its catalog id."""
    with errors():
        engine_options: dict[str, Any] = {}
        if engine == "spark":
            engine_options = {"master": master, "single_file": single_file, "strategy": strategy}
        config = RunConfig(
            pos=pos,
            catalog=catalog,
            out=out_path,
            source=source,
            engine=engine,
            engine_options=engine_options,
            matcher=MatcherConfig(threshold=threshold, margin=margin),
        )
        show = not quiet and err.is_terminal
        with progress(show, None) as tick:
            summary = run(config, progress=tick)
        out.print(f"poslink: {summary.line()}", markup=False, highlight=False)


@app.command("eval")
def eval_cmd(
    labels: Annotated[Path, typer.Option("--labels", help="hand labels CSV")],
    out_path: Annotated[Path, typer.Option("--out", help="a poslink output CSV")],
    report: Annotated[Path | None, typer.Option(help="also write the figures as JSON")] = None,
    show_errors: Annotated[int, typer.Option("--errors", help="error rows to show")] = 50,
) -> None:
    """Precision, recall and F1 of an output against labels, with a table of its errors."""
    with errors():
        metrics = evaluate(read_labels(labels), read_output(out_path))
    figures = metrics.as_dict()
    out.print(
        f"precision {metrics.precision:.4f}  recall {metrics.recall:.4f}  F1 {metrics.f1:.4f}  "
        f"({metrics.records} records, {metrics.predicted} ids given, {metrics.positives} expected, "
        f"{len(metrics.errors)} errors)",
        markup=False,
        highlight=False,
    )
    if metrics.errors and show_errors:
        table = Table("row", "name", "given", "acceptable", "status", "error")
        for e in metrics.errors[:show_errors]:
            table.add_row(str(e.row), e.name, e.predicted, e.acceptable, e.status, e.kind)
        out.print(table)
    if report is not None:
        report.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


@app.command("explain")
def explain_cmd(
    name: Annotated[str, typer.Argument(help="the POS product name")],
    catalog: Annotated[str, typer.Option("--catalog", help="catalog: SQLite file path")],
    category: Annotated[str, typer.Option(help="the POS category")] = "",
    brand: Annotated[str | None, typer.Option(help="the POS brand field, if it has one")] = None,
    top: Annotated[int, typer.Option(help="candidates to show")] = 8,
) -> None:
    """Show how a name is parsed and why it matches a catalog product, or does not."""
    from poslink.catalogs import open_catalog
    from poslink.matching import CatalogIndex, Matcher

    with errors():
        index = CatalogIndex.build(open_catalog(catalog).products())
    matcher = Matcher(index)
    item = index.parser().parse_pos(name, category, brand=brand)
    parsed = Table("field", "value", title="parsed")
    for key, value in _item_fields(item).items():
        parsed.add_row(key, value)
    out.print(parsed)
    decision = matcher.match(0, item)
    cands = Table(
        "id",
        "catalog name",
        "brand",
        "type / subtype",
        "name",
        "veto",
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
            cand.veto,
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
    """List the installed POS sources with their options."""
    from poslink.sources.base import Source

    with errors():
        for name, _ in sorted(plugins.available("sources").items()):
            cls = plugins.load("sources", name)
            if not issubclass(cls, Source):
                continue
            out.print(f"[bold]{name}[/bold]  {cls.description}")
            for opt, spec in cls.Options.model_fields.items():
                default = "" if spec.is_required() else f" = {spec.default!r}"
                kind = getattr(spec.annotation, "__name__", str(spec.annotation))
                out.print(f"    {opt}: {kind}{default}  {spec.description or ''}", markup=False)


def _item_fields(item: Any) -> dict[str, str]:
    fields = {}
    for key in item.__slots__:
        value = getattr(item, key)
        if isinstance(value, frozenset):
            value = ", ".join(sorted(value))
        elif isinstance(value, tuple):
            value = " ".join(value)
        fields[key] = "" if value is None else str(value)
    return fields
