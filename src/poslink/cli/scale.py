"""Commands for scale: ``index build`` (a saved catalog index).

``poslink bench`` comes from the development package (``dev/``, ``poslink_dev.bench.cli``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from poslink.cli import options as opt
from poslink.cli._app import app, errors, out
from poslink.runs.paths import refuse_overwriting

index_app = typer.Typer(help="Build a catalog index once and reuse it (`run --index FILE`).")
app.add_typer(index_app, name="index")


@index_app.command("build")
def index_build_cmd(
    catalog: Annotated[
        str, typer.Option("--catalog", help="catalog: SQLite file path or SQLAlchemy URL")
    ],
    out_path: Annotated[Path, typer.Option("--out", help="the index file to write")],
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
) -> None:
    """Parse and block the catalog once; later runs load it with `--index FILE`.

    A catalog in another table or under other column names is named as `run` names it
    (`--catalog-table`, `--catalog-column`): the runs given the index read the same products.
    """
    from poslink.matching import CatalogIndex
    from poslink.matching.saved import save_index

    with errors():
        refuse_overwriting(out_path, {"--catalog": catalog})
        started = time.perf_counter()
        products = opt.open_named_catalog(catalog, catalog_table, catalog_column)
        index = CatalogIndex.build(products.products())
        save_index(index, out_path)
    out.print(
        f"poslink: indexed {len(index)} products (catalog {index.version}) in "
        f"{time.perf_counter() - started:.2f} s -> {out_path}",
        markup=False,
        highlight=False,
    )
