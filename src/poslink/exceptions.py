"""poslink's errors, named for what the caller should do next; each carries its exit code.

PoslinkError
 ├── ConfigError          2  usage: the run configuration is wrong (key, file, conflicting paths)
 ├── PluginError          2  usage: an unknown or broken source / catalog / sink / engine
 ├── InputError           3  data: a file cannot be read at all (missing, not JSON, no table)
 │    └── CatalogError    3  data: the catalog (or its saved index) is missing or unusable
 ├── OutputError          4  environment: the output cannot be written (disk full, a directory)
 ├── EngineError          4  environment: the engine could not run the job (Spark, a worker died)
 ├── StoreError           4  environment: the decision store cannot be opened, read or written
 ├── RetriableError      75  transient: the same run may succeed later
 │    ├── CatalogBusy        a locked SQLite catalog, a database server that does not answer
 │    ├── StoreBusy          a locked decision store, a server that does not answer in time
 │    └── InputChanged       the input file changed while it was read
 ├── RejectRateExceeded   1  the run completed, but rejected more records than allowed
 └── SkippedRecord           one record is set aside in the rejects file; the run goes on

The codes are the command line's exit codes (README: "Exit codes"); 75 is EX_TEMPFAIL of
sysexits.h, the code schedulers and mail systems take as "try again later". An interrupted run
exits 130 (SIGINT) or 143 (SIGTERM): see ``Terminated``.

A library's own errors (a database driver's, Spark's, pydantic's) become these where poslink
calls it: ``map_errors`` and ``first_error``.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, ValidationError

# The exit codes, by name.
EXIT_OK = 0
EXIT_REJECTS = 1
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_ENVIRONMENT = 4
EXIT_RETRY = 75
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143


class PoslinkError(Exception):
    """Base of every error poslink raises on purpose; its message is for the user."""

    exit_code = EXIT_ENVIRONMENT
    kind = "error"


class ConfigError(PoslinkError):
    """The run configuration is invalid."""

    exit_code = EXIT_USAGE
    kind = "usage"


class InputError(PoslinkError):
    """An input file cannot be read; the run stops and writes no output."""

    exit_code = EXIT_DATA
    kind = "data"


class CatalogError(InputError):
    """The catalog, or the saved index standing for it, cannot be opened or used."""


class PluginError(PoslinkError):
    """A plugin is unknown or failed to load."""

    exit_code = EXIT_USAGE
    kind = "usage"


class OutputError(PoslinkError):
    """The output cannot be written (no space, no permission, not a file); nothing is left."""

    kind = "environment"


class EngineError(PoslinkError):
    """The engine could not run the job; no output was written."""

    kind = "environment"


class StoreError(PoslinkError):
    """The decision store cannot be opened, read or written; the run writes no output."""

    kind = "environment"


class RetriableError(PoslinkError):
    """A transient failure: trying again may succeed."""

    exit_code = EXIT_RETRY
    kind = "retryable"


class CatalogBusy(RetriableError, CatalogError):
    """The catalog is locked by a writer, or its database server does not answer in time."""


class StoreBusy(RetriableError, StoreError):
    """The decision store is locked, or its database server does not answer in time."""


class InputChanged(RetriableError, InputError):
    """The input file changed (grew, was rewritten) while it was read; nothing was written."""


class RejectRateExceeded(PoslinkError):
    """The run completed and wrote its output, but rejected more records than allowed."""

    exit_code = EXIT_REJECTS
    kind = "rejects"


class SkippedRecord(PoslinkError):
    """One record cannot be used; it goes to the rejects file with this reason.

    ``category`` is the record's POS category when it had one as text ("" otherwise), so that
    the network report counts a reject under its category, as it counts the other records.
    """

    def __init__(
        self, reason: str, *, row: int, pos_id: str = "", raw: object = None, category: str = ""
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.row = row
        self.pos_id = pos_id
        self.raw = raw
        self.category = category


class Terminated(KeyboardInterrupt):
    """A termination signal (SIGTERM, SIGHUP) arrived; handled like Ctrl-C, with its own code.

    A ``KeyboardInterrupt``, so that every library that cleans up after Ctrl-C (a database
    driver cancelling its query, a pool of processes) does the same for SIGTERM.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number: 143 for SIGTERM, as a shell reports it."""
        return 128 + self.signum


# A foreign exception class (or classes) and how to make poslink's error of one.
Rule = tuple[type[BaseException] | tuple[type[BaseException], ...], Callable[[Any], Exception]]


@contextmanager
def map_errors(*rules: Rule) -> Iterator[None]:
    """Raise poslink's error for a library's: the first rule whose class the error is makes it.

    Ours is raised from the original (kept as its cause, for ``-v`` and tracebacks). A poslink
    error, and any error no rule names (an interrupt among them), leaves unchanged. Also a
    decorator of plain functions (not of generators: wrap the body instead).
    """
    try:
        yield
    except PoslinkError:
        raise
    except BaseException as exc:
        for kinds, ours in rules:
            if isinstance(exc, kinds):
                raise ours(exc) from exc
        raise


def plain(message: str) -> str:
    """A pydantic message as a user reads it: a validator's own ``ValueError`` comes as "Value
    error, <its text>", and the text is the message."""
    return message.replace("Value error, ", "")


def first_error(exc: ValidationError, model: type[BaseModel]) -> tuple[str, str]:
    """The dotted key and a plain message for the first error (unknown keys first: a misspelt
    key is often why another one is missing)."""
    errors = exc.errors()
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [str(p) for p in error["loc"]]
    key = ".".join(loc) or "(options)"
    if error["type"] == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        known = ", ".join(parent.model_fields) if parent else ""
        return key, "not a known key" + (f" (known: {known})" if known else "")
    if error["type"] == "missing":
        return key, "required, not given"
    message = plain(str(error["msg"]))
    if "input" in error and error["type"] not in ("model_type", "dict_type"):
        message += f", got {error['input']!r}"
    return key, message


def _model_at(model: type[BaseModel], loc: list[str]) -> type[BaseModel] | None:
    """The nested model a location points into, when it is one."""
    current: type[BaseModel] = model
    for part in loc:
        info = current.model_fields.get(part)
        inner = info.annotation if info else None
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return None
        current = inner
    return current
