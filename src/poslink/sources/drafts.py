"""What one record of a POS system becomes before validation, and the helpers that read it.

A system's source turns each of its records into :class:`Draft` records (``mapped`` reads the
fields at the paths the system keeps them; ``weight_text`` reads a value and an API unit name as
the parser reads a weight), and ``SystemSource`` validates them into ``PosRecord``s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from poslink.sources.values import first_at, flatten, get_path, number_of, text_of

# API unit names -> the unit the parser reads ("Grams" -> "g"); "Each" is a count, no weight.
_UNITS = {
    **dict.fromkeys(("g", "gr", "gm", "gram", "grams"), "g"),
    **dict.fromkeys(("mg", "milligram", "milligrams"), "mg"),
    **dict.fromkeys(("kg", "kilogram", "kilograms"), "kg"),
    **dict.fromkeys(("oz", "ounce", "ounces"), "oz"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), "lb"),
    **dict.fromkeys(("ml", "milliliter", "milliliters", "millilitre", "millilitres"), "ml"),
    **dict.fromkeys(("floz", "fl oz", "fluid ounce", "fluid ounces"), "floz"),
}


@dataclass(slots=True)
class Draft:
    """One record as a system reads it, before validation.

    ``what`` names the place in messages ("page-00002.json record 7 variant 2"); ``id_key`` and
    ``name_key`` the fields an id and a name were looked for in. A ``problem`` makes the record
    a skipped one.
    """

    what: str
    raw: dict[str, Any]
    pos_id: Any
    name: Any
    id_key: str
    name_key: str
    category: Any = None
    brand: Any = None
    product_type: Any = None
    lineage: Any = None
    weight: str | None = None
    quantity: Any = None
    quantity_key: str = "quantity"
    problem: str | None = None


Paths = str | tuple[str, ...]


def mapped(
    item: dict[str, Any],
    what: str,
    *,
    id_key: str,
    name_key: str,
    weight: str | None = None,
    raw: dict[str, Any] | None = None,
    **paths: Paths | None,
) -> Draft:
    """A record whose fields are the item's values at dotted paths (a tuple: the first given).

    ``paths`` maps Draft fields (``category``, ``brand``, ``product_type``, ``lineage``,
    ``quantity``) to where the system keeps them (None: it does not).
    """
    values = {
        key: first_at(item, (p,) if isinstance(p, str) else p) if p else None
        for key, p in paths.items()
    }
    quantity = paths.get("quantity")
    return Draft(
        what=what,
        raw=flatten(item) if raw is None else raw,
        pos_id=get_path(item, id_key),
        name=get_path(item, name_key),
        id_key=id_key,
        name_key=name_key,
        weight=weight,
        quantity_key=quantity if isinstance(quantity, str) else "quantity",
        **values,
    )


def weight_text(value: Any, unit: Any) -> str | None:
    """A weight or size field as the parser reads it ("3.5g", "100mg"); None for counts."""
    number = number_of(value)
    name = text_of(unit)
    if number is None or number <= 0 or name is None:
        return None
    short = _UNITS.get(" ".join(name.lower().replace(".", " ").split()))
    return f"{number:g}{short}" if short else None


def joined(*parts: str | None) -> str | None:
    """The parts that are given, joined by a space (a weight and a potency: "1g 500mg")."""
    given = [p for p in parts if p]
    return " ".join(given) if given else None
