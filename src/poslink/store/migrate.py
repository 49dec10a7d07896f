"""Decision stores made by an earlier poslink, brought to this one's schema when opened.

Each step runs inside the transaction that opens the store (under its schema lock), so a
store is migrated whole or not at all, and two runs opening it at once migrate it once.

- ``1`` -> ``2``: catalog ids become text. ``jane_product_id`` of ``poslink_decisions`` and
  ``poslink_overrides`` was an integer column; its values are kept, as their digits.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from poslink.store import schema

# The tables whose catalog id column became text in schema 2.
_ID_TABLES = (schema.decisions, schema.overrides)


def ids_as_text(con: sa.Connection) -> None:
    """Schema 1 -> 2: ``jane_product_id`` columns from integers to text."""
    if con.dialect.name == "postgresql":
        for table in _ID_TABLES:
            con.exec_driver_sql(
                f'ALTER TABLE "{table.name}" ALTER COLUMN jane_product_id TYPE text'
                " USING jane_product_id::text"
            )
        return
    # SQLite cannot change a column's type: each table is made again and its rows copied.
    for table in _ID_TABLES:
        old = f"{table.name}_v1"
        con.exec_driver_sql(f'ALTER TABLE "{table.name}" RENAME TO "{old}"')
        table.create(con)
        names = [c.name for c in table.columns]
        picked = [
            "CAST(jane_product_id AS TEXT)" if n == "jane_product_id" else f'"{n}"' for n in names
        ]
        quoted = ", ".join(f'"{n}"' for n in names)
        con.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({quoted}) SELECT {", ".join(picked)} FROM "{old}"'
        )
        con.exec_driver_sql(f'DROP TABLE "{old}"')


# From each older version: the step that brings it one version on.
STEPS: dict[str, tuple[str, Callable[[sa.Connection], None]]] = {
    "1": ("2", ids_as_text),
}


def migrate(con: sa.Connection, found: str) -> bool:
    """Bring a store at schema ``found`` to ``schema.SCHEMA_VERSION``; False if it cannot be.

    A store newer than this poslink, or of a version it does not know, is left untouched.
    """
    version = found
    while version != schema.SCHEMA_VERSION:
        step = STEPS.get(version)
        if step is None:
            return False
        version, apply = step
        apply(con)
    con.execute(
        sa.update(schema.meta)
        .where(schema.meta.c.name == "schema_version")
        .values(value=schema.SCHEMA_VERSION)
    )
    return True
