"""Shared fixtures: the reference data in ../shared, a small catalog, the CLI runner."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from poslink.matching import CatalogIndex, Matcher
from poslink.records import CatalogProduct

# The throw-away PostgreSQL server fixtures (``postgres``, ``pg_database``).
pytest_plugins = ["pgserver"]

REPO = Path(__file__).resolve().parents[1]
# The reference data lives beside the clone (../shared), as on CI; POSLINK_SHARED_DATA overrides.
SHARED = Path(os.environ.get("POSLINK_SHARED_DATA", REPO.parent / "shared" / "data"))
CHALLENGE = SHARED / "challenge"
KUSHY = SHARED / "kushy"
EXAMPLES = REPO / "examples"


def _need(path: Path) -> Path:
    # Fail, never skip: a suite that quietly skips its reference data proves nothing.
    assert path.exists(), f"reference data missing: {path} (the repository expects ../shared)"
    return path


@pytest.fixture(scope="session")
def challenge() -> Path:
    """The reference example: POS export, catalog and labels."""
    return _need(CHALLENGE)


@pytest.fixture(scope="session")
def kushy() -> Path:
    """The public Kushy data set."""
    return _need(KUSHY)


def make_catalog(path: Path, rows: Sequence[tuple[object, ...]]) -> Path:
    """A SQLite catalog of (id, amount, brand, lineage, name, type, subtype) rows."""
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE products (id int primary key, amount text, brand text, lineage text,"
        " name text not null, product_type text, product_subtype text, url text)"
    )
    con.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, '')", rows)
    con.commit()
    con.close()
    return path


def products(rows: Sequence[tuple[object, ...]]) -> list[CatalogProduct]:
    """CatalogProducts from (id, amount, brand, lineage, name, type, subtype) tuples."""
    return [
        CatalogProduct(
            id=int(str(r[0])),
            amount=str(r[1]),
            brand=str(r[2]),
            lineage=str(r[3]),
            name=str(r[4]),
            product_type=str(r[5]),
            product_subtype=str(r[6]),
        )
        for r in rows
    ]


@pytest.fixture
def matcher_for() -> Callable[[Sequence[tuple[object, ...]]], Matcher]:
    """A matcher over an in-memory catalog."""

    def build(rows: Sequence[tuple[object, ...]]) -> Matcher:
        return Matcher(CatalogIndex.build(products(rows)))

    return build


def poslink(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``poslink`` command the way a user would (``env``: extra variables)."""
    exe = Path(sys.executable).with_name("poslink")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )
