"""The Catalog extension point: a read-only source of ``CatalogProduct``s."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from poslink import plugins
from poslink.records import CatalogProduct

# The catalog columns poslink reads, in the order of ``CatalogProduct``'s fields.
COLUMNS = ("id", "name", "brand", "product_type", "product_subtype", "lineage", "amount")


class Catalog(ABC):
    """A catalog opened read-only; ``location`` is a path or URL the plugin understands."""

    name: str = ""

    def __init__(self, location: str, *, table: str = "products") -> None:
        self.location = location
        self.table = table

    @abstractmethod
    def products(self) -> Iterator[CatalogProduct]:
        """Every product; raises ``CatalogError`` when the catalog cannot be read."""

    @classmethod
    def handles(cls, location: str) -> bool:
        """Whether this plugin reads ``location`` (used to choose a catalog by its address)."""
        return False


def open_catalog(location: str, *, kind: str | None = None, table: str = "products") -> Catalog:
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
    catalog = cls(location, table=table)
    assert isinstance(catalog, Catalog)
    return catalog
