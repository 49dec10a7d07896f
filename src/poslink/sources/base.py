"""The Source extension point: a POS export format read into ``PosRecord``s."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from poslink.exceptions import ConfigError, InputError, SkippedRecord
from poslink.records import PosRecord


class NoOptions(BaseModel):
    """A source without options."""

    model_config = ConfigDict(extra="forbid")


class Source(ABC):
    """A POS export format.

    A subclass declares ``name``, a one-line ``description``, its ``Options`` (a pydantic model:
    names, types and defaults) and ``category_table`` (the POS category vocabulary it uses), and
    implements ``fields`` and ``records``. ``records`` yields a ``PosRecord`` per usable record
    and a ``SkippedRecord`` (not raised) per unusable one, in input order, ``row`` counting from
    0; it raises ``InputError`` when the file as a whole cannot be read.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    Options: ClassVar[type[BaseModel]] = NoOptions
    category_table: ClassVar[str] = "default"

    def __init__(self, path: Path | str, options: BaseModel | Mapping[str, Any] | None = None):
        # ``location`` keeps a URL as given (an engine that reads object stores reads it).
        self.location = str(path)
        self.path = Path(path)
        if isinstance(options, BaseModel):
            self.options = options
        else:
            try:
                self.options = self.Options.model_validate(dict(options or {}))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise ConfigError(f"source {self.name!r} option {where}: {first['msg']}") from exc

    @property
    @abstractmethod
    def fields(self) -> list[str]:
        """The original field names, in the order the output repeats them."""

    @abstractmethod
    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """Every record of the export, in order."""

    def size_hint(self) -> int | None:
        """How many records to expect, when cheap to know (for progress bars)."""
        return None

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
