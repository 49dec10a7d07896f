"""poslink: link dispensary point-of-sale inventories to a canonical product catalog.

The public surface: ``run`` a configured pipeline; match records from Python with a
``Matcher`` (``Matcher.from_catalog`` or ``Matcher.load``, then ``match_one``, ``match_table``,
``explain``) or in one call with ``match``; the extension points (``Source``, ``Catalog``,
``Sink``, ``Engine``) and the data contracts. Everything else is internal.
"""

from poslink.api import Matcher, StoredOverrides, match
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
from poslink.explain import ExplainedCandidate, Explanation
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
    "ExplainedCandidate",
    "Explanation",
    "InputError",
    "Match",
    "Matcher",
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
    "StoredOverrides",
    "load_run_config",
    "match",
    "run",
]
