"""The console's working state: the store, the catalog's index, the queue and what changed.

One ``Workbench`` serves every request of a console process. The queue is computed when the
console starts and on ``refresh``; a decision takes its group out of the queue at once (and
``undo`` puts it back), so reviewers never see a decided group again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from poslink.catalogs import open_catalog
from poslink.console import actions
from poslink.console.gaps import ProposedProduct, cluster
from poslink.console.learn import Proposal, propose
from poslink.console.listings import Listing, Parsers
from poslink.console.queue import CONFIDENT, FLOOR, Group, Queue, build_queue
from poslink.console.search import CatalogSearch
from poslink.matching import CatalogIndex
from poslink.matching.duplicates import duplicate_groups
from poslink.records import CatalogProduct
from poslink.store.db import DecisionStore
from poslink.store.knowledge import load_learned


@dataclass(frozen=True)
class Settings:
    """What ``poslink console`` was started with."""

    decisions: str
    catalog: str
    catalog_table: str = "products"
    catalog_columns: dict[str, str] = field(default_factory=dict)
    floor: float = FLOOR
    confident: float = CONFIDENT
    secure_cookies: bool = False


@dataclass
class Pending:
    """Lessons proposed after a decision, waiting for the reviewer who made it."""

    user: str
    group: str
    proposals: list[tuple[Proposal, str, str]]  # proposal, its listing's source and store


class Workbench:
    """The store, catalog, queue and pending lessons of one console process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = DecisionStore(settings.decisions)
        catalog = open_catalog(
            settings.catalog, table=settings.catalog_table, columns=settings.catalog_columns
        )
        self.index = CatalogIndex.build(catalog.products())
        self.products = {p.id: p for p in self.index.products}
        self.search = CatalogSearch(
            self.index.products, settings.catalog, settings.catalog_table, settings.catalog_columns
        )
        self.lock = threading.RLock()
        self.pending: dict[int, Pending] = {}
        self.done: dict[str, tuple[Group, str]] = {}  # group id -> (group, answer)
        self.parsers = self._parsers()
        self.queue = self._build()

    def _parsers(self) -> Parsers:
        return Parsers(self.index, lambda source, at: load_learned(self.store, source, at))

    def _build(self) -> Queue:
        return build_queue(
            self.store,
            self.index,
            self.parsers,
            floor=self.settings.floor,
            confident=self.settings.confident,
        )

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

    def refresh(self) -> None:
        """Read the store again: new runs, other reviewers' decisions, taught knowledge."""
        with self.lock:
            self.parsers = self._parsers()
            self.queue = self._build()
            self.done.clear()

    def group(self, gid: str) -> Group | None:
        """A queued group, or one decided in this process (for undo and the audit)."""
        with self.lock:
            found = self.queue.by_id().get(gid)
            return found if found is not None else self.done.get(gid, (None, ""))[0]

    def decide(self, user: str, group: Group, answer: str) -> int:
        """Resolve a group (catalog id or "none"); its audit id. Lessons it suggests wait in
        ``pending`` under that id."""
        with self.lock:
            audit_id = actions.decide(
                self.store, user, group.id, group.listings, self.queue.names, answer
            )
            if group in self.queue.groups:
                self.queue.groups.remove(group)
            self.done[group.id] = (group, answer)
            product = self.products.get(answer.strip())
            if product is not None:
                found = self.proposals(group, product)
                if found:
                    self.pending[audit_id] = Pending(user, group.id, found)
            return audit_id

    def proposals(self, group: Group, product: CatalogProduct) -> list[tuple[Proposal, str, str]]:
        """What linking the group's listings to ``product`` teaches, each lesson once."""
        seen: dict[str, tuple[Proposal, str, str]] = {}
        for x in group.listings:
            for p in propose(self.parsers.get(x.source, x.store), x.record, product):
                seen.setdefault(p.key, (p, x.source, x.store))
        return list(seen.values())

    def teach(self, user: str, audit_id: int, chosen: dict[str, tuple[str, str]]) -> int | None:
        """Store the pending lessons the reviewer ticked, ``key -> (scope, value)``."""
        with self.lock:
            pending = self.pending.pop(audit_id, None)
            if pending is None or pending.user != user:
                return None
            rows = [
                (p.kind, p.text, p.target, p.brand, *chosen[p.key], p.example)
                for p, _, _ in pending.proposals
                if p.key in chosen
            ]
            taught = actions.teach(self.store, user, pending.group, rows)
            if taught is not None:
                self.parsers = self._parsers()
            return taught

    def undo(self, user: str) -> actions.AuditRow | None:
        """Undo the user's latest decision or lessons; the group comes back to the queue."""
        with self.lock:
            row = actions.undo(self.store, user)
            if row is None:
                return None
            self.pending.pop(row.id, None)
            if row.action == actions.TEACH:
                self.parsers = self._parsers()
            elif row.subject in self.done:
                group, _ = self.done.pop(row.subject)
                self.queue.groups.append(group)
                self.queue.groups.sort(key=lambda g: (-g.impact, -len(g.listings), g.id))
            else:
                # Decided before this process started (a restart) or a Refresh: the queue is
                # read again from the store, where the undo has just removed the overrides.
                self.queue = self._build()
            return row

    def gaps(self) -> list[ProposedProduct]:
        """The catalog gaps as proposed products, with this session's "not in catalog"s."""
        with self.lock:
            listings: list[Listing] = list(self.queue.gaps)
            for group, answer in self.done.values():
                if answer == "none":
                    for x in group.listings:
                        # Named as the queue names its gaps (what ``poslink gaps`` writes).
                        if x.item is not None and not x.display:
                            x.display = self.parsers.display(x)
                    listings += group.listings
        return cluster(listings)

    def duplicates(self) -> list[tuple[list[CatalogProduct], int]]:
        """The catalog's duplicate groups, each with the queued groups whose candidates hold
        two of its products."""
        with self.lock:
            groups = list(self.queue.groups)
        out = []
        for dup in duplicate_groups(self.index):
            ids = {p.id for p in dup}
            hit = sum(1 for g in groups if len(ids & {c.product.id for c in g.candidates}) >= 2)
            out.append((dup, hit))
        return out
