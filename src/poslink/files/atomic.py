"""Output files a data engineer can trust.

- A regular file (or a new one) is written under a temporary name beside it and renamed into
  place only when complete; then the folder is synced too, so the new file survives a power
  loss. A failed, interrupted or killed run leaves the earlier file as it was.
- The temporary name says who made it: ``.NAME.poslink-HOST-PID-TOKEN.tmp``. A run killed with
  SIGKILL cannot remove its own; the next run writing the same file removes those whose
  process (on this host) is gone, and no other file.
- A new file gets the mode the umask gives any new file; a file written again keeps its mode.
- ``-`` is standard output; a character device (``/dev/null``), a FIFO, a socket and the
  process's own descriptors (``/dev/stdout``, ``/dev/fd/N``) are written straight: there is
  nothing to rename over, and a device must never be replaced by a regular file.
- A symbolic link is followed: its target is written (through a temporary file beside it).
- Any failure to write (no space left, no permission, a folder in the way) is one
  ``OutputError`` naming the file; the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import secrets
import shutil
import socket
import stat
import sys
from pathlib import Path
from typing import NamedTuple

from poslink.exceptions import OutputError

STDOUT = "-"
_TEMP_TAG = ".poslink-"
_TEMP_SUFFIX = ".tmp"
# Room for the tag, host, pid and token within a file name's 255 bytes.
_NAME_ROOM = 120
# Paths of this process's own streams and descriptors: never renamed over, written straight.
_STREAMS = re.compile(r"^/(dev/(stdout|stderr|stdin|fd/\d+|tty)|proc/(self|\d+)/fd/\d+)$")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32] or "host"


def temp_prefix(path: Path) -> str:
    """The start of every temporary name for ``path``: ``.NAME.poslink-``."""
    return f".{path.name[:_NAME_ROOM]}{_TEMP_TAG}"


def temp_name(path: Path, pid: int | None = None) -> str:
    """A new temporary file name beside ``path``, owned by this host and process."""
    token = secrets.token_hex(4)
    return f"{temp_prefix(path)}{_host()}-{pid or os.getpid()}-{token}{_TEMP_SUFFIX}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def is_stale(name: str, path: Path | str) -> bool:
    """Whether ``name`` is a temporary name of ``path`` (``temp_name``) made by a process of
    this host that is gone: left by a killed run, and nobody's to finish."""
    prefix = temp_prefix(Path(path))
    if not (name.startswith(prefix) and name.endswith(_TEMP_SUFFIX)):
        return False
    owner = name[len(prefix) : -len(_TEMP_SUFFIX)].split("-")
    if len(owner) != 3 or owner[0] != _host() or not owner[1].isdigit():
        return False
    pid = int(owner[1])
    return pid != os.getpid() and not _alive(pid)


def remove_stale(path: Path) -> list[Path]:
    """Remove the temporary files of ``path`` left by processes of this host that are gone.

    Only names this module makes are looked at, and a file whose process is alive (a run
    writing it now) is kept. A directory (the Spark engine's parts, same names) goes whole.
    Returns what was removed.
    """
    folder = path.parent
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for name in names:
        if not is_stale(name, path):
            continue
        with contextlib.suppress(FileNotFoundError):
            if (folder / name).is_dir() and not (folder / name).is_symlink():
                shutil.rmtree(folder / name)
            else:
                os.unlink(folder / name)
            removed.append(folder / name)
    return removed


def is_stream(path: Path | str) -> bool:
    """Whether ``path`` is written straight: ``-``, a device, FIFO or socket, a descriptor."""
    text = str(path)
    if text == STDOUT or _STREAMS.match(text):
        return True
    try:
        mode = os.stat(text).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _file_in_the_way(folder: Path) -> Path | None:
    """The nearest of ``folder`` and its parents that exists, when it is not a directory (the
    output's folder cannot be made under it); None otherwise."""
    for place in (folder, *folder.parents):
        if place.exists():
            return None if place.is_dir() else place
    return None


def sync_folder(folder: Path) -> None:
    """fsync a folder, so that a rename in it is on disk (where the platform can)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder: the rename is as safe as they allow
    finally:
        os.close(fd)


class Prepared(NamedTuple):
    """A run's output and rejects file whole on disk, not yet in place: their temporary files
    (None where there is none to read back: a stream, no rejects)."""

    output: Path | None
    rejects: Path | None


class AtomicFile:
    """A text file written whole or not at all (see the module docstring).

    ``open`` gives the handle to write to; ``commit`` publishes, ``abort`` drops. Errors of
    the handle's writes are turned into an ``OutputError`` by ``failed``.
    """

    def __init__(self, path: Path, *, newline: str | None = "") -> None:
        self.path = path
        self.newline = newline
        self._tmp: Path | None = None
        self._target: Path | None = None
        self.handle: io.TextIOWrapper | None = None
        self.streamed = is_stream(path)

    def failed(self, exc: OSError) -> OutputError:
        """The error to raise for a failed write of this file."""
        reason = exc.strerror or str(exc)
        return OutputError(f"{self.path}: cannot write output: {reason}")

    def open(self) -> io.TextIOWrapper:
        """Start writing: the stream itself, or a temporary file beside the destination."""
        try:
            if self.streamed:
                self.handle = self._open_stream()
            else:
                self.handle = self._open_temporary()
        except IsADirectoryError as exc:
            raise OutputError(f"{self.path}: is a directory; give the file to write") from exc
        except OSError as exc:
            self.abort()
            raise self.failed(exc) from exc
        return self.handle

    def _open_stream(self) -> io.TextIOWrapper:
        if str(self.path) == STDOUT:
            return io.TextIOWrapper(
                sys.stdout.buffer, encoding="utf-8", newline=self.newline, write_through=False
            )
        return io.TextIOWrapper(
            open(self.path, "wb"),
            encoding="utf-8",
            newline=self.newline,
        )

    def _open_temporary(self) -> io.TextIOWrapper:
        target = Path(os.path.realpath(self.path))
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory", str(self.path))
        in_the_way = _file_in_the_way(target.parent)
        if in_the_way is not None:
            # What mkdir would say ("File exists" or "Not a directory") names neither the
            # file nor the problem.
            reason = f"{in_the_way} is a file, not a directory"
            raise NotADirectoryError(errno.ENOTDIR, reason, str(in_the_way))
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target)
        try:
            earlier = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            earlier = None
        tmp = target.parent / temp_name(target)
        # 0o666 less the umask, as for any new file; a file written again keeps its mode.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        self._tmp, self._target = tmp, target
        try:
            if earlier is not None:
                os.fchmod(fd, earlier)
            return io.TextIOWrapper(os.fdopen(fd, "wb"), encoding="utf-8", newline=self.newline)
        except BaseException:
            os.close(fd)
            raise

    def prepare(self) -> None:
        """Flush the file and sync it to disk: all that may fail before ``commit`` renames."""
        handle = self.handle
        if handle is None:
            return
        try:
            handle.flush()
            if str(self.path) == STDOUT:
                handle.detach()  # standard output stays open for the summary
            else:
                if not self.streamed:
                    os.fsync(handle.fileno())
                handle.close()
            self.handle = None
        except OSError as exc:
            self.abort()
            raise self.failed(exc) from exc

    @property
    def written(self) -> Path | None:
        """The temporary file that ``commit`` moves into place (None for a stream, or once
        committed or aborted): once prepared, its bytes are the output's."""
        return self._tmp

    def commit(self) -> None:
        """Prepare the file (if not done), move it into place, sync its folder."""
        self.prepare()
        if self._tmp is None or self._target is None:
            return
        try:
            os.replace(self._tmp, self._target)
            self._tmp = None
            sync_folder(self._target.parent)
        except OSError as exc:
            self.abort()
            raise self.failed(exc) from exc

    def abort(self) -> None:
        """Drop the temporary file; the destination keeps what it had."""
        handle = self.handle
        if handle is not None and not handle.closed:
            if str(self.path) == STDOUT:
                with contextlib.suppress(OSError, ValueError):
                    handle.flush()
                    handle.detach()
            else:
                with contextlib.suppress(OSError):
                    handle.close()
        if self._tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp)
            self._tmp = None


def publish_copy(src: Path, dst: Path) -> None:
    """Copy a file into place as ``AtomicFile`` writes one (whole, synced, mode kept), byte for
    byte: a CSV output or a Parquet one."""
    out = AtomicFile(dst, newline="")
    try:
        handle = out.open().buffer  # the bytes: nothing is written through the text layer
        with src.open("rb") as source:
            while chunk := source.read(1 << 20):
                handle.write(chunk)
        out.commit()
    except OSError as exc:
        out.abort()
        raise out.failed(exc) from exc
    except BaseException:
        out.abort()
        raise
