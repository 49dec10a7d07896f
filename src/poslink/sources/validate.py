"""Checks every source applies to the fields it reads."""

from __future__ import annotations

from typing import Any


def usable_name(name: str) -> bool:
    """A name is usable when it holds at least one letter or digit."""
    return any(c.isalnum() for c in name)


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
