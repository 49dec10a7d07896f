"""Parsing of command-line option values shared by several commands."""

from __future__ import annotations

from collections.abc import Sequence

from poslink.exceptions import ConfigError


def column_options(values: Sequence[str]) -> dict[str, str]:
    """``poslink_name=catalog_name`` pairs as a mapping (names are validated by the catalog)."""
    out: dict[str, str] = {}
    for value in values:
        ours, sep, theirs = value.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise ConfigError(f"--catalog-column {value!r}: expected poslink_name=catalog_name")
        out[ours.strip()] = theirs.strip()
    return out
