"""Reading a JSON array one element at a time, with the json module's own error messages.

A POS export can be larger than memory should hold; ``iter_json_array`` keeps only the part of
the file it is decoding. Each element is decoded by ``json.JSONDecoder.raw_decode`` (C speed),
and an error is reported exactly as ``json.loads`` of the whole file would report it: the same
message, line and column.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from poslink.exceptions import InputError
from poslink.sources.validate import kind_of

_CHUNK = 1 << 20
# An element still undecodable after this much text is taken as broken, not as unfinished.
_MAX_ELEMENT = 64 << 20
# Elements starting this near the end of the text read (a sixteenth of a chunk: 64 KB) are
# left to the careful way.
_TAIL_SHIFT = 4
_WS = re.compile(r"[ \t\n\r]*")
_COMMA = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")
_BOM = codecs.BOM_UTF8
# What may follow a number's last decoded character in a longer number ("0" of "0.5").
_NUMBER_TAIL = re.compile(r"[0-9.eE+\-]*\Z")


def _skip(text: str, pos: int) -> int:
    found = _WS.match(text, pos)
    return found.end() if found else pos


class _Text:
    """The file's text, decoded as needed; ``buf`` holds what is not consumed yet."""

    def __init__(self, path: Path, handle: IO[bytes]) -> None:
        self.path = path
        self.handle = handle
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._bytes = 0  # bytes decoded so far, after the BOM
        self._lines = 0  # newlines dropped from the front of buf
        self._column = 0  # characters after the last dropped newline
        first = handle.read(3)
        if first != _BOM:
            self._feed(first)

    def more(self, size: int | None = None) -> bool:
        """Decode more of the file into ``buf``; False at the end."""
        if self.eof:
            return False
        data = self.handle.read(size or _CHUNK)
        self._feed(data)
        return True

    def _feed(self, data: bytes) -> None:
        pending = len(self.decoder.getstate()[0])
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            byte = self._bytes - pending + exc.start
            raise InputError(f"{self.path}: not UTF-8 text (byte {byte})") from exc
        self._bytes += len(data)
        self.eof = not data
        self.buf += text

    def release(self) -> None:
        """Forget the consumed text once a chunk of it has piled up, counting its lines."""
        upto = self.pos
        if upto < _CHUNK:
            return
        newlines = self.buf.count("\n", 0, upto)
        if newlines:
            self._lines += newlines
            self._column = upto - self.buf.rfind("\n", 0, upto) - 1
        else:
            self._column += upto
        self.buf = self.buf[upto:]
        self.pos = 0

    def skip_ws(self) -> str:
        """Skip whitespace; the next character, or "" at the end of the file."""
        while True:
            self.pos = _skip(self.buf, self.pos)
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos : self.pos + 1]

    def error(self, msg: str, at: int) -> InputError:
        """``json.loads``'s message for an error at ``buf[at]``."""
        newlines = self.buf.count("\n", 0, at)
        line = self._lines + newlines + 1
        column = at - self.buf.rfind("\n", 0, at) if newlines else self._column + at + 1
        return InputError(f"{self.path}: invalid JSON at line {line} column {column}: {msg}")

    def value(self, decoder: json.JSONDecoder) -> Any:
        """Decode the value at ``pos``, reading on while it may be unfinished."""
        size = _CHUNK
        if len(self.buf) - self.pos < _CHUNK >> _TAIL_SHIFT:
            self.more()  # most likely unfinished: read on before trying (a failure costs)
        while True:
            try:
                value, end = decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos < _MAX_ELEMENT and self.more(size):
                    size *= 2
                    continue
                raise self.error(exc.msg, exc.pos) from None
            if _NUMBER_TAIL.match(self.buf, end) and self.more(size):  # a number may go on
                size *= 2
                continue
            self.pos = end
            return value

    def rest(self) -> None:
        """Read the whole remaining file into ``buf``."""
        while self.more(8 * _CHUNK):
            pass


def iter_json_array(path: Path, opener: Callable[[], IO[bytes]] | None = None) -> Iterator[Any]:
    """The elements of the JSON array in ``path``, in order, decoded one at a time.

    ``opener`` opens the file (a source's ``open_bytes``; default: the path as it is). Raises
    ``InputError`` when the file is not UTF-8, not JSON or not an array, with the messages and
    positions ``json.loads`` of the whole file would give.
    """
    decoder = json.JSONDecoder()
    try:
        handle = opener() if opener is not None else path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from exc
    with handle:
        text = _Text(path, handle)
        while not text.buf and text.more():
            pass
        if text.buf.startswith("\ufeff"):  # a second BOM: json.loads says so
            raise text.error("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0)
        first = text.skip_ws()
        if first != "[":
            _not_an_array(text, decoder)
        text.pos += 1
        if text.skip_ws() == "]":
            text.pos += 1
        else:
            while True:
                yield from _run_of_elements(text, decoder)
                text.skip_ws()  # the last comma may have ended the text read so far
                yield text.value(decoder)
                following = text.skip_ws()
                if following == "]":
                    text.pos += 1
                    break
                if following != ",":
                    raise text.error("Expecting ',' delimiter", text.pos)
                text.pos += 1
                text.skip_ws()
                text.release()
        if text.skip_ws():
            raise text.error("Extra data", text.pos)


def _run_of_elements(text: _Text, decoder: json.JSONDecoder) -> Iterator[Any]:
    """The elements from ``pos`` on that the text read so far holds whole, decoded at C speed.

    A comma after an element proves it complete (a number could otherwise go on in the text
    not read yet). The first element without one, that does not decode or that starts near
    the end of the text read, is left at ``pos`` for ``_Text.value``, which reads on or
    reports the error.
    """
    buf, pos = text.buf, text.pos
    decode, comma = decoder.raw_decode, _COMMA.match
    # Short of the end of the text read, where an element is likely cut: a failed decode
    # costs a count of every line before it (JSONDecodeError's line number).
    stop = len(buf) if text.eof else len(buf) - (_CHUNK >> _TAIL_SHIFT)
    try:
        while pos < stop:
            value, end = decode(buf, pos)
            following = comma(buf, end)
            if following is None:
                break
            text.pos = pos = following.end()
            yield value
    except json.JSONDecodeError:
        pass
    text.release()


def _not_an_array(text: _Text, decoder: json.JSONDecoder) -> None:
    """The top level is not an array: decode it whole to say what it is, or why it is invalid."""
    text.rest()
    value = text.value(decoder)
    if text.skip_ws():
        raise text.error("Extra data", text.pos)
    raise InputError(f"{text.path}: expected a JSON array of records, found {kind_of(value)}")
