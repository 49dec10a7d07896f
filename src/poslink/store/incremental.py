"""A run with a decision store: only new or changed records reach the engine.

Engine-independent: the engine gets a source that yields only the records without a valid
stored decision, and a sink that hands its matches to an ``OrderedMerge`` (``merge.py``). The
merge writes every record to the real sink in input order (a reused decision waits only for
the engine's matches of earlier records), with overrides on top. The new decisions are saved
in one transaction before the output is published. See ``store/basis.py`` for when a stored
decision is valid.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from poslink.config import MatcherConfig
from poslink.domain.parser import Parser
from poslink.engines.base import Job, parse_record
from poslink.files.rejects import RejectsFile
from poslink.matching import CatalogIndex
from poslink.matching.decide import WHOLE_NAME
from poslink.records import Match, PosRecord, Status
from poslink.sinks.base import Sink
from poslink.sources.base import Source
from poslink.store.basis import ABSENT, ALL, CatalogState, record_fields, rules_hash
from poslink.store.db import DecisionStore
from poslink.store.merge import ChangedRecords, Entry, MergeSink, OrderedMerge
from poslink.store.rows import NO_OUTPUTS, Outputs, RunRecord, StoredDecision

log = logging.getLogger(__name__)


class Validity:
    """Decides whether a stored decision still holds for a record under the current catalog."""

    def __init__(
        self, store: DecisionStore, state: CatalogState, parser: Callable[[], Parser]
    ) -> None:
        self.store = store
        self.state = state
        self._parser = parser
        self._blocks: dict[str, dict[str, str] | None] = {}
        # (source, store, pos_id, brand_key) of decisions carried over to this catalog version.
        self.refreshed: list[dict[str, Any]] = []

    def holds(self, source: str, entry: Entry, stored: StoredDecision) -> bool:
        """Same record, and the same catalog, or one whose record's brand block is unchanged."""
        if stored.fingerprint != entry.fingerprint:
            return False
        if stored.catalog_version == self.state.version:
            return True
        if stored.brands != self.state.brands:
            return False
        blocks = self._old_blocks(stored.catalog_version)
        if blocks is None:
            return False
        assert isinstance(entry.record, PosRecord)
        key = stored.brand_key
        if key is None:
            key = brand_key(self.parser, entry.record)
        if blocks.get(key or ALL, ABSENT) != self.state.block(key):
            return False
        if key and self._elsewhere(key, entry.record, stored):
            return False
        self.refreshed.append(
            {
                "k_source": source,
                "k_store": entry.store,
                "k_pos_id": entry.record.pos_id,
                "k_brand": key,
                "k_version": self.state.version,
            }
        )
        return True

    def _elsewhere(self, key: str, record: PosRecord, stored: StoredDecision) -> bool:
        """Whether the decision rested, or may now rest, on a product outside its brand's
        block: a whole name equal to another brand's product (``CatalogState.elsewhere``;
        a whole-name decision the threshold turned down names no product, and counts)."""
        if WHOLE_NAME in stored.reason and stored.jane_product_id is None:
            return True
        return self.state.elsewhere(key, record.name, stored.jane_product_id)

    @cached_property
    def parser(self) -> Parser:
        """The parser the engines read records with (it needs the catalog's index)."""
        return self._parser()

    def _old_blocks(self, version: str) -> dict[str, str] | None:
        if version not in self._blocks:
            self._blocks[version] = self.store.blocks(version)
        return self._blocks[version]


class StoredDecisions:
    """The decisions of one source under a run's rules, read from the store one store at a time,
    when a record of that store first asks: a feed (one store of a network sync) reads its own
    store's decisions, not every store's."""

    def __init__(self, store: DecisionStore | None, source: str, rules: str) -> None:
        self.store = store
        self.source = source
        self.rules = rules
        self._by_store: dict[str, dict[str, StoredDecision]] = {}

    def get(self, key: tuple[str, str]) -> StoredDecision | None:
        """The stored decision of (store, POS id), if any."""
        store, pos_id = key
        found = self._by_store.get(store)
        if found is None:
            found = self._by_store[store] = (
                self.store.load_store(self.source, self.rules, store) if self.store else {}
            )
        return found.get(pos_id)


@dataclass
class StoreRunResult:
    """Counts of one run with a store."""

    counts: Counter[Status]
    reused: int
    matched_now: int
    overridden: int


class StoreRun:
    """A run's records against the decision store (see the module docstring): ``sink``, then
    ``job`` (for the engine, when some record needs it), then ``finish``."""

    merge: OrderedMerge  # made by ``sink``

    def __init__(
        self,
        store: DecisionStore,
        *,
        source: Source,
        catalog_version: str,
        index: Callable[[], CatalogIndex],
        matcher_config: MatcherConfig,
        default_store: str,
        full: bool = False,
        knowledge: str = "",
    ) -> None:
        """``index`` gives the catalog's index (of version ``catalog_version``); it is called
        only when a record must be matched or a stored decision is checked against a changed
        catalog. ``knowledge`` is the digest of the taught knowledge the index reads."""
        self.store = store
        self.source = source
        self.source_name = source.name
        self.default_store = default_store
        self.full = full
        self.index = index
        self.matcher_config = matcher_config
        self.state = CatalogState(catalog_version, index)
        self.rules = rules_hash(matcher_config, source.category_table, knowledge)
        self.stored = StoredDecisions(None, self.source_name, self.rules)
        self.overrides = store.override_set(source.name)
        self.validity = Validity(store, self.state, lambda: index().parser(source.category_table))

    def stored_for(self, entry: Entry) -> StoredDecision | None:
        """The stored decision for this record when it still holds."""
        assert isinstance(entry.record, PosRecord)
        found = self.stored.get((entry.store, entry.record.pos_id))
        if found is None or not self.validity.holds(self.source_name, entry, found):
            return None
        return found

    def sink(self, sink: Sink, rejects: RejectsFile) -> Sink:
        """The sink the engine writes to: its matches join the reused decisions in input
        order on their way to ``sink`` (with ``rejects``: the unusable records)."""
        self.merge = OrderedMerge(sink, rejects, self.overrides)
        return MergeSink(self.merge)

    def job(
        self, sink: Sink, rejects: RejectsFile, progress: Callable[[int], None] | None = None
    ) -> Job | None:
        """The engine's job: the records without a valid stored decision, or None when every
        record has one (then neither the engine nor the catalog's index is set to work).

        ``sink`` is the one ``sink()`` gave; the real sink must be open: reading up to the
        first record to match writes the reused ones before it.
        """
        if not self.full:
            self.stored = StoredDecisions(self.store, self.source_name, self.rules)
        changed = ChangedRecords(
            self.source, self.stored_for, self.default_store, self.merge, progress
        )
        if not changed.any():
            return None
        return Job(changed, self.index(), self.matcher_config, sink, rejects, progress)

    def finish(
        self,
        engine: str,
        feed_key: Callable[[], str],
        outputs: Callable[[], Outputs],
    ) -> StoreRunResult:
        """Every record written (``engine`` gave a decision for each it got): save the new
        decisions and the run in one transaction. ``feed_key`` gives the key of the feed as
        read; ``outputs``, once every record is written, where the output goes and its digest
        (recorded only for a feed with a key: a later run of the same feed may reuse it)."""
        merge = self.merge
        merge.finish(engine)
        key = feed_key()
        published = outputs() if key else NO_OUTPUTS
        log.info("saving %d new decisions to the decision store", len(merge.new))
        new_keys = {(e.store, e.record.pos_id) for e, _ in merge.new}
        self.store.save(
            RunRecord(
                source=self.source_name,
                store=self.default_store,
                catalog_version=self.state.version,
                full=self.full,
                records=sum(merge.counts.values()),
                matched_now=len(merge.new),
                reused=merge.reused,
                counts={
                    **{s.value: n for s, n in merge.counts.items()},
                    "overridden": merge.overridden,
                },
                feed_key=key,
            ),
            self._rows(merge.new),
            blocks=lambda: self.state.blocks,
            # A key the feed repeats may have a new decision too: that one stands.
            refreshed=[
                r for r in self.validity.refreshed if (r["k_store"], r["k_pos_id"]) not in new_keys
            ],
            outputs=published,
        )
        return StoreRunResult(merge.counts, merge.reused, len(merge.new), merge.overridden)

    def _rows(self, new: list[tuple[Entry, Match]]) -> Iterator[dict[str, Any]]:
        # One row per key: a feed that repeats a key keeps its last record's decision.
        last: dict[tuple[str, str], tuple[Entry, Match]] = {}
        for entry, match in new:
            assert isinstance(entry.record, PosRecord)
            last[(entry.store, entry.record.pos_id)] = (entry, match)
        for (store, pos_id), (entry, match) in last.items():
            assert isinstance(entry.record, PosRecord)
            yield {
                "source": self.source_name,
                "store": store,
                "pos_id": pos_id,
                "fingerprint": entry.fingerprint,
                # The quantity as last matched: the review console ranks by it (not a key).
                "record": json.dumps(
                    {**record_fields(entry.record), "quantity": entry.record.quantity},
                    ensure_ascii=False,
                ),
                "rules": self.rules,
                "brands": self.state.brands,
                "catalog_version": self.state.version,
                # Worked out by parsing, when a catalog change needs it (see store/basis.py).
                "brand_key": None,
                "jane_product_id": match.jane_product_id,
                "score": match.score,
                "status": match.status.value,
                "reason": match.reason,
            }


def brand_key(parser: Parser, record: PosRecord) -> str:
    """The catalog brand a record is read as ("" for none), as the engines' parser reads it."""
    try:
        item = parse_record(parser, record)
    except Exception:  # the engine rejected it the same way; its decision depends on no block
        return ""
    return item.brand or ""
