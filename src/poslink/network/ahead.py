"""A sync's stores read ahead of their runs, their new records matched meanwhile.

A store's run reads its export, sends its new records to the match workers, waits for them,
then writes the store's output: alone, the workers would wait while this process reads and
writes, and this process while they match. So before each store's run, the next stores
(``AHEAD_STORES``) are read and their new records sent to the workers
(``SharedDecisions.ahead``); each run then reads its records as they were read then
(``ReadSource``), and finds most of its decisions back or on their way. Its output, its
counts and the decision cache are what they would be without it (see ``ahead``).

Only without a decision store (with one, few records of a store reach the engine) and only
exports read by poslink's own sources from files: a plugin's or an API's reading may do more
than read. A store whose reading fails here is left to its own run, which reports it.

With a decision store, the next store's export is read in a thread while a store is synced
(``NextStoreRead``), and nothing is sent: that store's run then spends no time reading, and the
thread reads while this one waits for the workers, the disk or the database (a thread runs
Python only while the other waits: it does not read faster, it reads in the waits).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from poslink.config import RunConfig
from poslink.engines.local import SharedDecisions
from poslink.exceptions import PoslinkError, SkippedRecord
from poslink.files.locations import is_url
from poslink.network.layout import Layout, store_config, store_output
from poslink.network.manifest import StoreEntry
from poslink.records import PosRecord
from poslink.runs.parts import build_source, pulls
from poslink.sources.base import STDIN, Source, SourceView

# Stores read ahead of the one being synced: enough that the workers always have one queued.
AHEAD_STORES = 2
# A store of more records is sent ahead in part (its first ones), and read again by its run.
AHEAD_RECORDS = 50_000


class ReadSource(SourceView):
    """A source read whole before its run: the records as read then, again at each call (the
    check that the file did not change compares it with that read)."""

    def __init__(self, inner: Source, records: list[PosRecord | SkippedRecord]) -> None:
        super().__init__(inner)
        self.read = records

    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """The records read."""
        yield from self.read


class StoresAhead:
    """The stores of a sync read and sent ahead of their runs (see the module docstring)."""

    def __init__(
        self,
        entries: list[StoreEntry],
        config: RunConfig,
        out: Path,
        layout: Layout,
        decisions: SharedDecisions | None,
    ) -> None:
        self.entries = entries
        self.config = config
        self.out = out
        self.layout = layout
        self.decisions = decisions
        self.next = 0  # the first store not yet read ahead (or passed over)
        self.read: dict[int, ReadSource] = {}

    def send(self, first: int) -> None:
        """Read and send the stores from ``first`` on, up to ``AHEAD_STORES``, not sent yet."""
        if self.decisions is None or self.decisions.pool is None:
            return  # nothing is sent before a run has started the workers
        self.next = max(self.next, first)
        while self.next < min(first + AHEAD_STORES, len(self.entries)):
            self._send(self.next, self.decisions)
            self.next += 1

    def take(self, at: int) -> ReadSource | None:
        """The ``at``-th store's source, read ahead (None: its run reads it itself)."""
        return self.read.pop(at, None)

    def _send(self, at: int, decisions: SharedDecisions) -> None:
        found = read_store(self.entries[at], self.config, self.out, self.layout)
        if found is None:
            return
        source, records = found
        decisions.ahead(records[:AHEAD_RECORDS], source.category_table)
        if len(records) <= AHEAD_RECORDS:
            self.read[at] = ReadSource(source, records)


def read_store(
    entry: StoreEntry, base: RunConfig, out: Path, layout: Layout
) -> tuple[Source, list[PosRecord | SkippedRecord]] | None:
    """The store's source and its first ``AHEAD_RECORDS`` + 1 records, read as its run would
    read them; None for a store that is not read ahead (see the module docstring), or whose
    reading fails (its own run meets that, and reports it)."""
    if entry.problem:
        return None
    try:
        output = store_output(out, entry.store, layout).output
        config = store_config(base, entry, output, layout)
        if is_url(config.location("pos")) or str(config.pos) == STDIN or pulls(config):
            return None
        source = build_source(config)
        if not type(source).__module__.startswith("poslink.sources."):
            return None
        return source, list(islice(source.records(), AHEAD_RECORDS + 1))
    except (PoslinkError, OSError):
        return None


class NextStoreRead:
    """With a decision store: the next store's export read in a thread while one is synced
    (see the module docstring). One thread at a time, one store ahead (none when
    ``AHEAD_STORES`` is 0)."""

    def __init__(self, entries: list[StoreEntry], config: RunConfig, out: Path, layout: Layout):
        self.entries = entries
        self.config = config
        self.out = out
        self.layout = layout
        self._reading: tuple[int, threading.Thread, list[ReadSource]] | None = None

    def send(self, first: int) -> None:
        """Nothing is sent to the workers: few records of a store reach them."""

    def take(self, at: int) -> ReadSource | None:
        """The ``at``-th store's source, read ahead (None: its run reads it itself); the next
        store's reading begins."""
        found = None
        if self._reading is not None:
            where, thread, read = self._reading
            thread.join()
            if where == at and read:
                found = read[0]
        self._reading = None
        if at + 1 < len(self.entries) and AHEAD_STORES:
            result: list[ReadSource] = []
            # A daemon: an interrupted sync does not wait for a reading it will not use.
            reader = threading.Thread(
                target=self._read, args=(at + 1, result), name="poslink-read-ahead", daemon=True
            )
            self._reading = (at + 1, reader, result)
            reader.start()
        return found

    def _read(self, at: int, result: list[ReadSource]) -> None:
        try:
            found = read_store(self.entries[at], self.config, self.out, self.layout)
        except Exception:  # its own run reads it again, and reports what fails
            return
        if found is not None and len(found[1]) <= AHEAD_RECORDS:
            result.append(ReadSource(*found))
