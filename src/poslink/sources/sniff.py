"""What format an export looks like, from its first bytes: to say which source would read it.

A run that cannot read its export, or rejects every record of it, adds a hint such as "this
looks like JSON Lines: --source jsonl" when the file looks like another source's format.
Each source says what it reads in ``Source.formats``; a source that does not say gets no
hint.
"""

from __future__ import annotations

import json
from pathlib import Path

from poslink import plugins
from poslink.exceptions import PoslinkError
from poslink.sources.reading import head

JSON_ARRAY = "json-array"
JSON_OBJECT = "json-object"
JSON_LINES = "json-lines"
DELIMITED = "delimited"
PARQUET = "parquet"

_LABELS = {
    JSON_ARRAY: "a JSON array",
    JSON_OBJECT: "a JSON object (a menu)",
    JSON_LINES: "JSON Lines",
    DELIMITED: "delimited text (CSV)",
    PARQUET: "Parquet",
}
# The built-in source that reads each format.
_SOURCE_FOR = {
    JSON_ARRAY: "jane-json",
    JSON_OBJECT: "menu",
    JSON_LINES: "jsonl",
    DELIMITED: "csv",
    PARQUET: "parquet",
}


def guess_format(text: str) -> str | None:
    """The format of an export beginning with ``text`` (None: no idea)."""
    if text.startswith("PAR1"):
        return PARQUET
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("["):
        return JSON_ARRAY
    lines = [line for line in body.splitlines() if line.strip()]
    if body.startswith("{"):
        if len(lines) > 1 and lines[1].lstrip().startswith("{"):
            try:
                json.loads(lines[0])
            except (ValueError, RecursionError):
                # (RecursionError: a first line nested beyond what the json module reads, or
                # cut off by the head read here; a guess needs no more.)
                return JSON_OBJECT
            return JSON_LINES
        return JSON_OBJECT
    if lines and not body.startswith("<") and any(d in lines[0] for d in ",;\t|"):
        return DELIMITED
    return None


def format_hint(source: str, path: Path) -> str | None:
    """ "this looks like X: --source Y" when ``path`` looks like a format ``source`` does not
    read (and a built-in source does); None otherwise."""
    from poslink.sources.base import Source

    try:
        cls = plugins.load("sources", source)
        text = head(path, 1 << 14).decode("utf-8", errors="replace")
    except (PoslinkError, OSError):
        return None
    if not (isinstance(cls, type) and issubclass(cls, Source)) or not cls.formats:
        return None
    found = guess_format(text)
    if found is None or found in cls.formats:
        return None
    return f"this looks like {_LABELS[found]}: --source {_SOURCE_FOR[found]}"
