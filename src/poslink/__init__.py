"""poslink: link dispensary point-of-sale inventories to a canonical product catalog.

The public surface: ``run`` a configured pipeline; match records from Python with a
``Matcher`` (``Matcher.from_catalog`` or ``Matcher.load``, then ``match_one``, ``match_table``,
``explain``) or in one call with ``match``; the extension points (``Source``, ``Catalog``,
``Sink``, ``Engine``) and the data contracts. Everything else is internal.
"""

# The names below are loaded on first use (PEP 562): importing the package, or one of its
# modules, does not import the whole API (the matcher, PyArrow, pydantic). The command's
# entry point (``entry.py``) is such a module: it is running, and handles an interrupt, before
# the heavy imports start.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

_HOME = {
    "Catalog": "poslink.catalogs.base",
    "CatalogError": "poslink.exceptions",
    "CatalogProduct": "poslink.records",
    "ConfigError": "poslink.exceptions",
    "Engine": "poslink.engines.base",
    "ExplainedCandidate": "poslink.explain",
    "Explanation": "poslink.explain",
    "InputError": "poslink.exceptions",
    "Match": "poslink.records",
    "Matcher": "poslink.api",
    "MatcherConfig": "poslink.config",
    "ParsedItem": "poslink.records",
    "PluginError": "poslink.exceptions",
    "PosRecord": "poslink.records",
    "PoslinkError": "poslink.exceptions",
    "RetriableError": "poslink.exceptions",
    "RunConfig": "poslink.config",
    "RunSummary": "poslink.pipeline",
    "Sink": "poslink.sinks.base",
    "SkippedRecord": "poslink.exceptions",
    "Source": "poslink.sources.base",
    "SourceOptions": "poslink.sources.base",
    "Status": "poslink.records",
    "StoredOverrides": "poslink.api",
    "load_run_config": "poslink.config",
    "match": "poslink.api",
    "run": "poslink.pipeline",
}


if not TYPE_CHECKING:
    # Hidden from type checkers, which would otherwise take any name of the package, a
    # misspelt one included, for one this function returns; they see the imports above.

    def __getattr__(name: str) -> object:
        """A public name, imported from its module the first time it is asked for."""
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module 'poslink' has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value  # asked once: the next use is a plain attribute
        return value


def __dir__() -> list[str]:
    """The module's names with the public ones not loaded yet."""
    return sorted({*globals(), *_HOME})


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
