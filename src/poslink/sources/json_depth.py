"""A bound on how deeply a JSON document nests, checked on its bytes as they stream in.

ijson keeps the prefix of every level it is inside ("item.item.item..."), each a string as long
as its depth: a document nested 100,000 levels deep (200 kB of brackets) holds tens of
gigabytes of prefixes, and the run is killed for its memory before it can say a word. No POS
export nests more than a few levels, so a document deeper than ``MAX_DEPTH`` is refused, one
line naming the file and the byte, before the parser is given that byte.

The bytes are looked at a chunk at a time with regular expressions (strings removed, brackets
counted), not one by one in Python: reading an export costs next to nothing more.
"""

from __future__ import annotations

import re
from typing import IO

from poslink.exceptions import InputError

# Deeper than any export nests; shallow enough that the parser's prefixes stay small and that
# the json module (recursive, Python's recursion limit) can still read what was let through.
MAX_DEPTH = 500

# A whole string, and the rest of one opened in an earlier chunk (up to its closing quote).
# (Unrolled, a run of plain bytes at a time: an alternation per byte is four times slower.)
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_STRING_REST = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.S)
_OPENS = (b"[", b"{")
_CLOSES = (b"]", b"}")
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_AS_PARENTHESES = bytes.maketrans(b"[]{}", b"()()")


class DepthGuard:
    """A document's bytes, read through, refused once they nest deeper than ``max_depth``.

    ``read`` (all a JSON parser calls) returns what the handle gives; the guard only keeps the
    nesting depth, and whether a string, or an escape in one, is open at the end of a chunk.
    ``offset`` counts from the handle's position when the guard was put on it (after a
    byte-order mark).
    """

    def __init__(self, handle: IO[bytes], name: object, max_depth: int = MAX_DEPTH) -> None:
        self.handle = handle
        self.name = name
        self.max_depth = max_depth
        self.depth = 0
        self.in_string = False
        self.escaped = False
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        """The handle's next bytes, once they are known not to nest too deeply."""
        data = self.handle.read(size)
        if data:
            state = (self.depth, self.in_string, self.escaped)
            if not self._scan(data):
                raise InputError(
                    f"{self.name}: JSON nested deeper than {self.max_depth} levels "
                    f"(byte {self.offset + _too_deep_at(data, state, self.max_depth)})"
                )
            self.offset += len(data)
        return data

    def _scan(self, data: bytes) -> bool:
        """Take in one chunk; False when it nests too deeply."""
        if self.escaped or b"\\" in data:
            outside = self._outside_strings(data)
            if outside is None:
                return True
        else:
            # Most chunks: no backslash, so every quote opens or closes a string, and the
            # text between quotes alternates, outside and in (split is many times faster
            # than the expression).
            pieces = data.split(b'"')
            outside = b"".join(pieces[1 if self.in_string else 0 :: 2])
            self.in_string = (len(pieces) - 1 + self.in_string) % 2 == 1
        brackets = outside.translate(_AS_PARENTHESES, _NOT_BRACKET)
        # Take out the innermost pairs, a layer a pass, as long as it takes: what is left is
        # the closes and then the opens the chunk does not match itself. The chunk goes no
        # deeper than those opens plus the layers taken out.
        layers = 0
        while b"()" in brackets and layers <= self.max_depth:
            brackets = brackets.replace(b"()", b"")
            layers += 1
        opens = brackets.count(b"(")
        if self.depth + opens + layers <= self.max_depth:
            self.depth = max(0, self.depth + 2 * opens - len(brackets))
            return True
        for bracket in outside.translate(None, _NOT_BRACKET):
            self.depth += 1 if bracket in b"[{" else -1
            if self.depth > self.max_depth:
                return False
            self.depth = max(0, self.depth)
        return True

    def _outside_strings(self, data: bytes) -> bytes | None:
        """The chunk's bytes outside strings, escapes and all; None when it is all in one."""
        start = 0
        if self.in_string:
            start = self._finish_string(data)
            if start < 0:
                return None
        outside = _STRING.sub(b"", data[start:])
        quote = outside.find(b'"')
        if quote >= 0:
            # A string left open: everything after its quote is its text (a quote in it is
            # escaped, so it held no whole string for the substitution to take out).
            self.in_string = True
            self.escaped = _string_end(outside, quote + 1) < len(outside)
            outside = outside[:quote]
        return outside

    def _finish_string(self, data: bytes) -> int:
        """Where, in ``data``, the string left open by the last chunk ends (after its closing
        quote); -1 when it goes on past ``data``."""
        at = 0
        if self.escaped:
            at, self.escaped = 1, False  # the escaped character
        end = _string_end(data, at)
        if end >= len(data):
            return -1
        if data[end : end + 1] == b"\\":  # a backslash at the very end: its escape is next
            self.escaped = True
            return -1
        self.in_string = False
        return end + 1


def _string_end(data: bytes, at: int) -> int:
    """Where the text of a string from ``at`` stops: its closing quote, a backslash that is the
    last byte, or the end of ``data``."""
    rest = _STRING_REST.match(data, at)
    return rest.end() if rest is not None else at  # (it always matches, if only nothing)


def _too_deep_at(data: bytes, state: tuple[int, bool, bool], max_depth: int) -> int:
    """The offset in ``data`` of the bracket that goes deeper than ``max_depth``, walked a
    byte at a time from ``state`` (depth, in a string, after a backslash in one): only once,
    for the message."""
    depth, in_string, escaped = state
    for at in range(len(data)):
        byte = data[at : at + 1]
        if in_string:
            if escaped:
                escaped = False
            elif byte == b"\\":
                escaped = True
            elif byte == b'"':
                in_string = False
        elif byte == b'"':
            in_string = True
        elif byte in _OPENS:
            depth += 1
            if depth > max_depth:
                return at
        elif byte in _CLOSES:
            depth = max(0, depth - 1)
    return len(data)
