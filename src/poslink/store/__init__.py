"""The decision store: decisions reused across runs, overrides, review (SQLite or PostgreSQL)."""

from poslink.store.db import DecisionStore
from poslink.store.overrides import Override, OverrideSet

__all__ = ["DecisionStore", "Override", "OverrideSet"]
