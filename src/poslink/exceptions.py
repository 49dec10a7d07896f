"""poslink's errors, named for what the caller should do next.

PoslinkError
 ├── ConfigError        fatal: the run configuration is wrong (key, file)
 ├── InputError         fatal: a file cannot be read at all (missing, not JSON, no table)
 │    └── CatalogError  fatal: the catalog is missing, not a catalog, or lacks a column
 ├── PluginError        fatal: an unknown or broken source / catalog / sink / engine
 ├── EngineError        fatal: the engine could not run the job (Spark did not start, a job failed)
 ├── StoreError         fatal: the decision store cannot be opened, read or written
 ├── RetriableError     transient: the same call may succeed later (a busy server)
 └── SkippedRecord      one record is set aside in the rejects file; the run goes on
"""

from __future__ import annotations


class PoslinkError(Exception):
    """Base of every error poslink raises on purpose; its message is for the user."""


class ConfigError(PoslinkError):
    """The run configuration is invalid."""


class InputError(PoslinkError):
    """An input file cannot be read; the run stops and writes no output."""


class CatalogError(InputError):
    """The catalog cannot be opened or does not have the expected shape."""


class PluginError(PoslinkError):
    """A plugin is unknown or failed to load."""


class EngineError(PoslinkError):
    """The engine could not run the job; no output was written."""


class StoreError(PoslinkError):
    """The decision store cannot be opened, read or written; the run writes no output."""


class RetriableError(PoslinkError):
    """A transient failure: trying again may succeed."""


class SkippedRecord(PoslinkError):
    """One record cannot be used; it goes to the rejects file with this reason."""

    def __init__(self, reason: str, *, row: int, pos_id: str = "", raw: object = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.row = row
        self.pos_id = pos_id
        self.raw = raw
