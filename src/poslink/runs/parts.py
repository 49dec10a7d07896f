"""The parts a run configuration names, built: the source, the sink, the engine and the rejects
file, and the catalog, read once for its version and its index."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from poslink import plugins
from poslink.catalogs import open_catalog
from poslink.config import RunConfig
from poslink.db.connect import describe
from poslink.domain.knowledge import load_category_table
from poslink.domain.learned import LearnedKnowledge, teach
from poslink.engines.base import Engine, EngineOptionError
from poslink.exceptions import ConfigError, PluginError
from poslink.files.atomic import is_stream
from poslink.files.rejects import RejectsFile, rejects_path
from poslink.matching import CatalogIndex
from poslink.matching.index import catalog_version
from poslink.matching.saved import load_index
from poslink.records import CatalogProduct
from poslink.sinks.base import Sink
from poslink.sources.base import Source

if TYPE_CHECKING:  # SQLAlchemy loads only when a run uses a decision store
    from poslink.store.db import DecisionStore

log = logging.getLogger(__name__)


def build_source(config: RunConfig) -> Source:
    """The configured source, opened on the POS export, its category table checked."""
    cls = plugins.load("sources", config.source)
    if not issubclass(cls, Source):
        raise PluginError(f"source {config.source!r} is not a poslink Source")
    if pulls(config) and getattr(plugins.load("engines", config.engine), "handles_urls", False):
        raise ConfigError(
            f"the {config.engine} engine reads its input itself: pull with the local engine, or"
            " save the pages first (-o save_pages=DIR) and give --pos DIR"
        )
    source = cls(config.location("pos"), config.source_options)
    load_category_table(source.category_table)
    return source


def pulls(config: RunConfig) -> bool:
    """Whether the configured source pulls ``pos`` from an API itself (not a file or URL)."""
    cls = plugins.load("sources", config.source)
    return issubclass(cls, Source) and cls.pulls_from(str(config.location("pos")))


class CatalogAccess:
    """The configured catalog: its version on first use, its index only when asked for.

    A run with a decision store needs the version to know whether anything must be matched,
    and the index only when something must. The products read for the version are kept for
    the index, so the catalog is read once and the index is of exactly that version.
    """

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self._read: list[CatalogProduct] | None = None

    def _products(self) -> Iterable[CatalogProduct]:
        catalog = open_catalog(
            self.config.catalog,
            kind=self.config.catalog_kind,
            table=self.config.catalog_table,
            columns=self.config.catalog_columns,
            timeouts=self.config.timeouts,
        )
        log.info("reading the catalog %s", describe(self.config.catalog))
        return catalog.products()

    @cached_property
    def version(self) -> str:
        """The catalog's version (``matching.index.catalog_version``)."""
        self._read = list(self._products())
        version = catalog_version(self._read)
        log.debug("catalog: %d products, version %s", len(self._read), version)
        return version

    @cached_property
    def index(self) -> CatalogIndex:
        """The saved index when it fits the catalog, or one built from the catalog."""
        if self.config.index is not None:
            index = load_index(self.config.index, self.version)
        else:
            # Streamed from the catalog when the version was not asked for first.
            index = CatalogIndex.build(self._read if self._read is not None else self._products())
        log.debug("catalog index of %d products ready", len(index))
        self._read = None
        return index

    def taught(self, learned: LearnedKnowledge) -> CatalogIndex:
        """The index, made to read what the catalog team taught (``domain.learned.teach``)."""
        warn_unknown_brands(learned, self.index)
        return teach(self.index, learned)

    def missing(self, ids: set[str]) -> set[str]:
        """Those of ``ids`` the catalog does not have (reading its products if not yet done)."""
        if not ids:
            return set()
        _ = self.version
        products = self._read if self._read is not None else self.index.products
        return ids - {p.id for p in products if p.id in ids}


def build_engine(config: RunConfig, options: dict[str, Any] | None = None) -> Engine:
    """The configured engine, its options validated (a bad one named where it was set).

    ``options``: these of the configuration's engine options instead of all of them.
    """
    try:
        cls = plugins.load("engines", config.engine)
        engine = cls(**(config.engine_options if options is None else options))
    except EngineOptionError as exc:
        # Checked here, not when the configuration is read: a configuration may hold the
        # options of an engine another layer (a flag) then replaced.
        where = config.where(("engine_options", *exc.key.split(".")))
        if where is None:
            raise
        raise ConfigError(f"{where}: {exc.problem}") from exc
    assert isinstance(engine, Engine)
    return engine


@dataclass
class Shared:
    """What one run of many (a network sync, one run per store) takes from the others.

    ``catalog`` is read and indexed once for all of them and ``engine`` is one engine (its
    worker pool and decision cache kept between runs: ``LocalEngine.sharing``). ``tap`` puts
    itself around the run's source and sink (the sync's report reads every record and row as
    it passes); ``rejects`` is where the run's rejects file goes instead of beside the output;
    ``decisions`` is the decision store, opened once for all the runs; ``source``, when
    given, is the run's source, already read (a sync reads stores ahead: ``network/ahead.py``).
    """

    catalog: CatalogAccess
    engine: Engine
    tap: Callable[[Source, Sink], tuple[Source, Sink]] | None = None
    rejects: Path | None = None
    decisions: DecisionStore | None = None
    source: Source | None = None


def build_output(
    config: RunConfig, fields: list[str], shared: Shared | None = None
) -> tuple[Sink, Engine, RejectsFile]:
    """The configured sink (on the output path), engine and rejects file.

    An output written straight (``-``, a device, a FIFO) has no rejects file beside it: the
    rejected records are in the output, status ``rejected``.
    """
    sink_cls = plugins.load("sinks", config.sink)
    sink = sink_cls(config.location("out"), fields)
    engine = shared.engine if shared is not None else build_engine(config)
    assert isinstance(sink, Sink)
    out = config.location("out")
    if shared is not None and shared.rejects is not None:
        rejects = RejectsFile(shared.rejects)
    else:
        rejects = RejectsFile(None if is_stream(out) else rejects_path(out))
    return sink, engine, rejects


def warn_unknown_brands(learned: LearnedKnowledge, index: CatalogIndex) -> None:
    """Warn of each lesson naming a brand the catalog lacks (a mistyped target, a brand since
    removed): the run cannot apply it, and would otherwise ignore it without a word."""
    for x, brand in learned.unknown_brands(index.brands):
        log.warning(
            "lesson %s %r -> %r ignored: the catalog has no brand %r (fix it: poslink"
            " knowledge list, remove, import)",
            x.kind,
            x.text,
            x.target,
            brand,
        )
