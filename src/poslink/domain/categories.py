"""How a POS category is read: by its table, else by its parts or the form it names.

A category table (``data/categories/*.toml``) holds the categories its POS systems use. Stores
make their own too, and most are built of known ones: a sub-category after the category
("Flower - Eighths", "Edibles > Gummies", "Concentrates: Wax"), two categories joined ("Edibles
& Drinks"), or a product form used as a category ("Wax", "Carts", "Joints"). A category the
table lacks is read from its known parts, each a category of the table or a form phrase of
``forms.toml`` (its product type); the types of all of them, the default of the first part
that has one. A category none of whose parts is known says nothing ("Wellness"), as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from poslink.domain.knowledge import CategoryTypes, Form
from poslink.domain.text import words

# What joins a category's parts: a dash or pipe between spaces, a slash, ">", ":", "&", ",",
# " and ". Not a bare hyphen: "Pre-Rolls" is one word.
_JOINS = re.compile(r"\s+[-|]\s+|\s*[/>:&,+]\s*|\s+and\s+", re.IGNORECASE)


def read_category(
    category: str, table: Mapping[str, CategoryTypes], forms: Mapping[str, Form]
) -> CategoryTypes | None:
    """What ``category`` may hold: the table's entry for it, else the union of its known
    parts' (``table`` entries or ``forms`` phrases); None when nothing in it is known."""
    whole = words(category)
    found = table.get(whole)
    if found is not None or not whole:
        return found
    types: set[str] = set()
    default: str | None = None
    for part in _JOINS.split(category):
        key = words(part)
        known = table.get(key)
        if known is not None:
            types |= known.types
            default = default or known.default
        elif key in forms:
            types.add(forms[key].product_type)
    if not types:
        return None
    return CategoryTypes(frozenset(types), default if default in types else None)
