"""Sinks: where matched records go, registered under ``poslink.sinks``."""

from poslink.sinks.base import MATCH_COLUMNS, Sink

__all__ = ["MATCH_COLUMNS", "Sink"]
