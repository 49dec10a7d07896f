"""Checks every source applies to the fields it reads."""

from __future__ import annotations

import re
from typing import Any

# A character ``str.isalnum`` accepts: a word character that is not the underscore.
_ALNUM = re.compile(r"[^\W_]")


def usable_name(name: str) -> bool:
    """A name is usable when it holds at least one letter or digit."""
    return _ALNUM.search(name) is not None


def kind_of(value: Any) -> str:
    """What a JSON value is, for messages: "null", "text", "a number", "an object", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "text"
    return "a number" if isinstance(value, int | float) else type(value).__name__
