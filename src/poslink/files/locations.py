"""Where inputs and outputs live: a local path, or a URL an engine reads (``s3a://``, ``gs://``)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# A scheme of two letters or more, so that a Windows drive ("C:/") stays a path.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")


def is_url(location: str | Path) -> bool:
    """Whether ``location`` is a URL (``s3a://bucket/key``, ``file:///tmp/x``), not a path."""
    return isinstance(location, str) and bool(_URL.match(location))


def local_file(location: str | None) -> Path | None:
    """The local file a catalog or store location names (None for a server URL)."""
    if location is None:
        return None
    if location.startswith("sqlite:///"):
        return Path(location.removeprefix("sqlite:///"))
    return None if "://" in location else Path(location).expanduser()


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and its parents that do not exist yet, the deepest first."""
    missing: list[Path] = []
    here = Path(os.path.abspath(folder))
    while not here.exists() and here != here.parent:
        missing.append(here)
        here = here.parent
    return missing


@contextmanager
def folders_made(*folders: Path | None) -> Iterator[None]:
    """Around a step that may create ``folders`` (an output's folder): if it fails, those of
    them, and of their parents, that did not exist before it and are empty are removed again,
    so that a failed run leaves nothing behind, not even an empty folder."""
    missing = [m for folder in folders if folder is not None for m in _missing_folders(folder)]
    try:
        yield
    except BaseException:
        # Deepest first: a folder is empty once the ones made inside it are gone.
        for folder in sorted(set(missing), key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
