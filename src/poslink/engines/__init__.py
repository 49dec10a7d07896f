"""Engines run the flow Source -> parse -> Matcher -> Sink; registered under ``poslink.engines``."""

from poslink.engines.base import Engine, Job, match_record

__all__ = ["Engine", "Job", "match_record"]
