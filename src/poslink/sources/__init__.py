"""POS sources: one module per export format, registered under ``poslink.sources``."""

from poslink.sources.base import NoOptions, Source

__all__ = ["NoOptions", "Source"]
