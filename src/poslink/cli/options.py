"""The options several commands take, each declared once: the same flag, type and help wherever
it appears (each command's signature keeps the default).

A command module imports this module (``from poslink.cli import options as opt``) and writes
``catalog: opt.Catalog = None``. Where the commands say in their own words what an option does,
a function takes the help and gives the ``typer.Option`` to put in the command's ``Annotated``
type: ``quiet: Annotated[bool, opt.quiet("...")] = False`` (mypy allows no call in a type, but
any in its metadata).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from poslink.exceptions import ConfigError

if TYPE_CHECKING:
    from poslink.catalogs.base import Catalog as CatalogSource

ConfigFile = Annotated[
    Path | None, typer.Option("--config", help="a TOML run configuration (flags override it)")
]
Catalog = Annotated[
    str | None, typer.Option("--catalog", help="catalog: SQLite file path or SQLAlchemy URL")
]
SavedIndex = Annotated[
    Path | None,
    typer.Option("--index", help="a saved index (`poslink index build`) of the catalog"),
]
CatalogTable = Annotated[
    str | None, typer.Option("--catalog-table", help="the catalog's table (default: products)")
]
CatalogColumns = Annotated[
    list[str] | None,
    typer.Option(
        "--catalog-column", help="a renamed catalog column NAME=COLUMN (name=title); repeatable"
    ),
]
Full = Annotated[
    bool, typer.Option("--full", help="with a decision store: match every record again")
]
Workers = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="processes that match (default: every core)"),
]
Master = Annotated[
    str | None,
    typer.Option("--master", help="spark: the master URL (default: local[*], or spark-submit's)"),
]
Threshold = Annotated[
    float | None,
    typer.Option("--threshold", help="least probability to give an id (default: 0.5)"),
]
Margin = Annotated[
    float | None,
    typer.Option("--margin", help="runner-up closeness that makes it ambiguous (default: 0.1)"),
]
LockTimeout = Annotated[
    float | None,
    typer.Option(
        "--lock-timeout", help="seconds to wait for a locked catalog or store (default: 30)"
    ),
]


class LogFormatChoice(StrEnum):
    """``--log-format``."""

    text = "text"
    json = "json"


LogFormat = Annotated[
    LogFormatChoice,
    typer.Option("--log-format", help="stderr messages as text or JSON lines"),
]


def decisions(purpose: str, *also: str, envvar: str | None = None) -> Any:
    """``--decisions`` (and the names in ``also``), the decision store; ``purpose``: what the
    command keeps there or does with it."""
    return typer.Option(
        "--decisions",
        *also,
        help=f"decision store (SQLite path or SQLAlchemy URL): {purpose}",
        envvar=envvar,
    )


def max_reject_rate(help: str) -> Any:
    """``--max-reject-rate``, a share from 0 to 1; ``help`` says what going over it does."""
    return typer.Option("--max-reject-rate", min=0.0, max=1.0, help=help)


def quiet(help: str) -> Any:
    """``--quiet`` / ``-q``; ``help`` says what it silences."""
    return typer.Option("--quiet", "-q", help=help)


def verbose(help: str) -> Any:
    """``--verbose`` / ``-v``, counted (``-vv``: more); ``help`` says what it tells."""
    return typer.Option("--verbose", "-v", count=True, help=help)


def catalog_columns(items: list[str] | None) -> list[tuple[str, str]]:
    """``--catalog-column NAME=COLUMN`` flags as (name, column) pairs, in order."""
    pairs = []
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ConfigError(f"option --catalog-column {item!r}: expected NAME=COLUMN")
        pairs.append((name.strip(), value.strip()))
    return pairs


def open_named_catalog(
    location: str, table: str | None, columns: list[str] | None
) -> CatalogSource:
    """The catalog at ``location``, read from the table and columns ``--catalog-table`` and
    ``--catalog-column`` name, as ``run`` reads it."""
    from poslink.catalogs import open_catalog

    renamed = dict(catalog_columns(columns)) or None
    return open_catalog(location, table=table or "products", columns=renamed)


def require_catalog_named(
    catalog: str | None, table: str | None, columns: list[str] | None
) -> None:
    """Refuse ``--catalog-table`` or ``--catalog-column`` without the ``--catalog`` they name."""
    if catalog is None and (table or columns):
        raise ConfigError("--catalog-table and --catalog-column name the --catalog: give it")
