"""Taught knowledge in the decision store: brand aliases and nicknames, each with its scope.

A reviewer confirms a lesson in the console (or imports a file); ``load_learned`` gives a run
the lessons that hold for its source and store, which the parser then reads
(``domain/learned.py``). A lesson is *global*, or scoped to one *source* (POS format) or one
*store*; where two scopes teach the same text differently, the narrower one wins.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from poslink.domain.learned import LearnedKnowledge, Lesson, normalize
from poslink.exceptions import InputError
from poslink.files.atomic import AtomicFile
from poslink.files.csvfiles import reading_csv
from poslink.sinks.base import safe_cell
from poslink.store import schema
from poslink.store.db import DecisionStore, now
from poslink.store.review import _unneutralized

GLOBAL, SOURCE, STORE = "global", "source", "store"
SCOPES = (GLOBAL, SOURCE, STORE)
COLUMNS = ("kind", "text", "target", "brand", "scope", "scope_value", "created_by", "created_at")


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored lesson with its scope and provenance."""

    lesson: Lesson
    scope: str = GLOBAL
    scope_value: str = ""
    created_by: str = ""
    created_at: str = ""
    example: str = ""
    id: int = 0

    def scope_label(self) -> str:
        """``global``, ``source csv`` or ``store north-street``."""
        return self.scope if self.scope == GLOBAL else f"{self.scope} {self.scope_value}"


def check_scope(scope: str, value: str) -> tuple[str, str]:
    """A valid (scope, value); ``ValueError`` otherwise (a global lesson has no value)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    if scope == GLOBAL:
        return scope, ""
    if not value.strip():
        raise ValueError(f"a {scope}-scoped lesson needs the {scope} it holds for")
    return scope, value.strip()


def add(store: DecisionStore, entries: Sequence[Entry]) -> list[int]:
    """Add or replace lessons (by kind, text, brand and scope), in one transaction; their ids."""
    with store.errors("write"), store.engine.begin() as con:
        return [i for i, _ in add_in(con, entries)]


def add_in(con: sa.Connection, entries: Sequence[Entry]) -> list[tuple[int, str | None]]:
    """``add`` in the caller's transaction: each lesson's id and the target it replaced."""
    k = schema.knowledge
    ids: list[tuple[int, str | None]] = []
    for e in entries:
        x = e.lesson
        values = {
            "target": x.target,
            "created_by": e.created_by,
            "created_at": e.created_at or now(),
            "example": e.example,
        }
        key = (
            k.c.kind == x.kind,
            k.c.text == x.text,
            k.c.brand == x.brand,
            k.c.scope == e.scope,
            k.c.scope_value == e.scope_value,
        )
        found = con.execute(sa.select(k.c.id, k.c.target).where(*key)).first()
        if found is not None:
            con.execute(sa.update(k).where(k.c.id == found[0]).values(**values))
            ids.append((int(found[0]), str(found[1])))
            continue
        inserted = con.execute(
            sa.insert(k).values(
                kind=x.kind,
                text=x.text,
                brand=x.brand,
                scope=e.scope,
                scope_value=e.scope_value,
                **values,
            )
        ).inserted_primary_key
        assert inserted is not None
        ids.append((int(inserted[0]), None))
    return ids


def remove(store: DecisionStore, ids: Iterable[int]) -> int:
    """Remove lessons by id; how many there were."""
    k = schema.knowledge
    wanted = list(ids)
    if not wanted:
        return 0
    with store.errors("write"), store.engine.begin() as con:
        return int(con.execute(sa.delete(k).where(k.c.id.in_(wanted))).rowcount or 0)


def entries(store: DecisionStore) -> list[Entry]:
    """Every stored lesson, by kind, text and scope."""
    k = schema.knowledge.c
    query = sa.select(schema.knowledge).order_by(k.kind, k.text, k.brand, k.scope, k.scope_value)
    with store.errors("read"), store.engine.connect() as con:
        return [_entry(dict(r._mapping)) for r in con.execute(query)]


def _entry(row: dict[str, object]) -> Entry:
    return Entry(
        Lesson(str(row["kind"]), str(row["text"]), str(row["target"]), str(row["brand"])),
        scope=str(row["scope"]),
        scope_value=str(row["scope_value"]),
        created_by=str(row["created_by"]),
        created_at=str(row["created_at"]),
        example=str(row["example"]),
        id=int(str(row["id"])),
    )


def applicable(items: Iterable[Entry], source: str, store_name: str) -> LearnedKnowledge:
    """The lessons that hold for a run of ``source`` at ``store_name``: global ones, this
    source's and this store's; the narrowest scope wins for the same text."""
    rank = {GLOBAL: 0, SOURCE: 1, STORE: 2}
    chosen: dict[tuple[str, str, str], tuple[int, Lesson]] = {}
    for e in items:
        holds = (
            e.scope == GLOBAL
            or (e.scope == SOURCE and e.scope_value == source)
            or (e.scope == STORE and e.scope_value == store_name)
        )
        if not holds:
            continue
        key = (e.lesson.kind, e.lesson.text, e.lesson.brand)
        if key not in chosen or rank[e.scope] > chosen[key][0]:
            chosen[key] = (rank[e.scope], e.lesson)
    return LearnedKnowledge.of(lesson for _, lesson in chosen.values())


def load_learned(store: DecisionStore, source: str, store_name: str) -> LearnedKnowledge:
    """What a run of ``source`` at ``store_name`` learns from the store (see ``applicable``)."""
    return applicable(entries(store), source, store_name)


def export_csv(items: Sequence[Entry], path: Path) -> int:
    """Write lessons to a CSV (``COLUMNS``) atomically; how many."""
    out = AtomicFile(path)
    try:
        writer = csv.writer(out.open())
        writer.writerow(COLUMNS)
        for e in items:
            x = e.lesson
            row = (x.kind, x.text, x.target, x.brand, e.scope, e.scope_value)
            writer.writerow([safe_cell(c) for c in (*row, e.created_by, e.created_at)])
        out.commit()
    except BaseException:
        out.abort()
        raise
    return len(items)


def read_csv(path: Path, who: str) -> list[Entry]:
    """Lessons from a CSV with at least ``kind,text,target,scope``; any bad row fails the file."""
    found: list[Entry] = []
    with reading_csv(path) as handle:
        reader = csv.DictReader(handle)
        missing = sorted({"kind", "text", "target", "scope"} - set(reader.fieldnames or []))
        if missing:
            raise InputError(f"{path}: not a knowledge file: no column(s) {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            cell = {k: _unneutralized((v or "").strip()) for k, v in row.items() if k}
            try:
                lesson = normalize(
                    cell["kind"], cell["text"], cell["target"], cell.get("brand", "")
                )
                scope, value = check_scope(cell["scope"], cell.get("scope_value", ""))
            except ValueError as exc:
                raise InputError(f"{path}: line {line}: {exc}") from exc
            by = cell.get("created_by") or who
            found.append(Entry(lesson, scope, value, by, cell.get("created_at", "")))
    return found
