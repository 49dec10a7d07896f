"""poslink: link dispensary point-of-sale inventories to a canonical product catalog.

The public surface: ``run`` a configured pipeline, the extension points (``Source``,
``Catalog``, ``Sink``, ``Engine``) and the data contracts. Everything else is internal.
"""

from poslink.catalogs.base import Catalog
from poslink.config import MatcherConfig, RunConfig, load_run_config
from poslink.engines.base import Engine
from poslink.exceptions import (
    CatalogError,
    ConfigError,
    InputError,
    PluginError,
    PoslinkError,
    RetriableError,
    SkippedRecord,
)
from poslink.pipeline import RunSummary, run
from poslink.records import CatalogProduct, Match, ParsedItem, PosRecord, Status
from poslink.sinks.base import Sink
from poslink.sources.base import Source, SourceOptions

__all__ = [
    "Catalog",
    "CatalogError",
    "CatalogProduct",
    "ConfigError",
    "Engine",
    "InputError",
    "Match",
    "MatcherConfig",
    "ParsedItem",
    "PluginError",
    "PosRecord",
    "PoslinkError",
    "RetriableError",
    "RunConfig",
    "RunSummary",
    "Sink",
    "SkippedRecord",
    "Source",
    "SourceOptions",
    "Status",
    "load_run_config",
    "run",
]
