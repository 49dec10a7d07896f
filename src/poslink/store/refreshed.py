"""The overrides of a decision store as a long-running process reads them: per POS source,
read again after a while, so that an override added meanwhile applies without a restart."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from poslink.exceptions import StoreError
from poslink.store.overrides import OverrideSet

if TYPE_CHECKING:
    from poslink.store.db import DecisionStore

__all__ = ["StoredOverrides"]

log = logging.getLogger("poslink")


class StoredOverrides:
    """The overrides of a decision store, per POS source, read again every ``ttl`` seconds.

    ``ttl=None`` reads each source's overrides once (``refresh`` reads them again); the HTTP
    service uses a few seconds, so that an override added with ``poslink override add``
    applies to its answers without a restart.
    """

    def __init__(self, store: str | DecisionStore, ttl: float | None = None) -> None:
        from poslink.store.db import DecisionStore  # SQLAlchemy: only when a store is used

        self.store = DecisionStore(store) if isinstance(store, str) else store
        self.ttl = ttl
        self._sets: dict[str, tuple[float, OverrideSet]] = {}

    def get(self, source: str) -> OverrideSet:
        """The overrides of ``source``, as of at most ``ttl`` seconds ago.

        When the store cannot be read again, the overrides read last stay in force (and the
        store is tried again after another ``ttl``); when it was never read, the error is
        raised.
        """
        now = time.monotonic()
        found = self._sets.get(source)
        if found is None or (self.ttl is not None and now - found[0] >= self.ttl):
            try:
                found = (now, self.store.override_set(source))
            except StoreError as exc:
                if found is None:
                    raise
                log.warning("overrides of %s not refreshed: %s", source, exc)
                found = (now, found[1])
            self._sets[source] = found
        return found[1]

    def refresh(self) -> None:
        """Forget what was read: the next lookup reads the store again."""
        self._sets.clear()

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()
