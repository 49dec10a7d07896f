"""What a reviewer does, made durable: overrides and lessons, each with an audit row.

A decision on a group writes one override per listing: by normalized *name* where every stored
record of that source with that name is a listing of the group (so the same product at a new
store is resolved too), else by *POS id*. The audit row keeps what each override replaced, so
``undo`` puts the store back as it was. Lessons confirmed after a decision are audited too
and undone the same way.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from poslink.domain.learned import normalize
from poslink.domain.text import words
from poslink.store import knowledge as lessons
from poslink.store import schema
from poslink.store.db import DecisionStore, now
from poslink.store.overrides import parse_answer

DECIDE, TEACH, UNDO = "decide", "teach", "undo"


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One row of the audit table."""

    id: int
    at: str
    user: str
    action: str
    subject: str
    answer: str
    detail: dict[str, Any]
    undone: bool


def audit(
    con: sa.Connection, user: str, action: str, subject: str, answer: str, detail: object
) -> int:
    """Write one audit row in the caller's transaction; its id."""
    inserted = con.execute(
        sa.insert(schema.audit).values(
            at=now(),
            user_name=user,
            action=action,
            subject=subject,
            answer=answer,
            detail=json.dumps(detail, sort_keys=True),
            undone=False,
        )
    ).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def record_action(
    store: DecisionStore, user: str, action: str, subject: str, answer: str = ""
) -> int:
    """Audit an action that changes nothing else (a user added, say)."""
    with store.errors("write"), store.engine.begin() as con:
        return audit(con, user, action, subject, answer, {})


def override_keys(
    listings: Sequence[Any], names: Counter[tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """(source, kind, key) of the overrides a decision on these listings writes."""
    mine = Counter((x.source, words(x.record.name)) for x in listings)
    keys: dict[tuple[str, str, str], None] = {}
    for x in listings:
        name = words(x.record.name)
        if name and names.get((x.source, name), 0) <= mine[(x.source, name)]:
            keys[(x.source, "name", name)] = None
        else:
            keys[(x.source, "pos_id", x.pos_id.strip())] = None
    return list(keys)


def decide(
    store: DecisionStore,
    user: str,
    group_id: str,
    listings: Sequence[Any],
    names: Counter[tuple[str, str]],
    answer: str,
) -> int:
    """Resolve every listing of a group to a catalog id or "none"; the audit row's id."""
    value = parse_answer(answer)
    keys = override_keys(listings, names)
    o = schema.overrides
    created = now()
    with store.errors("write"), store.engine.begin() as con:
        replaced = []
        for source, kind, key in keys:
            old = con.execute(
                sa.select(o.c.jane_product_id, o.c.note, o.c.created_at).where(
                    o.c.source == source, o.c.key_kind == kind, o.c.key == key
                )
            ).first()
            replaced.append(
                {
                    "source": source,
                    "kind": kind,
                    "key": key,
                    "previous": None if old is None else [old[0], old[1], old[2]],
                }
            )
            con.execute(
                sa.delete(o).where(o.c.source == source, o.c.key_kind == kind, o.c.key == key)
            )
            con.execute(
                sa.insert(o).values(
                    source=source,
                    key_kind=kind,
                    key=key,
                    jane_product_id=value,
                    note=f"console: {user}",
                    created_at=created,
                )
            )
        detail = {"overrides": replaced, "listings": len(listings)}
        return audit(con, user, DECIDE, group_id, answer.strip().lower(), detail)


def teach(
    store: DecisionStore,
    user: str,
    subject: str,
    chosen: Sequence[tuple[str, str, str, str, str, str, str]],
) -> int | None:
    """Store confirmed lessons, each (kind, text, target, brand, scope, scope value, example);
    the audit row's id (None when there was nothing to store)."""
    if not chosen:
        return None
    entries = []
    for kind, text, target, brand, scope, value, example in chosen:
        scope, value = lessons.check_scope(scope, value)
        lesson = normalize(kind, text, target, brand)
        entries.append(lessons.Entry(lesson, scope, value, user, now(), example))
    with store.errors("write"), store.engine.begin() as con:
        added = lessons.add_in(con, entries)
        targets = ", ".join(f"{e.lesson.text} -> {e.lesson.target}" for e in entries)
        detail = {"lessons": [{"id": i, "previous": old} for i, old in added]}
        return audit(con, user, TEACH, subject, targets, detail)


def undo(store: DecisionStore, user: str) -> AuditRow | None:
    """Undo this user's latest decision or lessons not yet undone; the row undone."""
    a = schema.audit
    with store.errors("write"), store.engine.begin() as con:
        row = con.execute(
            sa.select(a)
            .where(a.c.user_name == user, a.c.action.in_((DECIDE, TEACH)), a.c.undone.is_(False))
            .order_by(a.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        found = _row(dict(row._mapping))
        if found.action == DECIDE:
            _restore_overrides(con, found.detail["overrides"])
        else:
            _restore_lessons(con, found.detail["lessons"])
        con.execute(sa.update(a).where(a.c.id == found.id).values(undone=True))
        audit(con, user, UNDO, found.subject, str(found.id), {"undid": found.action})
        return found


def _restore_overrides(con: sa.Connection, replaced: list[dict[str, Any]]) -> None:
    o = schema.overrides
    for r in replaced:
        where = (o.c.source == r["source"], o.c.key_kind == r["kind"], o.c.key == r["key"])
        con.execute(sa.delete(o).where(*where))
        if r["previous"] is not None:
            pid, note, created = r["previous"]
            con.execute(
                sa.insert(o).values(
                    source=r["source"],
                    key_kind=r["kind"],
                    key=r["key"],
                    jane_product_id=pid,
                    note=note,
                    created_at=created,
                )
            )


def _restore_lessons(con: sa.Connection, changed: list[dict[str, Any]]) -> None:
    k = schema.knowledge
    for c in changed:
        if c["previous"] is None:
            con.execute(sa.delete(k).where(k.c.id == c["id"]))
        else:
            con.execute(sa.update(k).where(k.c.id == c["id"]).values(target=c["previous"]))


def _row(row: dict[str, Any]) -> AuditRow:
    return AuditRow(
        id=int(row["id"]),
        at=str(row["at"]),
        user=str(row["user_name"]),
        action=str(row["action"]),
        subject=str(row["subject"]),
        answer=str(row["answer"]),
        detail=json.loads(row["detail"] or "{}"),
        undone=bool(row["undone"]),
    )


def history(store: DecisionStore, limit: int = 200, user: str | None = None) -> list[AuditRow]:
    """The latest audit rows, newest first."""
    a = schema.audit
    query = sa.select(a).order_by(a.c.id.desc()).limit(limit)
    if user is not None:
        query = query.where(a.c.user_name == user)
    with store.errors("read"), store.engine.connect() as con:
        return [_row(dict(r._mapping)) for r in con.execute(query)]
