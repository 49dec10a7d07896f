"""The Catalog extension point: a read-only source of ``CatalogProduct``s."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping

from poslink import plugins
from poslink.config import Timeouts
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


def catalog_id(value: object) -> str | None:
    """A catalog id as text, whatever the column's type: ``123``, ``"J30962"``; None if blank.

    Ids are text end to end (catalog, store, output). A whole number stored as a float
    (``5.0``, as some exports leave integer columns) is its digits.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    text = str(value).strip()
    return text or None


def id_order(pid: str) -> tuple[int, int, str]:
    """How catalog ids sort: numeric ids by their value, before any other id, by its text.

    The index keeps products in this order, so a catalog of numeric ids breaks ties, and
    gets the version, that it had when ids were numbers.
    """
    if pid.isdigit() and pid.isascii():
        return (0, int(pid), pid)
    return (1, 0, pid)


def product_from_row(row: tuple[object, ...]) -> CatalogProduct | None:
    """A ``CatalogProduct`` from a row in ``COLUMNS`` order; none without an id or a name."""
    ident, name = catalog_id(row[0]), row[1]
    if ident is None or name is None:
        return None
    text = ["" if v is None else str(v) for v in row[2:]]
    return CatalogProduct(ident, str(name), *text)


class Catalog(ABC):
    """A catalog opened read-only; ``location`` is a path or URL the plugin understands.

    ``table`` names the products table and ``columns`` renames any of ``COLUMNS`` (poslink's
    name -> the catalog's); both are validated identifiers. ``timeouts`` bound the waits on a
    locked file or a database server (a ``CatalogBusy`` error when one runs out).
    """

    name: str = ""

    def __init__(
        self,
        location: str,
        *,
        table: str = "products",
        columns: Mapping[str, str] | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        self.location = location
        self.table = table
        self.columns = column_names(columns)
        self.timeouts = timeouts or Timeouts()

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
    timeouts: Timeouts | None = None,
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
    catalog = cls(location, table=table, columns=columns, timeouts=timeouts)
    assert isinstance(catalog, Catalog)
    return catalog
