"""JSON documents read as streams with ijson: every JSON source's one reader.

A source names the array it reads by its ijson prefix (``item`` for a top-level array,
``products.item`` for ``{"products": [...]}``) and gets its elements as the file streams in,
one at a time: memory does not grow with the export. The JSON is RFC 8259's: the json
module's extensions (``NaN``, ``Infinity``, numbers beyond a float's range) are errors.

An error is one line naming the file and where its JSON breaks: the json module's message,
line and column, or, where the json module cannot say (a document larger than it should hold
in memory, or one it would accept), the line and column of the symbol the parser refused. A
file that is not UTF-8 says so. A source passes its ``open_bytes`` as the opener, so that what
it reads is decompressed, bounded and hashed (``sources/reading.py``); without one the file
is opened as it is.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

import ijson  # type: ignore[import-untyped]

from poslink.exceptions import InputError
from poslink.sources.json_depth import DepthGuard
from poslink.sources.validate import kind_of

# A syntax error is located by re-reading with the json module, up to this size.
EXACT_ERROR_LIMIT = 64 << 20
# The parser's read size (ijson's default); tests make it small to cut elements across reads.
BUF_SIZE = 64 * 1024

# What opens a document's bytes: a source's ``open_bytes``, or the file as it is.
Opener = Callable[[], AbstractContextManager[IO[bytes]]]

# The pure Python parser's refusal, with the character offset of what it refused.
_UNEXPECTED = re.compile(r"Unexpected symbol '(?P<symbol>.*)' at (?P<at>\d+)\Z", re.S)
# The word a refused symbol starts ("NaN", "-Infinity", "1e400"), for the message.
_WORD = re.compile(r"[^\s,:\[\]{}\"]{1,40}")


def _opener(path: Path, opener: Opener | None) -> Opener:
    return opener if opener is not None else lambda: path.open("rb")


def iter_items(path: Path, prefix: str, opener: Opener | None = None) -> Iterator[Any]:
    """The elements of the array at ijson ``prefix``, parsed one at a time.

    Numbers with a fraction come as floats. ``InputError`` names the file when it is not
    valid JSON or not UTF-8.
    """
    yield from _read(path, prefix, opener, ijson)


def _read(path: Path, prefix: str, opener: Opener | None, backend: Any) -> Iterator[Any]:
    done = 0
    while True:
        try:
            for item in _items(path, _opener(path, opener), backend, prefix, skip=done):
                done += 1
                yield item
            return
        except _LoneSurrogate:
            backend = ijson.get_backend("python")  # from where the C parser stopped
            continue
        except (ijson.JSONError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            if backend is ijson and _c_parser_cannot_go_on(exc, path, opener):
                # Valid JSON: the pure Python parser goes on from where the C parser stopped.
                backend = ijson.get_backend("python")
                continue
            if isinstance(exc, UnicodeDecodeError):
                raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
            # (The pure Python parser reports a control character in a string as the json
            # module does.)
            raise InputError(syntax_error(path, exc, opener)) from exc


def _c_parser_cannot_go_on(exc: Exception, path: Path, opener: Opener | None) -> bool:
    """Whether the C parser stopped on valid JSON it cannot read: an integer beyond 64 bits,
    or an escaped lone surrogate ("\\ud800") it cannot decode, in a document whose bytes are
    UTF-8 (the json module reads both)."""
    if isinstance(exc, UnicodeDecodeError):
        return _not_utf8_at(path, opener) is None
    return "integer overflow" in str(exc)


def iter_array(path: Path, opener: Opener | None = None) -> Iterator[Any]:
    """The elements of the document's top-level array, parsed one at a time.

    ``InputError`` as ``iter_items`` gives it, and one that says what the document holds
    when it is valid JSON but not an array.
    """
    if first_char(path, opener) == "[":
        yield from iter_items(path, "item", opener)
        return
    # Not an array: an invalid document says where it breaks; a valid one what it holds. (Its
    # items are not read: ijson's prefix "item" names the array at key "" of an object too.)
    # A lone value is read by the pure Python parser: the C parser's seal (``_Sealed``) holds
    # for arrays and objects only, so a string left open after a lone value would pass.
    lone = first_char(path, opener) != "{"
    for _ in _read(path, "item", opener, ijson.get_backend("python") if lone else ijson):
        pass
    top = _top_level(path, opener)
    if isinstance(top, float) and not math.isfinite(top):
        # A lone number beyond a float is refused as one in an array is ("[1e400]").
        line, column, word = _position(path, opener, _leading_space(path, opener))
        raise InputError(
            f"{path}: invalid JSON at line {line} column {column}: unexpected {word!r}"
        )
    raise InputError(f"{path}: expected a JSON array of records, found {kind_of(top)}")


def _leading_space(path: Path, opener: Opener | None) -> int:
    """How many white-space characters (ASCII: one byte each) the document starts with."""
    count = 0
    with _opener(path, opener)() as handle:
        skip_bom(handle)
        while chunk := handle.read(4096):
            text = chunk.lstrip()
            count += len(chunk) - len(text)
            if text:
                break
    return count


def _top_level(path: Path, opener: Opener | None) -> Any:
    """A value of the kind the (valid, not an array) document holds, read from its first event."""
    with _opener(path, opener)() as handle:
        skip_bom(handle)
        for _, event, value in ijson.get_backend("python").parse(handle, use_float=True):
            return {} if event == "start_map" else value
    return None


def _items(path: Path, opener: Opener, backend: Any, prefix: str, skip: int) -> Iterator[Any]:
    with opener() as handle:
        skip_bom(handle)
        guarded = DepthGuard(handle, path)
        stream = _Sealed(_Surrogates(guarded)) if backend is ijson else guarded
        items = backend.items(stream, prefix, use_float=True, buf_size=BUF_SIZE)
        for n, item in enumerate(items):
            if n >= skip:
                yield item


class _LoneSurrogate(Exception):
    """The document escapes a lone surrogate, which the C parser reads as "?"."""


# An escaped surrogate that is not half of a pair ("\\ud800" alone, or before another escape:
# the C parser decodes the first as "?", the json module keeps it). An escaped backslash
# before "ud800" matches too: the pure Python parser then reads the document, as right.
_HIGH, _LOW = rb"\\u[dD][89abAB][0-9a-fA-F]{2}", rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}"
_LONE = re.compile(_HIGH + rb"(?!" + _LOW + rb")|(?<!" + _HIGH + rb")" + _LOW)
# The start of a low half, cut off by the end of a read.
_LOW_START = re.compile(rb"\\(?:u(?:[dD](?:[c-fC-F][0-9a-fA-F]?)?)?)?")


class _Surrogates:
    """A document's bytes, read through; ``_LoneSurrogate`` before a read that holds an
    escaped lone surrogate reaches the C parser (the items of earlier reads are right)."""

    def __init__(self, handle: IO[bytes] | DepthGuard) -> None:
        self.handle = handle
        self.tail = b""

    def read(self, size: int = -1) -> bytes:
        """The next bytes, unless they escape a lone surrogate."""
        data = self.handle.read(size)
        # Most reads hold no backslash (one byte is found many times faster than two): they
        # are passed on without a copy or a search of their own.
        if b"\\" in data or b"\\" in self.tail:
            window = self.tail + data
            for found in _LONE.finditer(window):
                # A high half may be paired by the next read's first bytes, when this read
                # ends in the start of a low half (the C parser cannot end the string yet).
                if data and _LOW_START.fullmatch(window, found.end()):
                    continue
                raise _LoneSurrogate
        self.tail = (self.tail + data)[-12:] if len(data) < 12 else data[-12:]
        return data


class _Sealed:
    """A document's bytes with one closing quote after the last.

    The C parser (yajl) never finishes a string still open at the end of the bytes: after a
    whole array or object, ``"`` and anything after it would pass unreported. The quote fed
    after the last byte closes such a string, which the parser then reports as trailing
    garbage; after a valid document it opens a string that is never finished, and so is
    ignored. (A document that is a lone value keeps its bytes as they are.)
    """

    def __init__(self, handle: IO[bytes] | DepthGuard | _Surrogates) -> None:
        self.handle = handle
        self.first = b""
        self.sealed = False

    def read(self, size: int = -1) -> bytes:
        """The next bytes; at the end, the quote once."""
        data = self.handle.read(size)
        if not self.first and data.strip():
            self.first = data.lstrip()[:1]
        if not data and not self.sealed and self.first in (b"[", b"{"):
            self.sealed = True
            return b'"'
        return data


def found_at(path: Path, dotted: str, opener: Opener | None = None) -> str | None:
    """What the document holds at a dotted path: "array", "object", "value" or None (nothing).

    ``dotted`` is "" for the top level. Read as a stream, stopping at the first event there.
    """
    try:
        return _found_at(path, _opener(path, opener), dotted, ijson)
    except (ijson.JSONError, json.JSONDecodeError) as exc:
        raise InputError(syntax_error(path, exc, opener)) from exc
    except UnicodeDecodeError as exc:
        if _c_parser_cannot_go_on(exc, path, opener):  # an escaped lone surrogate
            python = ijson.get_backend("python")
            return _found_at(path, _opener(path, opener), dotted, python)
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc


def _found_at(path: Path, opener: Opener, dotted: str, backend: Any) -> str | None:
    with opener() as handle:
        skip_bom(handle)
        for prefix, event, _ in backend.parse(DepthGuard(handle, path)):
            if prefix != dotted:
                continue
            if event == "start_array":
                return "array"
            if event == "start_map":
                return "object"
            if event in ("string", "number", "boolean", "null"):
                return "value"
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
                text = handle.read(EXACT_ERROR_LIMIT * 8).decode("utf-8-sig")
            if not text.strip():
                return f"{path}: the file is empty (no JSON in it)"
            json.loads(text, parse_constant=_refuse, parse_float=_finite)
        except json.JSONDecodeError as found:
            where = f"line {found.lineno} column {found.colno}"
            return f"{path}: invalid JSON at {where}: {json_problem(found.msg)}"
        except UnicodeDecodeError as found:
            return f"{path}: not UTF-8 text (byte {found.start})"
        except ValueError:
            pass  # what the json module reads but JSON is not: located below
        except RecursionError:
            pass  # nested beyond what the (recursive) json module reads: located below
    return _located(path, exc, opener)


def json_problem(message: str) -> str:
    """The json module's message as the end of our line: some end in "at", their place
    ("Unterminated string starting at") given before them."""
    return message.removesuffix(" at") + " there" if message.endswith(" at") else message


def _refuse(constant: str) -> Any:
    raise ValueError(constant)


def _finite(number: str) -> float:
    value = float(number)
    if not math.isfinite(value):
        raise ValueError(number)
    return value


def _located(path: Path, exc: Exception, opener: Opener | None) -> str:
    """Where a document too large for the json module, or one it reads (``NaN``), breaks: the
    byte that is not UTF-8, or the line and column of the symbol the pure Python parser refuses
    (it counts characters, as a reader does); else the fast parser's own message."""
    bad_byte = _not_utf8_at(path, opener)
    if bad_byte is not None:
        return f"{path}: not UTF-8 text (byte {bad_byte})"
    try:
        with _opener(path, opener)() as handle:
            skip_bom(handle)
            guarded = DepthGuard(handle, path)
            for _ in ijson.get_backend("python").basic_parse(guarded, use_float=True):
                pass
    except (ijson.JSONError, json.JSONDecodeError) as refused:
        found = _UNEXPECTED.match(str(refused))
        if found is not None:
            line, column, word = _position(path, opener, int(found["at"]))
            where = f"{path}: invalid JSON at line {line} column {column}"
            return f"{where}: unexpected {word or found['symbol']!r}"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{path}: invalid JSON: {first}"


def _not_utf8_at(path: Path, opener: Opener | None) -> int | None:
    """The offset (after a byte-order mark) of the first byte that is not UTF-8, if any."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    done = 0
    with _opener(path, opener)() as handle:
        skip_bom(handle)
        while True:
            chunk = handle.read(1 << 20)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return done - pending + exc.start
            if not chunk:
                return None
            done += len(chunk)


def _position(path: Path, opener: Opener | None, offset: int) -> tuple[int, int, str]:
    """The line and column (from 1) of the character at ``offset`` of the decoded document,
    and the word that starts there."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, column, seen = 1, 1, 0
    with _opener(path, opener)() as handle:
        skip_bom(handle)
        while chunk := handle.read(1 << 20):
            text = decoder.decode(chunk)
            head = text[: offset - seen]
            newlines = head.count("\n")
            line += newlines
            column = len(head) - head.rfind("\n") if newlines else column + len(head)
            seen += len(head)
            if seen == offset and len(head) < len(text):
                word = _WORD.match(text, len(head))
                return line, column, word.group() if word else ""
    return line, column, ""


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
