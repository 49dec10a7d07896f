"""The SQLite catalog: read-only, and clear errors for what is not a catalog."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import GeneratorType

import pytest

from helpers import make_catalog
from poslink.catalogs import open_catalog
from poslink.exceptions import CatalogError


def test_reads_products(tmp_path: Path) -> None:
    db = make_catalog(tmp_path / "c.db", [(1, "", "B", "", "name", "flower", "")])
    products = list(open_catalog(str(db)).products())
    assert [(p.id, p.brand, p.name) for p in products] == [("1", "B", "name")]


def test_missing_file_is_an_error_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    with pytest.raises(CatalogError, match="no such catalog file"):
        list(open_catalog(str(path)).products())
    assert not path.exists()


def test_a_folder_is_said_to_be_one(tmp_path: Path) -> None:
    # "no such catalog file" of a folder that exists sent users looking for a typo.
    with pytest.raises(CatalogError, match="a folder, not a catalog file"):
        list(open_catalog(str(tmp_path)).products())


def test_missing_table(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    sqlite3.connect(path).execute("CREATE TABLE other (x int)").connection.close()
    with pytest.raises(CatalogError, match="no table 'products'"):
        list(open_catalog(str(path)).products())


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE products (id int, name text, brand text)")
    con.close()
    with pytest.raises(CatalogError, match=r"lacks column.*product_type"):
        list(open_catalog(str(path)).products())


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_text("hello, I am not SQLite" * 100)
    with pytest.raises(CatalogError, match="not a SQLite catalog"):
        list(open_catalog(str(path)).products())


def test_opened_read_only(tmp_path: Path) -> None:
    db = make_catalog(tmp_path / "c.db", [(1, "", "B", "", "name", "flower", "")])
    before = db.read_bytes()
    catalog = open_catalog(str(db))
    gen = catalog.products()
    assert isinstance(gen, GeneratorType)
    next(gen)
    gen.close()
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("c.db-*"))  # no journal or WAL: nothing was written
