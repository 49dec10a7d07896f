"""Review: the uncertain decisions out to a CSV with their best candidates, decisions back in.

``export`` writes every stored decision that is ambiguous, or whose score is in the uncertain
band (at least ``floor`` but under ``confident``), and has no override yet, with the top three
catalog candidates and a blank ``decision`` column. ``read_decisions`` turns the filled-in
``decision`` cells (a catalog id or "none") into overrides.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from poslink import plugins
from poslink.engines.base import parse_record
from poslink.exceptions import InputError, PluginError
from poslink.files.atomic import AtomicFile
from poslink.files.csvfiles import reading_csv
from poslink.matching import CatalogIndex, Matcher
from poslink.records import PosRecord
from poslink.sinks.base import safe_cell
from poslink.sources.base import Source
from poslink.store.db import DecisionStore
from poslink.store.overrides import Override, override_key, parse_answer

TOP = 3
RECORD_COLUMNS = ("source", "store", "pos_id", "name", "category", "brand")
DECISION_COLUMNS = ("status", "jane_product_id", "score", "reason")
CANDIDATE_COLUMNS = ("id", "name", "brand", "score", "veto")
COLUMNS = (
    *RECORD_COLUMNS,
    *DECISION_COLUMNS,
    *(f"cand{i}_{c}" for i in range(1, TOP + 1) for c in CANDIDATE_COLUMNS),
    "decision",
)


def source_category_table(source: str) -> str:
    """The category table a source reads by default ("default" for an unknown source)."""
    try:
        cls = plugins.load("sources", source)
    except PluginError:
        return "default"
    return cls.category_table if issubclass(cls, Source) else "default"


def review_rows(
    store: DecisionStore,
    index: CatalogIndex,
    *,
    source: str | None = None,
    floor: float = 0.6,
    confident: float = 0.95,
) -> Iterator[list[Any]]:
    """One row per decision to review, with its best candidates in this catalog."""
    matcher = Matcher(index)
    parsers: dict[str, Any] = {}
    overrides: dict[str, Any] = {}
    for d in store.for_review(source=source, floor=floor, confident=confident):
        fields = json.loads(d["record"])
        fields["name"], fields["category"] = fields.get("name") or "", fields.get("category") or ""
        record = PosRecord(row=0, source=d["source"], pos_id=d["pos_id"], **fields)
        if d["source"] not in overrides:
            overrides[d["source"]] = store.override_set(d["source"])
            parsers[d["source"]] = index.parser(source_category_table(d["source"]))
        if overrides[d["source"]].find(record) is not None:
            continue
        item = parse_record(parsers[d["source"]], record)
        cells: list[Any] = [d["source"], d["store"], d["pos_id"], record.name, record.category]
        cells += [record.brand or "", d["status"], d["jane_product_id"] or "", d["score"]]
        cells.append(d["reason"])
        candidates = matcher.candidates(item, floor=0.5)[:TOP]
        for cand in candidates:
            p = index.products[cand.position]
            cells += [p.id, p.name, p.brand, round(cand.name, 4), cand.veto]
        cells += [""] * (len(CANDIDATE_COLUMNS) * (TOP - len(candidates)))
        cells.append("")
        yield cells


def export(rows: Iterator[list[Any]], path: Path) -> int:
    """Write the review CSV atomically; the number of records in it."""
    out = AtomicFile(path)
    try:
        writer = csv.writer(out.open())
        writer.writerow(COLUMNS)
        count = 0
        for row in rows:
            writer.writerow([safe_cell(c) for c in row])
            count += 1
        out.commit()
    except BaseException:
        out.abort()
        raise
    return count


def _unneutralized(cell: str) -> str:
    """A cell as it was before ``safe_cell`` quoted it for spreadsheets."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r\n":
        return cell[1:]
    return cell


def read_decisions(
    path: Path, *, by: str = "pos_id", known_ids: set[str] | None = None
) -> tuple[list[Override], int]:
    """The overrides a filled-in review CSV asks for, and how many rows it left blank.

    Any bad row (an unknown answer, an id not in ``known_ids``) fails the whole file.
    """
    found: list[Override] = []
    blank = 0
    with reading_csv(path) as handle:
        reader = csv.DictReader(handle)
        need = {"source", "pos_id", "name", "decision"}
        missing = sorted(need - set(reader.fieldnames or []))
        if missing:
            raise InputError(f"{path}: not a review file: no column(s) {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            # A candidate's id copied into it comes quoted as the export wrote it.
            text = _unneutralized((row.get("decision") or "").strip())
            if not text:
                blank += 1
                continue
            try:
                answer = parse_answer(text)
            except ValueError as exc:
                raise InputError(f"{path}: line {line}: decision {exc}") from exc
            if known_ids is not None and answer is not None and answer not in known_ids:
                raise InputError(f"{path}: line {line}: catalog id {answer} is not in the catalog")
            value = _unneutralized(row.get(by) or "")
            try:
                key = override_key(by, value)
            except InputError as exc:
                raise InputError(f"{path}: line {line}: {exc}") from exc
            source = _unneutralized((row.get("source") or "").strip())
            found.append(Override(source, by, key, answer, f"review {path.name}"))
    return found, blank
