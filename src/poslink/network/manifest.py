"""The stores of a network sync: a manifest, one line a store.

TOML (``stores.toml``)::

    [defaults]                   # optional: what every store has unless it says otherwise
    source = "jane-json"

    [[store]]
    id = "north"
    pos = "exports/north.json"   # a path (from the manifest's folder) or a URL

    [[store]]
    id = "south"
    source = "csv"
    pos = "exports/south.csv.gz"
    options = { columns = { id = "SKU", name = "Product Name", brand = "Brand" } }

or CSV (``stores.csv``) with the columns ``store``, ``pos`` and, optionally, ``source`` and
``options`` (a JSON object). A store's own problem (a missing export, an unknown source, an id
given twice) is kept with it, to be reported and skipped while the others run; a manifest that
cannot be read at all is a ``ConfigError``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from poslink.exceptions import ConfigError
from poslink.files.locations import is_url

DEFAULT_SOURCE = "jane-json"
# A store id names a folder (``store=<id>``) and a file: letters, digits, ``.``, ``_``, ``-``.
_STORE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_CSV_COLUMNS = ("store", "pos", "source", "options")


@dataclass(frozen=True)
class StoreEntry:
    """One store of the manifest: where its export is and how to read it; ``problem`` says why
    it cannot be synced (empty: it can)."""

    store: str
    source: str
    pos: Path | str
    options: dict[str, Any] = field(default_factory=dict)
    line: int = 0  # of the manifest: its CSV row, or its TOML [[store]] header
    problem: str = ""

    @property
    def location(self) -> str:
        """The export as the report shows it."""
        return str(self.pos)


def read_manifest(path: Path) -> list[StoreEntry]:
    """The manifest's stores in order (TOML for ``.toml``, else CSV)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such manifest") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the manifest: {exc}") from None
    rows = _toml_rows(path, text) if path.suffix.lower() == ".toml" else _csv_rows(path, text)
    if not rows:
        raise ConfigError(f"{path}: the manifest lists no store")
    base = path.parent
    entries: list[StoreEntry] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        entry = _entry(base, line, row)
        if entry.store in seen and not entry.problem:
            entry = _with_problem(
                entry, f"store id given twice (first on line {seen[entry.store]})"
            )
        seen.setdefault(entry.store, line)
        entries.append(entry)
    return entries


def _toml_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        # (RecursionError: tomllib is recursive; arrays nested a thousand deep exhaust it.)
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"defaults", "store"}
    if unknown:
        raise ConfigError(f"{path}: unknown table {sorted(unknown)[0]!r} (known: defaults, store)")
    defaults = data.get("defaults", {})
    stores = data.get("store", [])
    if not isinstance(defaults, dict) or not isinstance(stores, list):
        raise ConfigError(f"{path}: [defaults] is a table and [[store]] a list of tables")
    # tomllib keeps no line numbers: a store is known by the line of its [[store]] header,
    # found in the text (or, should the headers not be found one a store, by its place).
    lines = [n for n, line in enumerate(text.splitlines(), 1) if _STORE_HEADER.match(line)]
    if len(lines) != len(stores):
        lines = list(range(1, len(stores) + 1))
    return [(n, {**defaults, **store}) for n, store in zip(lines, stores, strict=True)]


# A [[store]] header on a line of its own (a comment may follow it).
_STORE_HEADER = re.compile(r"\s*\[\[\s*store\s*\]\]\s*(#.*)?$")


# The csv module's field limit is one setting for the whole process, which a program embedding
# poslink may have raised; a manifest holds paths and short options, so it keeps its own bound.
_MAX_CELL = 131_072


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        return _csv_read(path, text)
    except csv.Error as exc:
        raise ConfigError(f"{path}: not a readable CSV manifest: {exc}") from None


def _csv_read(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("store", "pos") if c not in header]
    if missing:
        raise ConfigError(
            f"{path}: the manifest needs the columns store and pos (found: {', '.join(header)})"
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        line = reader.line_num
        cells = {k: (v or "").strip() for k, v in row.items() if k in _CSV_COLUMNS}
        if any(len(v) > _MAX_CELL for v in cells.values()):
            raise csv.Error(f"line {line}: a value longer than {_MAX_CELL:,} characters")
        if not any(cells.values()):
            continue  # a blank line
        options: Any = {}
        if cells.get("options"):
            try:
                options = json.loads(cells["options"])
            except json.JSONDecodeError as exc:
                options = f"options are not a JSON object: {exc.msg}"
            except RecursionError:  # the json module is recursive
                options = "options are not a JSON object: nested too deeply"
        rows.append(
            (
                line,
                {
                    "id": cells["store"],
                    "pos": cells["pos"],
                    "source": cells.get("source") or DEFAULT_SOURCE,
                    "options": options,
                },
            )
        )
    return rows


def _entry(base: Path, line: int, row: dict[str, Any]) -> StoreEntry:
    store = str(row.get("id", "")).strip()
    source = str(row.get("source") or DEFAULT_SOURCE)
    pos_text = str(row.get("pos", "")).strip()
    options = row.get("options", {})
    unknown = set(row) - {"id", "source", "pos", "options"}
    pos: Path | str = pos_text if is_url(pos_text) else base / pos_text
    entry = StoreEntry(store or f"line-{line}", source, pos, {}, line)
    if not store:
        return _with_problem(entry, "no store id")
    if not _STORE_ID.match(store):
        return _with_problem(entry, f"store id {store!r}: letters, digits, '.', '_', '-' only")
    if unknown:
        return _with_problem(entry, f"unknown key {sorted(unknown)[0]!r}")
    if not pos_text or "\x00" in pos_text:
        return _with_problem(entry, "no export (pos)" if not pos_text else "no export (pos): NUL")
    if isinstance(options, str):
        return _with_problem(entry, options)
    if not isinstance(options, dict):
        return _with_problem(entry, "options must be a table (a JSON object in CSV)")
    return StoreEntry(store, source, pos, dict(options), line)


def _with_problem(entry: StoreEntry, problem: str) -> StoreEntry:
    return StoreEntry(entry.store, entry.source, entry.pos, entry.options, entry.line, problem)
