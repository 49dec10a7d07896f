"""The Source extension point: a POS export format read into ``PosRecord``s."""

from __future__ import annotations

import atexit
import functools
import io
import os
import shutil
import sys
import tempfile
import types
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from poslink.exceptions import (
    ConfigError,
    InputChanged,
    InputError,
    PoslinkError,
    SkippedRecord,
    first_error,
)
from poslink.records import PosRecord
from poslink.sources.reading import InputTrail, open_input

# ``--pos -``: the export comes on standard input.
STDIN = "-"


class StdinPath(type(Path())):  # type: ignore[misc]
    """The spooled standard input: opened at its real place, named ``stdin`` in messages."""

    def __str__(self) -> str:
        return "stdin"

    def __fspath__(self) -> str:
        return str(super().__str__())


def spool_stdin() -> Path:
    """Standard input copied to a file in a private temporary folder, removed when the process
    ends; a source then reads it as any file (snapshot, digest, twice)."""
    folder = Path(tempfile.mkdtemp(prefix="poslink-stdin-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "stdin"
    with path.open("wb") as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
    return StdinPath(path)


class SourceOptions(BaseModel):
    """The options every source takes; a source's own ``Options`` extend this model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category_table: str | None = Field(
        None,
        description="POS category table: a built-in name or a .toml path (default: the source's)",
    )


class Source(ABC):
    """A POS export format.

    A subclass declares ``name``, a one-line ``description``, its ``Options`` (a pydantic model:
    names, types and defaults; extend ``SourceOptions``) and ``category_table`` (the POS category
    vocabulary it uses, overridden per run by the ``category_table`` option), and implements
    ``fields`` and ``records``.

    ``records`` is a generator: it yields a ``PosRecord`` per usable record and a
    ``SkippedRecord`` (yielded, not raised) per unusable one as it reads, in input order, ``row``
    counting from 0; it raises ``InputError`` when the file as a whole cannot be read. A fresh
    call reads the file again from the start.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    Options: ClassVar[type[BaseModel]] = SourceOptions
    category_table: str = "default"
    # The file formats the source reads (``sources/sniff.py``): a run that cannot read its
    # export, or rejects all of it, hints at another source when the file looks like another
    # format. Empty: no hint.
    formats: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Guard the subclass's own ``records`` and ``fields`` (``_failing_as_input``)."""
        super().__init_subclass__(**kwargs)
        # Here rather than at each place they are read (the pipeline, the engines, Spark's
        # executors, a sync's wrappers): a plugin's records and fields reach all of them.
        own = cls.__dict__.get("records")
        if own is not None and not getattr(own, "__isabstractmethod__", False):
            cls.records = _guarded(own)  # type: ignore[method-assign, assignment]
        fields = cls.__dict__.get("fields")
        read = fields.fget if isinstance(fields, property) else None
        if read is not None and not getattr(read, "__isabstractmethod__", False):
            cls.fields = property(_guarded_fields(read))  # type: ignore[assignment]

    def __init__(self, path: Path | str, options: BaseModel | Mapping[str, Any] | None = None):
        # ``location`` keeps a URL as given (an engine that reads object stores reads it).
        self.location = str(path)
        if self.location == STDIN:
            path = spool_stdin()  # read whole first: a source may read its input twice
        self.path = path if isinstance(path, StdinPath) else Path(path)
        # What the source has seen of its file (``open_bytes``): first size, digest, progress.
        self.trail = InputTrail()
        if isinstance(options, BaseModel):
            self.options = options
        else:
            self.options = validate_options(type(self), options or {})
        table = getattr(self.options, "category_table", None)
        if table:
            self.category_table = str(table)

    @property
    @abstractmethod
    def fields(self) -> list[str]:
        """The original field names, in the order the output repeats them."""

    @abstractmethod
    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """Every record of the export, in order."""

    @classmethod
    def pulls_from(cls, location: str) -> bool:
        """Whether the source fetches ``location`` itself (an API URL) instead of reading a file."""
        return False

    def open_bytes(self) -> BinaryIO:
        """The export's bytes, for a source to read (``sources/reading.py``).

        Decompressed when the file is gzip or zstd; never more than the file held when the
        source first opened it (``InputChanged`` when it changes while read); hashed, so that
        the decision store knows a feed by exactly the bytes read. A source that reads its
        file through this method gets all of that; one that opens the path itself does not.
        """
        return open_input(self.path, self.trail)

    def open_text(self, encoding: str = "utf-8", newline: str | None = "") -> io.TextIOWrapper:
        """``open_bytes`` as text."""
        return io.TextIOWrapper(self.open_bytes(), encoding=encoding, newline=newline)

    def check_unchanged(self) -> None:
        """``InputChanged`` when the file is no longer what the source first saw (a writer is
        still at it): called before a run publishes anything read from it."""
        trail = self.trail
        if trail.size is None:
            return
        try:
            st = os.stat(self.path)
        except OSError as exc:
            raise InputChanged(f"{self.path}: gone while it was read; run again") from exc
        if (st.st_ino, st.st_size, st.st_mtime_ns) != (trail.inode, trail.size, trail.mtime_ns):
            raise InputChanged(
                f"{self.path}: the file changed while it was read ({trail.size:,} bytes when"
                f" first seen, {st.st_size:,} now); nothing was written: run again once it is"
                " complete"
            )

    def read_digest(self) -> str | None:
        """SHA-256 of the bytes the latest whole read of the file saw (None: none did)."""
        return self.trail.digest

    def progress(self) -> tuple[int, int | None]:
        """Bytes of the file read so far, and its size (None when not known)."""
        return self.trail.position(), self.trail.size

    def check_readable(self) -> None:
        """Raise ``InputError`` when the path is missing or not a readable file."""
        if not self.path.exists():
            raise InputError(f"{self.path}: no such file")
        if not self.path.is_file():
            raise InputError(f"{self.path}: not a file")
        try:
            with self.path.open("rb"):
                pass
        except OSError as exc:
            raise InputError(f"{self.path}: cannot be read: {exc.strerror}") from exc


@contextmanager
def _failing_as_input(source: Source) -> Iterator[None]:
    """An unexpected error of the block (a plugin's bug, a library's error it let through) as
    an ``InputError`` naming the file and the source: one line and exit 3, as a built-in
    source's for a file it cannot read, not a traceback. poslink's own errors, an ``OSError``
    (reported as one already, naming its file) and ``MemoryError`` pass unchanged."""
    try:
        yield
    except (PoslinkError, OSError, MemoryError):
        raise
    except Exception as exc:
        where = str(source.path) if isinstance(source.path, StdinPath) else source.location
        name = getattr(source, "name", type(source).__name__)
        raise InputError(
            f"{where}: the {name} source failed reading it: {type(exc).__name__}: {exc}"
        ) from exc


def _guarded(
    records: Callable[[Source], Iterator[PosRecord | SkippedRecord]],
) -> Callable[[Source], Iterator[PosRecord | SkippedRecord]]:
    """``records`` within ``_failing_as_input``."""

    @functools.wraps(records)
    def guarded(self: Source) -> Iterator[PosRecord | SkippedRecord]:
        with _failing_as_input(self):
            yield from records(self)

    return guarded


def _guarded_fields(fields: Callable[[Any], list[str]]) -> Callable[[Any], list[str]]:
    """``fields`` within ``_failing_as_input``."""

    @functools.wraps(fields)
    def guarded(self: Source) -> list[str]:
        with _failing_as_input(self):
            return fields(self)

    return guarded


class SourceView(Source):
    """Another source seen through a wrapper (a sync's tap, a store read ahead): the inner
    source's file, options, trail, category table, name and fields; a subclass says how the
    records pass."""

    def __init__(self, inner: Source) -> None:
        # Not Source.__init__: this source is the inner one, with the same file, options and
        # trail (so the digest and the check that the file did not change are the same).
        self.inner = inner
        self.location = inner.location
        self.path = inner.path
        self.trail = inner.trail
        self.options = inner.options
        self.category_table = inner.category_table
        # The decision store knows a source by its name: the inner one's.
        self.__dict__["name"] = inner.name

    @property
    def fields(self) -> list[str]:
        """The inner source's fields."""
        return self.inner.fields


def validate_options(source: type[Source], options: Mapping[str, Any]) -> BaseModel:
    """A source's options validated; ``ConfigError`` names the first bad option."""
    try:
        return source.Options.model_validate(dict(options))
    except ValidationError as exc:
        key, message = first_error(exc, source.Options)
        raise ConfigError(f"source {source.name!r} option {key}: {message}") from exc


@dataclass(frozen=True)
class OptionDoc:
    """One option of a source, for ``poslink sources`` and the docs."""

    key: str
    kind: str
    default: str
    description: str


def option_docs(
    model: type[BaseModel], prefix: str = "", given: BaseModel | None = None
) -> list[OptionDoc]:
    """Every option of an options model, nested models flattened to dotted keys. ``given``: the
    default of the nested model these options are of, whose values are theirs (a key required
    within the model is not required of a user who leaves the whole model to its default)."""
    docs: list[OptionDoc] = []
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        inner = _nested_model(info.annotation)
        if inner is not None:
            nested = None if info.is_required() else info.get_default(call_default_factory=True)
            if given is not None:
                nested = getattr(given, name)
            docs.extend(option_docs(inner, key + ".", nested))
            continue
        if given is not None:
            default = repr(getattr(given, name))
        elif info.is_required():
            default = "required"
        else:
            default = repr(info.get_default(call_default_factory=True))
        docs.append(OptionDoc(key, type_name(info.annotation), default, info.description or ""))
    return docs


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def type_name(annotation: Any) -> str:
    """A short readable name for a type annotation (``str | None``, ``list[str]``)."""
    if annotation is None or annotation is type(None):
        return "None"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in args)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    if origin is not None:
        inner = ", ".join(type_name(a) for a in args)
        return f"{getattr(origin, '__name__', str(origin))}[{inner}]"
    return getattr(annotation, "__name__", str(annotation))
