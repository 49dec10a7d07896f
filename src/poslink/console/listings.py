"""The decision store's records as the review console reads them: listings, each with its
stored decision and the override that applies, parsed as the engines parse them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from poslink.domain.knowledge import load_knowledge
from poslink.domain.learned import LearnedKnowledge
from poslink.domain.parser import Parser
from poslink.engines.base import parse_record
from poslink.matching import CatalogIndex
from poslink.records import ParsedItem, PosRecord
from poslink.store.db import DecisionStore
from poslink.store.overrides import OverrideSet
from poslink.store.review import source_category_table


@dataclass(slots=True)
class Listing:
    """One stored record as the queue shows it, with the matcher's stored decision."""

    source: str
    store: str
    pos_id: str
    record: PosRecord
    status: str
    score: float
    jane_product_id: int | None
    reason: str
    item: ParsedItem | None = None
    override: str | None = None  # "none" or a catalog id, when one applies
    display: str = ""  # the name's words without brand and measures (gaps name products so)

    @property
    def quantity(self) -> float | None:
        """The quantity on hand as last matched."""
        return self.record.quantity


def stored_listings(store: DecisionStore) -> list[Listing]:
    """Every stored decision as a listing, with the override that applies to it (if any)."""
    out: list[Listing] = []
    overrides: dict[str, OverrideSet] = {}
    for d in store.decisions():
        fields = json.loads(d["record"])
        quantity = fields.pop("quantity", None)
        fields["name"], fields["category"] = fields.get("name") or "", fields.get("category") or ""
        record = PosRecord(
            row=0,
            source=d["source"],
            pos_id=d["pos_id"],
            store=d["store"],
            quantity=quantity if isinstance(quantity, int | float) else None,
            **fields,
        )
        if d["source"] not in overrides:
            overrides[d["source"]] = store.override_set(d["source"])
        found = overrides[d["source"]].find(record)
        out.append(
            Listing(
                d["source"],
                d["store"],
                d["pos_id"],
                record,
                d["status"],
                float(d["score"]),
                d["jane_product_id"],
                d["reason"],
                override=found.answer if found is not None else None,
            )
        )
    return out


class Parsers:
    """One parser per (source, store), each reading the knowledge taught for it."""

    def __init__(
        self, index: CatalogIndex, learned: Callable[[str, str], LearnedKnowledge]
    ) -> None:
        self.index = index
        self.learned = learned
        self._made: dict[tuple[str, str], Parser] = {}

    def get(self, source: str, store: str) -> Parser:
        """The parser for a listing of ``source`` at ``store``."""
        key = (source, store)
        if key not in self._made:
            knowledge = self.learned(source, store)
            brands = knowledge.apply(self.index.brands) if knowledge else self.index.brands
            self._made[key] = Parser(load_knowledge(), brands, source_category_table(source))
        return self._made[key]

    def display(self, listing: Listing) -> str:
        """A listing's name as words, its brand and measures taken out."""
        parser = self.get(listing.source, listing.store)
        tokens = parser.words_of(listing.record.name).tokens
        found = parser.brands.find(tokens)
        if found and listing.item is not None and found[0] == listing.item.brand:
            tokens = tokens[: found[1]] + tokens[found[2] :]
        return " ".join(tokens)

    def parse(self, listing: Listing) -> ParsedItem:
        """A listing parsed as the engines would (exceptions: unparsable names)."""
        return parse_record(self.get(listing.source, listing.store), listing.record)

    def explain(self, listing: Listing) -> tuple[ParsedItem, dict[str, str]]:
        """A listing parsed, and where each attribute came from (``poslink explain``)."""
        r = listing.record
        return self.get(listing.source, listing.store).explain_pos(
            r.name,
            r.category,
            brand=r.brand,
            product_type=r.product_type,
            lineage=r.lineage,
            weight=r.weight,
        )
