"""Overrides: curated answers that always win over the matcher.

An override maps (source, POS id) or (source, normalized name) to a catalog id or to "none"
(the record is in no catalog product). A POS id override beats a name override.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from poslink.domain.text import words
from poslink.exceptions import InputError
from poslink.files.csvfiles import reading_csv
from poslink.records import Match, Origin, PosRecord, Status

KINDS = ("pos_id", "name")
NONE = "none"


@dataclass(frozen=True, slots=True)
class Override:
    """One curated answer: ``jane_product_id`` None means "no catalog product"."""

    source: str
    kind: str
    key: str
    jane_product_id: str | None
    note: str = ""

    @property
    def answer(self) -> str:
        """The id as text, or "none"."""
        return NONE if self.jane_product_id is None else str(self.jane_product_id)


def override_key(kind: str, value: str) -> str:
    """The stored key: a POS id as given (trimmed), a name in normalized word form."""
    if kind not in KINDS:
        raise InputError(f"override key must be one of {', '.join(KINDS)}, not {kind!r}")
    key = value.strip() if kind == "pos_id" else words(value)
    if not key:
        raise InputError(f"override {kind} {value!r} is empty once normalized")
    return key


def parse_answer(text: str) -> str | None:
    """A catalog id (text, as the catalog has it), or None for "none"; ``ValueError`` if blank."""
    value = text.strip()
    if value.lower() == NONE:
        return None
    if not value:
        raise ValueError(f'must be a catalog id or "{NONE}", found nothing')
    return value


class OverrideSet:
    """The overrides of one source, looked up by POS id then by normalized name.

    ``unknown`` are the catalog ids that are not in the run's catalog (a product removed
    since the override was made): such an override is refused, its records left blank.
    """

    def __init__(self, items: Iterable[Override], unknown: Iterable[str] = ()) -> None:
        self.by_pos_id: dict[str, Override] = {}
        self.by_name: dict[str, Override] = {}
        for o in items:
            (self.by_pos_id if o.kind == "pos_id" else self.by_name)[o.key] = o
        self.unknown = frozenset(unknown)

    def every(self) -> list[Override]:
        """Every override, by POS id then by name."""
        return [*self.by_pos_id.values(), *self.by_name.values()]

    def ids(self) -> set[str]:
        """The catalog ids the overrides give."""
        every = (*self.by_pos_id.values(), *self.by_name.values())
        return {o.jane_product_id for o in every if o.jane_product_id is not None}

    def refused(self) -> list[Override]:
        """The overrides to an id not in the catalog, in key order."""
        every = (*self.by_pos_id.values(), *self.by_name.values())
        return sorted(
            (o for o in every if o.jane_product_id in self.unknown),
            key=lambda o: (o.kind, o.key),
        )

    def __len__(self) -> int:
        return len(self.by_pos_id) + len(self.by_name)

    def find(self, record: PosRecord) -> Override | None:
        """The override for a record, if any."""
        if not self:
            return None
        found = self.by_pos_id.get(record.pos_id.strip())
        if found is None and self.by_name:
            found = self.by_name.get(words(record.name))
        return found

    def apply(self, record: PosRecord, match: Match) -> Match:
        """The record's match with its override, if it has one."""
        found = self.find(record)
        if found is None:
            return match
        pid = found.jane_product_id
        if pid is not None and pid in self.unknown:
            reason = f"override by {found.kind} refused: catalog id {pid} is not in the catalog"
            return Match(match.row, None, match.score, Status.NO_MATCH, reason, Origin.OVERRIDE)
        status = Status.NO_MATCH if pid is None else Status.MATCHED
        return Match(match.row, pid, 1.0, status, f"override by {found.kind}", Origin.OVERRIDE)


IMPORT_COLUMNS = ("source", "pos_id", "name", "jane_product_id")


def read_override_csv(path: Path, default_source: str) -> list[Override]:
    """Overrides from a CSV with ``source,pos_id,name,jane_product_id[,note]``.

    Each row gives a POS id or a name (not both); ``source`` may be blank for the default.
    Any bad row fails the whole file, naming the row.
    """
    out: list[Override] = []
    with reading_csv(path) as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("jane_product_id",) if c not in (reader.fieldnames or [])]
        if missing or not {"pos_id", "name"} & set(reader.fieldnames or []):
            raise InputError(
                f"{path}: expected a header with {', '.join(IMPORT_COLUMNS)} (and optionally note)"
            )
        for line, row in enumerate(reader, start=2):
            out.append(_row_override(path, line, row, default_source))
    return out


def _row_override(path: Path, line: int, row: dict[str, str], default_source: str) -> Override:
    pos_id = (row.get("pos_id") or "").strip()
    name = (row.get("name") or "").strip()
    if bool(pos_id) == bool(name):
        raise InputError(f"{path}: line {line}: give a pos_id or a name, not both or neither")
    try:
        answer = parse_answer(row.get("jane_product_id") or "")
    except ValueError as exc:
        raise InputError(f"{path}: line {line}: jane_product_id {exc}") from exc
    kind = "pos_id" if pos_id else "name"
    key = override_key(kind, pos_id or name)
    source = (row.get("source") or "").strip() or default_source
    return Override(source, kind, key, answer, (row.get("note") or "").strip())
