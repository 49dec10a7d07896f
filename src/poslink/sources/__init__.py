"""POS sources: one module per export format, registered under ``poslink.sources``."""

from poslink.sources.base import Source, SourceOptions

__all__ = ["Source", "SourceOptions"]
