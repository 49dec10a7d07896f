"""Checks every source applies to the fields it reads."""

from __future__ import annotations


def usable_name(name: str) -> bool:
    """A name is usable when it holds at least one letter or digit."""
    return any(c.isalnum() for c in name)
