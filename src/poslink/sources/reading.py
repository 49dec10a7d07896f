"""How a source reads its export: the bytes as first seen, their digest, decompressed.

``open_input`` gives a source its file as a binary stream with four guarantees:

- **a snapshot**: every open of the file reads at most the size it had when the source first
  opened it, and a read that reaches that end checks that the file is still as it was (size,
  modification time). An export that grows, shrinks or is rewritten while it is read raises
  ``InputChanged`` (retryable): a feed still being written is never taken for a whole one;
- **its identity**: the SHA-256 of the bytes of every open read to the end is kept on the
  source (``InputTrail.digest``): the decision store names a feed by exactly the bytes read;
- **compression**: gzip and zstd files (known by their first bytes, not their name) are
  decompressed as they are read; zstd through Python's ``compression.zstd`` where it exists
  (3.14), else the ``zstandard`` package (``pip install 'poslink[zstd]'``);
- **progress**: how many of the file's bytes have been read, for a progress bar with an ETA.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import stat
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

from poslink.exceptions import InputChanged, InputError

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@dataclass
class InputTrail:
    """What one source has seen of its file: the first look, and what its reads covered."""

    size: int | None = None
    mtime_ns: int = 0
    inode: int = 0
    # The SHA-256 of the bytes of the latest open read to the end (None: none was).
    digest: str | None = None
    # The open being read now: bytes read so far (of ``size``).
    reading: list[_Snapshot] = field(default_factory=list)

    def position(self) -> int:
        """Bytes of the file the latest open has read."""
        return self.reading[-1].pos if self.reading else 0


class _Snapshot(io.RawIOBase):
    """The raw file, read up to its first-seen size, hashed as read, checked at its end."""

    def __init__(self, path: Path, handle: io.BufferedReader, trail: InputTrail) -> None:
        super().__init__()
        self.path = path
        self.handle = handle
        self.trail = trail
        self.pos = 0
        self.hash = hashlib.sha256()
        self.ended = False

    def readable(self) -> bool:
        """Always: this is an input."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Read into ``buffer``, never past the size the file had when first seen."""
        view = memoryview(buffer).cast("B")
        limit = self.trail.size
        if limit is not None:
            view = view[: max(0, limit - self.pos)]
        got = self.handle.readinto(view) if len(view) else 0
        if got:
            self.hash.update(view[:got])
            self.pos += got
            return got
        if len(memoryview(buffer)) and not self.ended:
            self._at_end()
        return 0

    def _at_end(self) -> None:
        self.ended = True
        trail = self.trail
        if trail.size is not None:
            now = os.fstat(self.handle.fileno())
            if (now.st_size, now.st_mtime_ns) != (trail.size, trail.mtime_ns) or (
                self.pos != trail.size
            ):
                raise InputChanged(
                    f"{self.path}: the file changed while it was read ({trail.size:,} bytes"
                    f" when first seen, {now.st_size:,} now); nothing was written: run again"
                    " once it is complete"
                )
        trail.digest = self.hash.hexdigest()

    def close(self) -> None:
        """Close the file."""
        if not self.closed:
            self.handle.close()
        super().close()


class _Decoded(io.RawIOBase):
    """A decompressing reader whose failures are one ``InputError`` naming the file."""

    def __init__(self, path: Path, kind: str, inner: Any) -> None:
        super().__init__()
        self.path = path
        self.kind = kind
        self.inner = inner

    def readable(self) -> bool:
        """Always: this is an input."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Decompress into ``buffer``."""
        try:
            got: int = self.inner.readinto(buffer)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            raise InputError(f"{self.path}: not a valid {self.kind} file: {exc}") from exc
        except Exception as exc:  # zstandard.ZstdError and the like
            if type(exc).__name__.startswith("Zstd"):
                raise InputError(f"{self.path}: not a valid {self.kind} file: {exc}") from exc
            raise
        return got

    def close(self) -> None:
        """Close the decompressor and the file."""
        if not self.closed:
            self.inner.close()
        super().close()


def _zstd_reader(raw: BinaryIO) -> Any:
    try:
        from compression import zstd  # type: ignore[import-not-found]  # Python 3.14+
    except ImportError:
        pass
    else:
        return zstd.ZstdFile(raw, "rb")
    try:
        import zstandard
    except ImportError:
        return None
    return _ZstdFrames(raw, zstandard.ZstdDecompressor())


class _ZstdFrames(io.RawIOBase):
    """The zstd frames of ``raw``, one after another, decompressed as they are read.

    The zstandard package's own stream reader ends quietly where the bytes end, inside a frame
    or not: an export cut short would be read as a shorter feed, exit 0 (the records after the
    cut silently missing). Here a file that ends inside a frame is an ``EOFError``, as gzip
    and Python 3.14's ``compression.zstd`` report it.
    """

    def __init__(self, raw: BinaryIO, decompressor: Any) -> None:
        super().__init__()
        self.raw = raw
        self.decompressor = decompressor
        self.frame: Any = None  # the frame being decompressed (None: between frames)
        self.pending = b""
        self.at = 0
        self.ended = False

    def readable(self) -> bool:
        """Always: this is an input."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Decompress into ``buffer``; 0 at the end of the last whole frame."""
        while self.at >= len(self.pending) and not self.ended:
            self._decompress_more()
        size = min(len(buffer), len(self.pending) - self.at)
        buffer[:size] = self.pending[self.at : self.at + size]
        self.at += size
        return size

    def _decompress_more(self) -> None:
        chunk = self.raw.read(1 << 16)
        if not chunk:
            if self.frame is not None:
                raise EOFError("the file ends inside a zstd frame (cut short?)")
            self.ended = True
            return
        out = []
        while chunk:
            if self.frame is None:
                self.frame = self.decompressor.decompressobj()
            out.append(self.frame.decompress(chunk))
            chunk = b""
            if self.frame.eof:  # a whole frame: what follows it starts the next one
                chunk, self.frame = self.frame.unused_data, None
        self.pending, self.at = b"".join(out), 0

    def close(self) -> None:
        """Close the file."""
        if not self.closed:
            self.raw.close()
        super().close()


def compression_of(head: bytes) -> str | None:
    """ "gzip" or "zstd" when the file's first bytes say so, else None."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def open_input(path: Path, trail: InputTrail | None = None) -> BinaryIO:
    """``path`` as a binary stream: decompressed, within its first-seen size, hashed.

    ``trail`` is the source's record of its file (first-seen size and time, digest of the
    last whole read); without one, the file is read as it is now.
    """
    trail = trail if trail is not None else InputTrail()
    try:
        handle = path.open("rb")
    except IsADirectoryError as exc:
        raise InputError(f"{path}: not a file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from exc
    st = os.fstat(handle.fileno())
    if stat.S_ISREG(st.st_mode):
        if trail.size is None:
            trail.size, trail.mtime_ns, trail.inode = st.st_size, st.st_mtime_ns, st.st_ino
        elif st.st_ino != trail.inode:
            handle.close()
            raise InputChanged(f"{path}: the file was replaced while it was read; run again")
    snapshot = _Snapshot(path, handle, trail)
    trail.reading = [snapshot]
    raw = cast(BinaryIO, io.BufferedReader(snapshot, 1 << 16))
    kind = compression_of(raw.peek(4)[:4])  # type: ignore[attr-defined]
    if kind is None:
        return raw
    inner: Any = gzip.GzipFile(fileobj=raw, mode="rb") if kind == "gzip" else _zstd_reader(raw)
    if inner is None:
        raw.close()
        raise InputError(
            f"{path}: zstd-compressed; reading it needs the zstandard package:"
            " pip install 'poslink[zstd]'"
        )
    return cast(BinaryIO, io.BufferedReader(_Decoded(path, kind, inner), 1 << 16))


def head(path: Path, size: int = 1 << 16) -> bytes:
    """The first ``size`` bytes of the file, decompressed (for guessing its format)."""
    with open_input(path) as stream:
        return stream.read(size)
