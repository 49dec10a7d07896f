"""``poslink override add | remove | list | import``: curated answers that always win."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from poslink.cli import options as opt
from poslink.cli._app import app, counted, errors, out
from poslink.exceptions import ConfigError, InputError
from poslink.files.locations import local_file
from poslink.store.overrides import Override, override_key, parse_answer, read_override_csv

if TYPE_CHECKING:
    from poslink.store.db import DecisionStore

override_app = typer.Typer(
    help="Curated answers that always win over the matcher, by POS id or by product name.",
    no_args_is_help=True,
)
app.add_typer(override_app, name="override")

Decisions = Annotated[
    str,
    typer.Option(envvar="POSLINK_DECISIONS", help="decision store: SQLite path or SQLAlchemy URL"),
]
SourceName = Annotated[str, typer.Option(help="the POS source the override is for")]
PosId = Annotated[str | None, typer.Option("--pos-id", help="the record's POS id")]
Name = Annotated[str | None, typer.Option(help="the product name (matched once normalized)")]
CatalogCheck = Annotated[
    str | None,
    typer.Option(
        envvar="POSLINK_CATALOG",
        help="the catalog the ids must be in (needed for any id but none)",
    ),
]


def open_store(location: str, existing: bool = False) -> DecisionStore:
    """The decision store (SQLAlchemy is imported only by the commands that use it).

    ``existing``: a command that only reads or removes refuses a SQLite file that is not there
    rather than making an empty store of it (a mistyped path)."""
    from poslink.store.db import DecisionStore

    if existing:
        require_store(location)
    return DecisionStore(location)


def require_store(location: str) -> None:
    """Refuse a SQLite store path that is not there (``InputError``): for the commands that
    only read or remove, which would otherwise make an empty store of a mistyped path."""
    path = local_file(location)
    if path is not None and not path.exists():
        raise InputError(
            f"{location}: no such decision store (a run makes one: poslink run ..."
            " --decisions FILE)"
        )


def known_ids(
    catalog: str | None, table: str | None = None, columns: list[str] | None = None
) -> set[str] | None:
    """The ids in a catalog (its table and columns as ``--catalog-table`` and
    ``--catalog-column`` name them), to check answers against (None: no catalog given)."""
    opt.require_catalog_named(catalog, table, columns)
    if catalog is None:
        return None
    return {p.id for p in opt.open_named_catalog(catalog, table, columns).products()}


def require_catalog(items: Sequence[Override], catalog: str | None) -> None:
    """An override to a catalog id is refused unless the id can be checked in the catalog."""
    if catalog is None and any(o.jane_product_id is not None for o in items):
        raise ConfigError(
            "give --catalog (or POSLINK_CATALOG): an override's catalog id must be in the catalog"
        )


def _key(pos_id: str | None, name: str | None) -> tuple[str, str]:
    if (pos_id is None) == (name is None):
        raise ConfigError("give --pos-id or --name (one of them)")
    kind = "pos_id" if pos_id is not None else "name"
    return kind, override_key(kind, pos_id if pos_id is not None else name or "")


@override_app.command("add")
def add_cmd(
    decisions: Decisions,
    answer: Annotated[str, typer.Option("--id", help='the catalog id, or "none"')],
    pos_id: PosId = None,
    name: Name = None,
    source: SourceName = "jane-json",
    note: Annotated[str, typer.Option(help="why (kept with the override)")] = "",
    catalog: CatalogCheck = None,
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
) -> None:
    """Add (or replace) an override."""
    with errors():
        kind, key = _key(pos_id, name)
        try:
            value = parse_answer(answer)
        except ValueError as exc:
            raise ConfigError(f"--id {exc}") from exc
        item = Override(source, kind, key, value, note)
        require_catalog([item], catalog)
        ids = known_ids(catalog, catalog_table, catalog_column)
        if ids is not None and value is not None and value not in ids:
            raise ConfigError(f"--id: catalog id {value} is not in {catalog}")
        with open_store(decisions) as store:
            store.add_overrides([item])
    out.print(f"override {source} {kind} {key!r} -> {answer}", markup=False, highlight=False)


@override_app.command("remove")
def remove_cmd(
    decisions: Decisions,
    pos_id: PosId = None,
    name: Name = None,
    source: SourceName = "jane-json",
) -> None:
    """Remove an override (the matcher's own decision applies again)."""
    with errors():
        kind, key = _key(pos_id, name)
        with open_store(decisions, existing=True) as store:
            removed = store.remove_override(source, kind, key)
        if not removed:
            # Nothing of that key in the store: 3, as `knowledge remove` says of a lesson.
            raise InputError(f"no override for {source} {kind} {key!r}")
    out.print(f"removed override {source} {kind} {key!r}", markup=False, highlight=False)


@override_app.command("list")
def list_cmd(
    decisions: Decisions,
    source: Annotated[str | None, typer.Option(help="only this source's")] = None,
) -> None:
    """List the overrides."""
    with errors(), open_store(decisions, existing=True) as store:
        items = store.list_overrides(source)
    table = Table("source", "by", "key", "catalog id", "note", title=f"{len(items)} overrides")
    for o in items:
        table.add_row(o.source, o.kind, o.key, o.answer, o.note)
    out.print(table)


@override_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV: source,pos_id,name,jane_product_id[,note]")],
    decisions: Decisions,
    source: Annotated[str, typer.Option(help="the source for rows that leave it blank")] = (
        "jane-json"
    ),
    catalog: CatalogCheck = None,
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
) -> None:
    """Add the overrides in a CSV file, all or none."""
    with errors():
        items = read_override_csv(file, source)
        require_catalog(items, catalog)
        ids = known_ids(catalog, catalog_table, catalog_column)
        # Rows are lines 2, 3, ... as read_override_csv numbers them.
        for line, o in enumerate(items, start=2):
            if ids is not None and o.jane_product_id is not None and o.jane_product_id not in ids:
                raise InputError(
                    f"{file}: line {line}: catalog id {o.jane_product_id} is not in {catalog}"
                )
        with open_store(decisions) as store:
            store.add_overrides(items)
    # Rows naming one key again replace it (the last one stands): count the keys.
    keys = len({(o.source, o.kind, o.key) for o in items})
    said = f"imported {counted(keys, 'override')} from {file}"
    if keys < len(items):
        said += f" ({len(items) - keys} of its rows named a key again: the last one stands)"
    out.print(said, markup=False, highlight=False)
