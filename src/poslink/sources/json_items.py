"""JSON arrays read one element at a time with ijson, wherever in a document they sit.

A source names the array by its ijson prefix (``item`` for a top-level array,
``products.item`` for ``{"products": [...]}``) and gets its elements as the file streams in.
A syntax error is reported with the line and column the json module finds, as one line naming
the file; a file that is not UTF-8 says so. A source passes its ``open_bytes`` as the opener,
so that what it reads is decompressed, bounded and hashed (``sources/reading.py``); without
one the file is opened as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

import ijson  # type: ignore[import-untyped]

from poslink.exceptions import InputError

# A syntax error is located precisely by re-reading with the json module, up to this size.
EXACT_ERROR_LIMIT = 64 << 20

# What opens a document's bytes: a source's ``open_bytes``, or the file as it is.
Opener = Callable[[], AbstractContextManager[IO[bytes]]]


def _opener(path: Path, opener: Opener | None) -> Opener:
    return opener if opener is not None else lambda: path.open("rb")


def iter_items(path: Path, prefix: str, opener: Opener | None = None) -> Iterator[Any]:
    """The elements of the array at ijson ``prefix``, parsed one at a time.

    Numbers with a fraction come as floats. ``InputError`` names the file when it is not
    valid JSON or not UTF-8.
    """
    done = 0
    backend: Any = ijson
    while True:
        try:
            for item in _items(_opener(path, opener), backend, prefix, skip=done):
                done += 1
                yield item
            return
        except ijson.JSONError as exc:
            # The C parser stops at integers beyond 64 bits, which are valid JSON: the pure
            # Python parser goes on from where it stopped.
            if "integer overflow" in str(exc) and backend is ijson:
                backend = ijson.get_backend("python")
                continue
            raise InputError(syntax_error(path, exc, opener)) from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc


def _items(opener: Opener, backend: Any, prefix: str, skip: int) -> Iterator[Any]:
    with opener() as handle:
        skip_bom(handle)
        for n, item in enumerate(backend.items(handle, prefix, use_float=True)):
            if n >= skip:
                yield item


def found_at(path: Path, dotted: str, opener: Opener | None = None) -> str | None:
    """What the document holds at a dotted path: "array", "object", "value" or None (nothing).

    ``dotted`` is "" for the top level. Read as a stream, stopping at the first event there.
    """
    with _opener(path, opener)() as handle:
        skip_bom(handle)
        try:
            for prefix, event, _ in ijson.parse(handle):
                if prefix != dotted:
                    continue
                if event == "start_array":
                    return "array"
                if event == "start_map":
                    return "object"
                if event in ("string", "number", "boolean", "null"):
                    return "value"
        except ijson.JSONError as exc:
            raise InputError(syntax_error(path, exc, opener)) from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    return None


def first_char(path: Path, opener: Opener | None = None) -> str:
    """The document's first character after a byte-order mark and white space ("" if none)."""
    with _opener(path, opener)() as handle:
        skip_bom(handle)
        while chunk := handle.read(4096):
            text = chunk.lstrip()
            if text:
                return chr(text[0])
    return ""


def syntax_error(path: Path, exc: Exception, opener: Opener | None = None) -> str:
    """One line naming the file and where its JSON breaks."""
    if path.stat().st_size <= EXACT_ERROR_LIMIT:
        try:
            with _opener(path, opener)() as handle:
                json.loads(handle.read(EXACT_ERROR_LIMIT * 8).decode("utf-8-sig"))
        except json.JSONDecodeError as found:
            return f"{path}: invalid JSON at line {found.lineno} column {found.colno}: {found.msg}"
        except UnicodeDecodeError as found:
            return f"{path}: not UTF-8 text (byte {found.start})"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{path}: invalid JSON: {first}"


def skip_bom(handle: IO[bytes]) -> None:
    """Step over a UTF-8 byte-order mark at the start of ``handle``.

    A source's stream is buffered but not seekable: look ahead rather than read and go back.
    """
    peek = getattr(handle, "peek", None)
    if peek is not None:
        if peek(3)[:3] == b"\xef\xbb\xbf":
            handle.read(3)
    elif handle.read(3) != b"\xef\xbb\xbf":
        handle.seek(0)
