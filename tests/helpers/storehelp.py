"""Helpers for the decision store tests: feeds, catalogs in PostgreSQL, a counting engine."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

import psycopg

from helpers import EXAMPLES
from poslink.engines.base import Job
from poslink.engines.local import LocalEngine
from poslink.records import Status

EXAMPLE_POS = EXAMPLES / "jane/pos.json"
EXAMPLE_CATALOG = EXAMPLES / "jane/catalog.db"
CATALOG_COLUMNS = ("id", "amount", "brand", "lineage", "name", "product_type", "product_subtype")


class CountingEngine(LocalEngine):
    """The local engine, noting the POS id of every record it is given to match."""

    name = "counting"
    seen: ClassVar[list[str]] = []
    runs: ClassVar[list[int]] = []  # one entry per run: the catalog index's size

    def run(self, job: Job) -> Counter[Status]:
        """Match as the local engine does, recording what it reads."""
        CountingEngine.runs.append(len(job.index))
        records = job.source.records

        def counted() -> Any:
            for record in records():
                CountingEngine.seen.append(record.pos_id)
                yield record

        job.source.records = counted  # type: ignore[method-assign]
        return super().run(job)


COUNTING = "helpers.storehelp:CountingEngine"


def read_feed(path: Path = EXAMPLE_POS) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_feed(path: Path, records: list[Any]) -> Path:
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def catalog_rows(path: Path = EXAMPLE_CATALOG) -> list[tuple[Any, ...]]:
    """The catalog's rows in storage order, as (id, amount, brand, lineage, name, type, sub)."""
    con = sqlite3.connect(path)
    try:
        cols = ", ".join(CATALOG_COLUMNS)
        return list(con.execute(f"SELECT {cols} FROM products ORDER BY rowid"))
    finally:
        con.close()


def copy_catalog_to_postgres(
    rows: list[tuple[Any, ...]],
    conninfo: psycopg.Connection[Any],
    *,
    table: str = "products",
    rename: dict[str, str] | None = None,
) -> None:
    """Create ``table`` in a PostgreSQL database and load catalog rows into it."""
    names = [(rename or {}).get(c, c) for c in CATALOG_COLUMNS]
    kinds = ["bigint primary key"] + ["text"] * (len(names) - 1)
    columns = ", ".join(f'"{n}" {k}' for n, k in zip(names, kinds, strict=True))
    conninfo.execute(f'CREATE TABLE "{table}" ({columns}, url text)')
    placeholders = ", ".join(["%s"] * len(names))
    quoted = ", ".join(f'"{n}"' for n in names)
    with conninfo.cursor() as cur:
        cur.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({placeholders})', rows)


def without_source(path: Path) -> list[list[str]]:
    """An output's rows without ``match_source``: what a store run and a plain run share."""
    with path.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    at = table[0].index("match_source")
    return [r[:at] + r[at + 1 :] for r in table]


def sources(path: Path) -> set[str]:
    """The ``match_source`` values of an output's records ("" for a rejected one)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {r["match_source"] for r in csv.DictReader(handle)}


def store_rows(location: str) -> list[tuple[Any, ...]]:
    """The stored decisions without their run ids, in key order (to compare two stores)."""
    from poslink.store.db import DecisionStore

    with DecisionStore(location) as store:
        return [tuple(v for k, v in sorted(d.items()) if k != "run_id") for d in store.decisions()]
