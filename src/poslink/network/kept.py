"""The catalog index a sync with a decision store keeps beside it, for the next sync to load.

A network is synced again and again against one catalog, and each sync with a decision store
re-matches only what changed: building the index (seconds for 100,000 products) is then much of
a re-sync's time, and loading a saved one (``poslink index build``, ``--index``) a fraction of
it. So a sync whose decision store is a file, given no ``--index``, keeps the index it builds
beside the store, ``<store>.index-<code>.json``, and the next sync loads it when it fits the
catalog, the domain tables and the parsing code (the checks ``--index`` makes). ``<code>`` is
poslink's code hash (``store.basis.code_hash``, which the decisions' rules hash covers): another
release or a changed rule does not even try the file another code made. A kept index that does
not fit, or cannot be read, is built again; one that cannot be written is not kept. Writing is
atomic: syncs at once each keep a whole file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from poslink.config import RunConfig
from poslink.exceptions import CatalogError, PoslinkError
from poslink.matching import CatalogIndex
from poslink.matching.saved import load_index, save_index
from poslink.store.basis import code_hash

log = logging.getLogger(__name__)


def kept_index_path(config: RunConfig) -> Path | None:
    """Where a sync keeps its index: beside its decision store when that is a file and no
    saved index is given; None otherwise."""
    store = config.decisions
    if config.index is not None or store is None or "://" in store:
        return None
    path = Path(store)
    return path.with_name(f"{path.name}.index-{code_hash()[:16]}.json")


def load_kept(path: Path, version: str) -> CatalogIndex | None:
    """The index kept at ``path`` when it fits the catalog of ``version`` (None: build one)."""
    if not path.is_file():
        return None
    try:
        index = load_index(path, version)
    except (CatalogError, ValueError, KeyError, TypeError) as exc:
        log.info("kept index %s not used (%s): building the index", path, exc)
        return None
    log.debug("catalog index loaded from %s", path)
    return index


def keep(index: CatalogIndex, path: Path) -> None:
    """Save ``index`` at ``path`` for the next sync, and drop what earlier code kept there."""
    try:
        save_index(index, path)
    except (PoslinkError, OSError) as exc:
        log.info("catalog index not kept at %s: %s", path, exc)
        return
    stem = path.name.rsplit(".index-", 1)[0]
    for other in path.parent.glob(f"{stem}.index-*.json"):
        if other != path:
            other.unlink(missing_ok=True)
