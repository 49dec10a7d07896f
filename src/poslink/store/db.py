"""The decision store: a SQLite file (a plain path) or any SQLAlchemy URL (PostgreSQL).

Every write is one transaction: a run killed while writing leaves the store as it was.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from poslink.config import Timeouts
from poslink.db.connect import describe_url, make_engine
from poslink.db.errors import database_errors
from poslink.db.locks import sqlite_transactions
from poslink.db.many import ManyRows
from poslink.exceptions import StoreBusy, StoreError, map_errors
from poslink.store import schema
from poslink.store.migrate import migrate
from poslink.store.overrides import Override, OverrideSet
from poslink.store.rows import NO_OUTPUTS, Outputs, RunRecord, StoredDecision

# The PostgreSQL advisory lock held while a store's tables are created or migrated.
SCHEMA_LOCK = 0x706F736C696E6B  # "poslink"


# The columns of a ``StoredDecision``, in its fields' order.
_STORED = tuple(
    schema.decisions.c[name]
    for name in (
        "fingerprint",
        "brands",
        "catalog_version",
        "brand_key",
        "jane_product_id",
        "score",
        "status",
        "reason",
    )
)


def store_url(location: str) -> str:
    """A SQLAlchemy URL for a store location: URLs as they are, paths as SQLite files."""
    if "://" in location:
        return location
    path = Path(location).expanduser()
    if not path.parent.is_dir():
        raise StoreError(f"{location}: no such directory for the decision store")
    return f"sqlite:///{path.resolve()}"


def now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class DecisionStore:
    """Decisions, overrides and runs in one database; opened (and created) on first use.

    Any number of runs may use one store at once: each writes in one transaction, SQLite's
    one writer at a time (``BEGIN IMMEDIATE``, waited for up to the lock timeout),
    PostgreSQL's row locks (``lock_timeout``). A wait that runs out, or a server that does not
    answer, is a ``StoreBusy`` error (retryable).
    """

    def __init__(self, location: str, timeouts: Timeouts | None = None) -> None:
        self.location = location
        self.where = describe_url(location)
        self.timeouts = timeouts or Timeouts()
        url = store_url(location)
        options: dict[str, Any] = {}
        if url.startswith("sqlite"):
            # Readers wait out a writer's commit; a writer's own lock is waited for in turns.
            options["connect_args"] = {"timeout": self.timeouts.lock}
        self.engine = make_engine(url, StoreError, self.timeouts, **options)
        if self.engine.dialect.name == "sqlite":
            lock = self.timeouts.lock
            sqlite_transactions(
                self.engine,
                lock,
                lambda: StoreBusy(
                    f"{self.where}: the decision store is locked by another run or program"
                    f" (waited {lock:g} s); try again later"
                ),
            )
        try:
            with self.errors("open"):
                self._open()
        except sqlite3.DatabaseError as exc:
            # Raised by SQLite as a transaction begins (``db/locks.py``), before SQLAlchemy
            # can wrap it: a file that is no database at all ("file is not a database").
            raise StoreError(
                f"{self.where}: not a decision store ({exc}); give a file of its own"
            ) from None

    def _open(self) -> None:
        """Create the tables, or check and migrate them, once, whoever else opens it."""
        with self.writing() as con:
            if con.dialect.name == "postgresql":
                con.execute(sa.select(sa.func.pg_advisory_xact_lock(SCHEMA_LOCK)))
            tables = set(sa.inspect(con).get_table_names())
            if con.dialect.name == "sqlite" and schema.meta.name not in tables:
                foreign = sorted(t for t in tables if not t.startswith("poslink_"))
                if foreign:
                    raise StoreError(
                        f"{self.where}: not a decision store (it holds other tables:"
                        f" {', '.join(foreign[:5])}); give a file of its own"
                    )
            found = None
            if schema.meta.name in tables:
                found = con.execute(
                    sa.select(schema.meta.c.value).where(schema.meta.c.name == "schema_version")
                ).scalar()
            if found is not None and found != schema.SCHEMA_VERSION and not migrate(con, found):
                raise StoreError(
                    f"{self.where}: decision store schema {found}, this poslink reads"
                    f" {schema.SCHEMA_VERSION}"
                )
            schema.metadata.create_all(con)
            schema.runs_by_feed.create(con, checkfirst=True)  # a store made before it
            if found is None:
                con.execute(
                    sa.insert(schema.meta).values(
                        name="schema_version", value=schema.SCHEMA_VERSION
                    )
                )

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> DecisionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def writing(self) -> Iterator[sa.Connection]:
        """One write transaction (SQLite: holding the write lock from its start)."""
        with self.engine.connect() as con:
            con.execution_options(poslink_write=True)
            with con.begin():
                yield con

    def errors(self, doing: str, what: str = "the decision store") -> AbstractContextManager[None]:
        """The database's errors while ``doing`` (read, write) as ``StoreError``, or
        ``StoreBusy`` when they may pass (a lock, a server that does not answer)."""
        where = f"{self.where}: cannot {doing} {what}"
        return map_errors(database_errors(where, StoreError, StoreBusy))

    def _insert(self, table: sa.Table) -> Any:
        """An INSERT that can take ON CONFLICT DO UPDATE, for this database's dialect."""
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        if self.engine.dialect.name == "sqlite":
            return sqlite.insert(table)
        raise StoreError(f"{self.where}: decision stores are SQLite or PostgreSQL")

    def _upsert(self, table: sa.Table) -> Any:
        stmt = self._insert(table)
        keys = [c.name for c in table.primary_key.columns]
        rest = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
        return stmt.on_conflict_do_update(index_elements=keys, set_=rest)

    # decisions

    def load(
        self, source: str, rules: str, store: str | None = None
    ) -> dict[tuple[str, str], StoredDecision]:
        """The decisions of one source made under these rules, by (store, POS id); only those
        of ``store`` when it is given (read by the primary key's prefix)."""
        d = schema.decisions.c
        query = sa.select(d.store, d.pos_id, *_STORED).where(d.source == source, d.rules == rules)
        if store is not None:
            query = query.where(d.store == store)
        with self.errors("read"), self.engine.connect() as con:
            rows: Iterable[Sequence[Any]] = con.execute(query)
            return {(r[0], r[1]): StoredDecision(*r[2:]) for r in rows}

    def load_store(self, source: str, rules: str, store: str) -> dict[str, StoredDecision]:
        """The decisions of one source and store made under these rules, by POS id: one query
        on the primary key's prefix, compiled once, its rows fetched at once from the driver
        (a sync reads a store's thousand decisions for each of its stores: SQLAlchemy's
        handling of each row would cost more than the database's work)."""
        sql, order = self._store_query
        given = {"source": source, "store": store, "rules": rules}
        params = tuple(given[k] for k in order) if order else given
        with self.errors("read"), self.engine.connect() as con:
            rows = con.exec_driver_sql(sql, params).cursor.fetchall()
        make = StoredDecision._make
        return {r[-1]: make(r[:-1]) for r in rows}

    @cached_property
    def _store_query(self) -> tuple[str, Sequence[str] | None]:
        """``load_store``'s query for this database, and its parameters' order (positional)."""
        d = schema.decisions.c
        query = sa.select(*_STORED, d.pos_id).where(
            d.source == sa.bindparam("source"),
            d.store == sa.bindparam("store"),
            d.rules == sa.bindparam("rules"),
        )
        compiled = query.compile(dialect=self.engine.dialect)
        return str(compiled), compiled.positiontup if compiled.positional else None

    def blocks(self, catalog_version: str) -> dict[str, str] | None:
        """The brand block hashes recorded for a catalog version (None when not recorded)."""
        b = schema.catalog_blocks.c
        query = sa.select(b.brand_key, b.hash).where(b.catalog_version == catalog_version)
        with self.errors("read"), self.engine.connect() as con:
            found = {str(r[0]): str(r[1]) for r in con.execute(query)}
        return found or None

    def save(
        self,
        run: RunRecord,
        rows: Iterable[Mapping[str, Any]],
        *,
        blocks: Callable[[], Mapping[str, str]],
        refreshed: Sequence[Mapping[str, Any]] = (),
        outputs: Outputs = NO_OUTPUTS,
    ) -> int:
        """Record a run, its new decisions and the catalog's blocks, in one transaction.

        ``blocks`` gives the catalog's block hashes; it is called only for a catalog version the
        store has not recorded yet.

        ``refreshed`` are older decisions found to hold for this catalog version too, moved to
        it: ``k_source``, ``k_store``, ``k_pos_id``, ``k_brand``, ``k_version``. ``outputs``:
        where the run's output and rejects file are published and their digests, recorded
        before they are in place (a later run reuses them only if their bytes still have those
        digests). Returns the run's id.
        """
        upsert = self._upsert(schema.decisions)
        d, b = schema.decisions, schema.catalog_blocks
        with self.errors("write"), self.writing() as con:
            values = {k: v for k, v in asdict(run).items() if k != "counts"}
            output, rejects = outputs.output, outputs.rejects
            inserted = con.execute(
                sa.insert(schema.runs).values(
                    started_at=now(),
                    counts=json.dumps(dict(run.counts)),
                    output=output.path if output else None,
                    output_digest=output.digest if output else None,
                    rejects=rejects.path if rejects else None,
                    rejects_digest=rejects.digest if rejects else None,
                    **values,
                )
            ).inserted_primary_key
            assert inserted is not None
            run_id = int(inserted[0])
            known = con.execute(
                sa.select(sa.func.count())
                .select_from(b)
                .where(b.c.catalog_version == run.catalog_version)
            ).scalar()
            if not known:
                # Runs at once on a new catalog version may each find it unknown (PostgreSQL
                # reads committed rows): the hashes are the catalog's, the same for each, so a
                # row another run wrote first is left as it is.
                con.execute(
                    self._insert(b).on_conflict_do_nothing(),
                    [
                        {"catalog_version": run.catalog_version, "brand_key": k, "hash": h}
                        for k, h in blocks().items()
                    ]
                    # An empty catalog still records that its blocks are known (all absent).
                    or [{"catalog_version": run.catalog_version, "brand_key": "", "hash": "-"}],
                )
            many = ManyRows(con, upsert)
            for row in rows:
                many.add({**row, "run_id": run_id})
            many.flush()
            if refreshed:
                moved = ManyRows(
                    con,
                    sa.update(d)
                    .where(
                        d.c.source == sa.bindparam("k_source"),
                        d.c.store == sa.bindparam("k_store"),
                        d.c.pos_id == sa.bindparam("k_pos_id"),
                    )
                    .values(
                        catalog_version=sa.bindparam("k_version"),
                        brand_key=sa.bindparam("k_brand"),
                    ),
                )
                for r in refreshed:
                    moved.add(r)
                moved.flush()
            if not known:
                # Block hashes of catalog versions no decision refers to any more.
                used = sa.select(d.c.catalog_version).distinct()
                con.execute(sa.delete(b).where(b.c.catalog_version.not_in(used)))
        return run_id

    def last_published(self, source: str, feed_key: str) -> dict[str, Any] | None:
        """The latest run of this source with this feed key whose output was published."""
        r = schema.runs.c
        query = (
            sa.select(schema.runs)
            .where(r.source == source, r.feed_key == feed_key, r.output_digest.is_not(None))
            .order_by(r.id.desc())
            .limit(1)
        )
        with self.errors("read"), self.engine.connect() as con:
            found = con.execute(query).first()
        return dict(found._mapping) if found is not None else None

    def decisions(self, source: str | None = None) -> list[dict[str, Any]]:
        """Every stored decision (of one source), as dicts, in key order."""
        d = schema.decisions
        query = sa.select(d).order_by(d.c.source, d.c.store, d.c.pos_id)
        if source is not None:
            query = query.where(d.c.source == source)
        with self.errors("read"), self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(query)]

    def for_review(
        self, *, source: str | None, floor: float, confident: float
    ) -> list[dict[str, Any]]:
        """Decisions to review: ambiguous, or matched / unmatched with a score in [floor,
        confident): a match not sure enough, or a near miss."""
        d = schema.decisions
        uncertain = sa.or_(
            d.c.status == "ambiguous",
            sa.and_(
                d.c.status.in_(("matched", "no_match")),
                d.c.score >= floor,
                d.c.score < confident,
            ),
        )
        query = sa.select(d).where(uncertain).order_by(d.c.source, d.c.store, d.c.pos_id)
        if source is not None:
            query = query.where(d.c.source == source)
        with self.errors("read"), self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(query)]

    def runs(self) -> list[dict[str, Any]]:
        """Every run that wrote the store, oldest first."""
        with self.errors("read"), self.engine.connect() as con:
            query = sa.select(schema.runs).order_by(schema.runs.c.id)
            return [dict(r._mapping) for r in con.execute(query)]

    # overrides

    def add_overrides(self, items: Sequence[Override]) -> None:
        """Add or replace overrides, all in one transaction."""
        if not items:
            return
        created = now()
        rows = [
            {
                "source": o.source,
                "key_kind": o.kind,
                "key": o.key,
                "jane_product_id": o.jane_product_id,
                "note": o.note,
                "created_at": created,
            }
            for o in items
        ]
        with self.errors("write"), self.writing() as con:
            con.execute(self._upsert(schema.overrides), rows)

    def remove_override(self, source: str, kind: str, key: str) -> bool:
        """Remove one override; whether there was one."""
        o = schema.overrides.c
        with self.errors("write"), self.writing() as con:
            result = con.execute(
                sa.delete(schema.overrides).where(
                    o.source == source, o.key_kind == kind, o.key == key
                )
            )
            return bool(result.rowcount)

    def list_overrides(self, source: str | None = None) -> list[Override]:
        """The overrides (of one source), in key order."""
        o = schema.overrides.c
        query = sa.select(o.source, o.key_kind, o.key, o.jane_product_id, o.note).order_by(
            o.source, o.key_kind, o.key
        )
        if source is not None:
            query = query.where(o.source == source)
        with self.errors("read"), self.engine.connect() as con:
            return [Override(r[0], r[1], r[2], r[3], r[4]) for r in con.execute(query)]

    def override_set(self, source: str) -> OverrideSet:
        """The overrides of one source, ready for lookups."""
        return OverrideSet(self.list_overrides(source))
