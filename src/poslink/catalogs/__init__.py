"""Catalogs: where canonical products come from, registered under ``poslink.catalogs``."""

from poslink.catalogs.base import COLUMNS, Catalog, open_catalog

__all__ = ["COLUMNS", "Catalog", "open_catalog"]
