"""``poslink review export | apply``: uncertain decisions out to a CSV, filled decisions back in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from poslink.cli import options as opt
from poslink.cli._app import app, beside, counted, errors, out
from poslink.cli.override import (
    CatalogCheck,
    Decisions,
    known_ids,
    open_store,
    require_catalog,
)
from poslink.exceptions import ConfigError
from poslink.matching import CatalogIndex
from poslink.runs.paths import refuse_overwriting
from poslink.store.overrides import KINDS

review_app = typer.Typer(
    help="Review ambiguous and low-confidence matches; turn the answers into overrides.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")


@review_app.command("export")
def export_cmd(
    decisions: Decisions,
    catalog: Annotated[str, typer.Option(help="the catalog to list candidates from")],
    out_path: Annotated[Path, typer.Option("--out", help="the review CSV to write")],
    source: Annotated[str | None, typer.Option(help="only this source's records")] = None,
    floor: Annotated[float, typer.Option(help="least score of a near miss to review")] = 0.6,
    confident: Annotated[float, typer.Option(help="a match scoring under this is reviewed")] = 0.95,
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
) -> None:
    """Write the ambiguous and low-confidence records with their top three candidates."""
    from poslink.store.review import export, review_rows

    with errors():
        refuse_overwriting(out_path, {"--catalog": catalog, "--decisions": decisions})
        products = opt.open_named_catalog(catalog, catalog_table, catalog_column).products()
        index = CatalogIndex.build(products)
        with open_store(decisions, existing=True) as store:
            rows = review_rows(store, index, source=source, floor=floor, confident=confident)
            count = export(rows, out_path)
    beside(out_path).print(
        f"{count} records to review -> {out_path} (fill in the decision column: a catalog id"
        ' or "none"; then: poslink review apply)',
        markup=False,
        highlight=False,
    )


@review_app.command("apply")
def apply_cmd(
    file: Annotated[Path, typer.Argument(help="a review CSV with its decision column filled")],
    decisions: Decisions,
    by: Annotated[str, typer.Option(help="override by pos_id or by name")] = "pos_id",
    catalog: CatalogCheck = None,
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
) -> None:
    """Turn the filled-in decisions into overrides, all or none."""
    from poslink.store.review import read_decisions

    with errors():
        if by not in KINDS:
            raise ConfigError(f"--by must be one of {', '.join(KINDS)}")
        ids = known_ids(catalog, catalog_table, catalog_column)
        items, blank = read_decisions(file, by=by, known_ids=ids)
        require_catalog(items, catalog)
        with open_store(decisions) as store:
            store.add_overrides(items)
    out.print(
        f"{counted(len(items), 'override')} from {file} "
        f"({counted(blank, 'row')} without a decision)",
        markup=False,
        highlight=False,
    )
