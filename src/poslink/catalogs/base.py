"""The Catalog extension point: a read-only source of ``CatalogProduct``s."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping

from poslink import plugins
from poslink.exceptions import ConfigError
from poslink.records import CatalogProduct

# The catalog columns poslink reads, in the order of ``CatalogProduct``'s fields.
COLUMNS = ("id", "name", "brand", "product_type", "product_subtype", "lineage", "amount")

# Table and column names come from configuration and end up quoted in SQL: letters, digits, _.
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def column_names(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Every catalog column poslink reads -> the name it has in this catalog (validated)."""
    given = dict(columns or {})
    unknown = sorted(set(given) - set(COLUMNS))
    if unknown:
        raise ConfigError(
            f"unknown catalog column(s) {', '.join(unknown)} (known: {', '.join(COLUMNS)})"
        )
    names = {c: given.get(c, c) for c in COLUMNS}
    for name in names.values():
        if not IDENTIFIER.match(name):
            raise ConfigError(f"invalid catalog column name {name!r}")
    return names


def product_from_row(row: tuple[object, ...]) -> CatalogProduct | None:
    """A ``CatalogProduct`` from a row in ``COLUMNS`` order; none without an integer id or name."""
    pid, name = row[0], row[1]
    if pid is None or name is None:
        return None
    try:
        ident = int(str(pid))
    except ValueError:
        return None
    text = ["" if v is None else str(v) for v in row[2:]]
    return CatalogProduct(ident, str(name), *text)


class Catalog(ABC):
    """A catalog opened read-only; ``location`` is a path or URL the plugin understands.

    ``table`` names the products table and ``columns`` renames any of ``COLUMNS`` (poslink's
    name -> the catalog's); both are validated identifiers.
    """

    name: str = ""

    def __init__(
        self,
        location: str,
        *,
        table: str = "products",
        columns: Mapping[str, str] | None = None,
    ) -> None:
        self.location = location
        self.table = table
        self.columns = column_names(columns)

    @abstractmethod
    def products(self) -> Iterator[CatalogProduct]:
        """Every product; raises ``CatalogError`` when the catalog cannot be read."""

    @classmethod
    def handles(cls, location: str) -> bool:
        """Whether this plugin reads ``location`` (used to choose a catalog by its address)."""
        return False


def open_catalog(
    location: str,
    *,
    kind: str | None = None,
    table: str = "products",
    columns: Mapping[str, str] | None = None,
) -> Catalog:
    """The catalog at ``location``: the named plugin, else the first plugin that handles it."""
    if kind:
        cls = plugins.load("catalogs", kind)
    else:
        cls = plugins.load("catalogs", "sqlite")
        for name in sorted(plugins.available("catalogs")):
            candidate = plugins.load("catalogs", name)
            if issubclass(candidate, Catalog) and candidate.handles(location):
                cls = candidate
                break
    catalog = cls(location, table=table, columns=columns)
    assert isinstance(catalog, Catalog)
    return catalog
