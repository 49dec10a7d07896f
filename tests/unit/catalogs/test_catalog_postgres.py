"""The SQLAlchemy catalog on a real PostgreSQL server: the same output as from SQLite.

The outputs are compared with commands run in the test's process (``poslink_here``): what a
catalog on the server gives is under test there, not the process. Errors that must hide a
password run the installed command: whatever the process writes is checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import poslink, poslink_here, storehelp
from helpers.pgserver import PgServer
from poslink.catalogs import open_catalog
from poslink.catalogs.sql import SqlCatalog
from poslink.catalogs.sqlite import SqliteCatalog
from poslink.exceptions import CatalogError, ConfigError


@pytest.mark.parametrize(
    ("location", "sql", "sqlite"),
    [
        ("postgresql+psycopg://u@h:5432/db", True, False),
        ("postgresql://u:p@h/db", True, False),
        ("mysql+pymysql://u@h/db", True, False),
        ("sqlite:///tmp/c.db", False, True),
        ("catalog.db", False, True),
        ("/data/jane.db", False, True),
    ],
)
def test_plugin_chosen_by_location(location: str, sql: bool, sqlite: bool) -> None:
    assert SqlCatalog.handles(location) is sql
    assert SqliteCatalog.handles(location) is sqlite
    assert isinstance(open_catalog(location), SqlCatalog if sql else SqliteCatalog)


def load(postgres: PgServer, name: str, sqlite_catalog: Path, **options: Any) -> str:
    url = postgres.create_database(name)
    with postgres.connect(name) as con:
        storehelp.copy_catalog_to_postgres(
            storehelp.catalog_rows(sqlite_catalog),
            con,
            **options,
        )
    return url


@pytest.mark.parametrize("which", ["example", "challenge"])
def test_same_output_as_sqlite(
    postgres: PgServer, tmp_path: Path, challenge: Path, which: str
) -> None:
    if which == "example":
        pos, catalog = storehelp.EXAMPLE_POS, storehelp.EXAMPLE_CATALOG
    else:
        pos, catalog = challenge / "pos/products.json", challenge / "db/jane.db"
    url = load(postgres, f"cat_{which}", catalog)
    for name, location in (("sqlite.csv", str(catalog)), ("pg.csv", url)):
        result = poslink_here("run", "--pos", pos, "--catalog", location, "--out", tmp_path / name)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "pg.csv").read_bytes() == (tmp_path / "sqlite.csv").read_bytes()


def test_table_and_columns_configurable(postgres: PgServer, tmp_path: Path) -> None:
    url = load(
        postgres,
        "cat_renamed",
        storehelp.EXAMPLE_CATALOG,
        table="catalog_items",
        rename={"id": "product_id", "name": "title", "brand": "maker"},
    )
    result = poslink_here(
        "run", "--pos", storehelp.EXAMPLE_POS, "--catalog", url, "--out", tmp_path / "pg.csv",
        "--catalog-table", "catalog_items", "--catalog-column", "id=product_id",
        "--catalog-column", "name=title", "--catalog-column", "brand=maker",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    plain = poslink_here(
        "run", "--pos", storehelp.EXAMPLE_POS, "--catalog", storehelp.EXAMPLE_CATALOG,
        "--out", tmp_path / "sqlite.csv",
    )  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    assert (tmp_path / "pg.csv").read_bytes() == (tmp_path / "sqlite.csv").read_bytes()


def test_index_built_from_a_renamed_table(postgres: PgServer, tmp_path: Path) -> None:
    # `index build` names the table and columns as `run` does; the run loads that index.
    url = load(
        postgres,
        "cat_indexed",
        storehelp.EXAMPLE_CATALOG,
        table="catalog_items",
        rename={"id": "product_id", "name": "title"},
    )
    where = ["--catalog", url, "--catalog-table", "catalog_items",
             "--catalog-column", "id=product_id", "--catalog-column", "name=title"]  # fmt: skip
    index = tmp_path / "catalog.index"
    built = poslink_here("index", "build", *where, "--out", index)
    assert built.returncode == 0, built.stderr
    result = poslink_here("run", "--pos", storehelp.EXAMPLE_POS, *where, "--index", index,
                          "--out", tmp_path / "pg.csv")  # fmt: skip
    assert result.returncode == 0, result.stderr
    plain = poslink_here("run", "--pos", storehelp.EXAMPLE_POS,
                         "--catalog", storehelp.EXAMPLE_CATALOG,
                         "--out", tmp_path / "sqlite.csv")  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    assert (tmp_path / "pg.csv").read_bytes() == (tmp_path / "sqlite.csv").read_bytes()
    bad = poslink_here("index", "build", "--catalog", url, "--catalog-column", "name",
                       "--out", tmp_path / "x.index")  # fmt: skip
    assert bad.returncode == 2 and "expected NAME=COLUMN" in bad.stderr, bad.stderr


def test_read_in_a_read_only_transaction(postgres: PgServer) -> None:
    url = postgres.create_database("cat_ro")
    with postgres.connect("cat_ro") as con:
        con.execute("CREATE TABLE audit (at timestamptz)")
        con.execute(
            "CREATE FUNCTION touch() RETURNS text LANGUAGE plpgsql AS"
            " $$ BEGIN INSERT INTO audit VALUES (now()); RETURN 'x'; END $$"
        )
        # A "catalog" whose every read writes: a read-only transaction must refuse it.
        con.execute(
            "CREATE VIEW products AS SELECT 1 AS id, touch() AS name, '' AS brand,"
            " '' AS product_type, '' AS product_subtype, '' AS lineage, '' AS amount"
        )
    with pytest.raises(CatalogError, match="read-only transaction"):
        list(open_catalog(url).products())
    with postgres.connect("cat_ro") as con:
        assert con.execute("SELECT count(*) FROM audit").fetchone() == (0,)


def test_errors_name_the_catalog(postgres: PgServer) -> None:
    url = load(postgres, "cat_err", storehelp.EXAMPLE_CATALOG)
    with pytest.raises(CatalogError, match="no table 'missing'"):
        list(open_catalog(url, table="missing").products())
    with pytest.raises(CatalogError, match=r"lacks column\(s\): title"):
        list(open_catalog(url, columns={"name": "title"}).products())
    with pytest.raises(CatalogError, match="invalid table name"):
        list(open_catalog(url, table='products"; DROP TABLE products; --').products())
    with pytest.raises(ConfigError, match="invalid catalog column name"):
        open_catalog(url, columns={"name": "name; DROP"})
    with pytest.raises(ConfigError, match="unknown catalog column"):
        open_catalog(url, columns={"colour": "x"})
    assert len(list(open_catalog(url).products())) == 20  # nothing was dropped


def test_unreachable_server_hides_the_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://user:s3cret@127.0.0.1:9/db"  # port 9: nobody listens
    result = poslink(
        "run", "--pos", storehelp.EXAMPLE_POS, "--catalog", url, "--out", tmp_path / "o.csv"
    )
    assert result.returncode == 75  # retryable: the server may be back later
    assert "cannot read catalog" in result.stderr and "127.0.0.1:9" in result.stderr
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize(
    "url",
    [
        # libpq reads a password given as a query parameter as well as before the host.
        "postgresql+psycopg://user@127.0.0.1:9/db?password=s3cret",
        "postgresql+psycopg://127.0.0.1:9/db?user=user&password=s3cret&sslmode=disable",
        "postgresql+psycopg://user:pw@127.0.0.1:9/db?sslpassword=s3cret",
    ],
)
@pytest.mark.parametrize("flag", ["--catalog", "--decisions"])
def test_a_password_in_the_query_is_hidden_everywhere(tmp_path: Path, url: str, flag: str) -> None:
    args: list[str | Path] = ["--catalog", url]
    if flag == "--decisions":
        args = ["--catalog", storehelp.EXAMPLE_CATALOG, "--decisions", url]
    summary = tmp_path / "summary.json"
    verbose: list[str | Path] = ["-vv", "--log-format", "json", "--summary-json", summary]
    for extra in ([], verbose):
        result = poslink(
            "run", "--pos", storehelp.EXAMPLE_POS, *args, "--out", tmp_path / "o.csv", *extra
        )
        assert result.returncode == 75, result.stderr
        assert "127.0.0.1:9" in result.stderr and "=***" in result.stderr
        assert "s3cret" not in result.stderr + result.stdout
    assert "s3cret" not in summary.read_text()
