"""Where inputs and outputs live: a local path, or a URL an engine reads (``s3a://``, ``gs://``)."""

from __future__ import annotations

import re
from pathlib import Path

# A scheme of two letters or more, so that a Windows drive ("C:/") stays a path.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")


def is_url(location: str | Path) -> bool:
    """Whether ``location`` is a URL (``s3a://bucket/key``, ``file:///tmp/x``), not a path."""
    return isinstance(location, str) and bool(_URL.match(location))
