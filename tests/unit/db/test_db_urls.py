"""Database URLs a user mistyped: one line naming the URL, never its password, no traceback."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from helpers import EXAMPLE_ARGS, EXAMPLES, poslink
from poslink.db.connect import describe_url, make_engine
from poslink.exceptions import CatalogError

# Port 9: nobody listens there, so no test reaches a server.
URLS = [
    # an unencoded "@" in the password: SQLAlchemy takes "pw@ss" for the host
    ("postgresql+psycopg://user:s3cret@pw@127.0.0.1:9/db", "as %40"),
    # a port that is no number: SQLAlchemy's int() raised out of describing the URL
    ("postgresql+psycopg://user:s3cret@127.0.0.1:port/db", "not a database URL"),
]


@pytest.mark.parametrize(("url", "said"), URLS)
@pytest.mark.parametrize("option", ["--catalog", "--decisions"])
def test_a_malformed_url_is_one_line_without_the_password(
    tmp_path: Path, url: str, said: str, option: str
) -> None:
    args: list[str | Path] = ["--pos", EXAMPLES / "jane/pos.json", "--out", tmp_path / "o.csv"]
    args += ["--catalog", url] if option == "--catalog" else [*EXAMPLE_ARGS[2:], option, url]
    result = poslink("run", *args)
    assert result.returncode == (3 if option == "--catalog" else 4), result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], result.stderr
    assert "user:***@" in lines[0]
    assert "s3cret" not in result.stderr and "pw@" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_describe_masks_what_sqlalchemy_cannot_split() -> None:
    assert describe_url("postgresql://u:a@b/c@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert describe_url("postgresql://u:p@h:x/db") == "postgresql://u:***@h:x/db"
    assert describe_url("postgresql://u:p%40q@h/db") == "postgresql://u:***@h/db"
    assert describe_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_a_bad_connection_option_is_not_retryable(tmp_path: Path) -> None:
    # libpq refuses the option before connecting: waiting will not help (exit 3, not 75).
    url = "postgresql+psycopg://user:s3cret@127.0.0.1:9/db?sslmode=bogus"
    result = poslink("run", *EXAMPLE_ARGS[:2], "--catalog", url, "--out", tmp_path / "o.csv")
    assert result.returncode == 3, result.stderr
    assert "invalid sslmode value" in result.stderr and "s3cret" not in result.stderr


@pytest.mark.skipif(
    any(importlib.util.find_spec(m) for m in ("MySQLdb", "psycopg2")), reason="drivers present"
)
def test_another_databases_missing_driver_is_not_sent_to_the_postgres_extra() -> None:
    with pytest.raises(CatalogError, match="driver MySQLdb is not installed") as caught:
        make_engine("mysql://u:s3cret@127.0.0.1:9/db", CatalogError)
    assert "poslink[postgres]" not in str(caught.value) and "s3cret" not in str(caught.value)
    with pytest.raises(CatalogError, match=r"poslink\[postgres\]"):
        make_engine("postgresql+psycopg2://u:s3cret@127.0.0.1:9/db", CatalogError)
