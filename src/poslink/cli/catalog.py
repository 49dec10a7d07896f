"""``poslink catalog check``: what in a catalog the matcher cannot tell apart."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from poslink.cli import options as opt
from poslink.cli._app import app, beside, errors
from poslink.files.atomic import AtomicFile
from poslink.runs.paths import refuse_overwriting
from poslink.sinks.base import safe_cell

catalog_app = typer.Typer(help="Check a catalog: its duplicates.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")

COLUMNS = (
    "group",
    "id",
    "brand",
    "name",
    "product_type",
    "product_subtype",
    "lineage",
    "amount",
    "given",
)


@catalog_app.command("check")
def check_cmd(
    catalog: Annotated[str, typer.Option(help="the catalog: a SQLite path or a database URL")],
    out_path: Annotated[Path, typer.Option("--out", help="the CSV of suspected duplicate groups")],
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
) -> None:
    """List the products the catalog holds twice (one brand, name, form and size, and no veto
    of the matcher's between them): a CSV of groups, each product a row; ``given`` marks the
    one a record of it gets."""
    from poslink.matching import CatalogIndex
    from poslink.matching.duplicates import duplicate_groups

    with errors():
        refuse_overwriting(out_path, {"--catalog": catalog})
        source = opt.open_named_catalog(catalog, catalog_table, catalog_column)
        index = CatalogIndex.build(source.products())
        groups = duplicate_groups(index)
        target = AtomicFile(out_path, newline="")
        try:
            writer = csv.writer(target.open())
            writer.writerow(COLUMNS)
            for number, group in enumerate(groups, 1):
                for k, p in enumerate(group):
                    cells = (p.brand, p.name, p.product_type, p.product_subtype, p.lineage)
                    writer.writerow(
                        [number, safe_cell(p.id), *map(safe_cell, cells), p.amount, k == 0]
                    )
            target.commit()
        except BaseException:
            target.abort()
            raise
    products = sum(len(g) for g in groups)
    beside(out_path).print(
        f"{len(groups)} groups of suspected duplicates ({products} products of {len(index)})"
        f" -> {out_path}",
        markup=False,
        highlight=False,
    )
