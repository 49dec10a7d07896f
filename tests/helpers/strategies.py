"""Hypothesis strategies the property tests of several readers share."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


def json_values(
    max_leaves: int,
    text: st.SearchStrategy[str] | None = None,
    keys: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Any]:
    """Any JSON value (RFC 8259: no NaN or Infinity, which ``json.dumps`` would write), nested
    in lists and objects of up to 3 items, up to ``max_leaves`` scalars; strings drawn from
    ``text`` and object keys from ``keys`` (any text by default)."""
    text = st.text() if text is None else text
    keys = st.text() if keys is None else keys
    return st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | text,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3)
        ),
        max_leaves=max_leaves,
    )
