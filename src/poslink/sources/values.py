"""Reading values out of decoded JSON objects: dotted paths, text, numbers, flattened fields.

Shared by the sources that read nested JSON (``menu`` and the named POS systems), so that
every one of them treats a blank, a number or an object in a text field the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any


def get_path(obj: Any, path: str) -> Any:
    """The value at a dotted path (``brand.name``), or None when any step is missing."""
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def first_at(obj: Any, paths: Sequence[str]) -> Any:
    """The first value present (not null, not blank) at one of the paths."""
    for path in paths:
        value = get_path(obj, path)
        if value is not None and value != "":
            return value
    return None


def text_of(value: Any) -> str | None:
    """Text or a number as stripped text; None for blanks, booleans, objects and arrays."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def text_at(obj: Any, paths: Sequence[str]) -> str | None:
    """The first text or number at one of the paths, as stripped text; objects are passed over."""
    for path in paths:
        text = text_of(get_path(obj, path))
        if text is not None:
            return text
    return None


def number_of(value: Any) -> float | None:
    """A finite number, or numeric text, as a float; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted keys; arrays kept whole as JSON text."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, name + "."))
        elif isinstance(value, dict | list):
            out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out
