"""Where each attribute of a parse came from: told by the parser, kept only for an explanation.

The parser tells its ``Trace`` every step that settles an attribute (a measure read from a field,
a brand found in the name, types narrowed by a form word). Every parse but an explanation's is
given ``NO_TRACE``, which forgets each step for the cost of a call: the fast path tests nothing
and formats nothing. ``Origins`` (``Parser.explain_pos``) writes each step down, as a line of
text by attribute, for ``poslink explain`` and the review console.
"""

from __future__ import annotations

from typing import Protocol

from poslink.domain.measures import Measures


class Trace(Protocol):
    """What the parser tells of each step that settles an attribute (arguments by position)."""

    def measures(self, name: Measures, field: Measures | None = None, written: str = "", /) -> None:
        """Measures read from the name, and from a weight field (as ``written``), which wins."""

    def brand_field(self, written: str, how: str, /) -> None:
        """The brand is a field's, resolved ``how`` ("alias", "fuzzy", "not in catalog")."""

    def brand_in_name(self, how: str, /) -> None:
        """The brand was found in the name, ``how`` ("suffix", ...), or not ("")."""

    def types_field(self, written: str, known: bool, /) -> None:
        """The types are a type field's (``known``: in the category table)."""

    def types_category(self, category: str, known: bool, /) -> None:
        """The types are the category's, unless a type field in the table gave them already."""

    def lineage_field_implies(self, written: str, /) -> None:
        """A lineage field implies markers (a ``cbd`` lineage)."""

    def lineage_field_unknown(self, written: str, /) -> None:
        """A lineage field names no lineage the tables know."""

    def lineage(self, lineages: set[str], field: str | None, /) -> None:
        """The lineages named, from the name or a lineage field (``field``: its text)."""

    def ratio_implies(self) -> None:
        """A ratio in the name implies markers."""

    def types_narrowed(self, types: frozenset[str], form_type: str, /) -> None:
        """A form word in the name narrows ``types`` to ``form_type``."""

    def subtypes_from_name(self) -> None:
        """A form word in the name gives the subtype."""

    def read_as(self, preferred: str, /) -> None:
        """No form word: the category's default type is preferred."""

    def rest(self, markers: set[str], ratio: str | None, /) -> None:
        """Markers, ratio and the core name, all from the name."""


class NoTrace:
    """The trace of every parse but an explanation's: each step forgotten."""

    def _forget(self, *args: object) -> None:
        """Forget a step."""

    measures = brand_field = brand_in_name = types_field = types_category = _forget
    lineage_field_implies = lineage_field_unknown = lineage = ratio_implies = _forget
    types_narrowed = subtypes_from_name = read_as = rest = _forget


NO_TRACE: Trace = NoTrace()


def _unknown(known: bool) -> str:
    return "" if known else " not in the category table"


class Origins(dict[str, str]):
    """Each attribute's origin, as text; where two steps settle one, the first told wins
    unless the later one overrides it (a field over the name, a form word over a category)."""

    def measures(self, name: Measures, field: Measures | None = None, written: str = "") -> None:
        """Each measure's origin: the weight field, else the name."""
        if field is not None:
            self._measures(field, f"field weight {written!r}")
            if not (field.weight_g or field.potency_mg or field.pack):
                # Said as an unknown lineage field is: a field read as nothing is not silent.
                self["weight field"] = f"{written!r} names no weight, potency or pack"
        self._measures(name, "name")

    def _measures(self, m: Measures, origin: str) -> None:
        for attr, value in (
            ("weight_g", m.weight_g),
            ("potency_mg", m.potency_mg),
            ("pack", m.pack),
        ):
            if value:
                self.setdefault(attr, origin)

    def brand_field(self, written: str, how: str) -> None:
        """The brand field's text and how it was resolved."""
        self["brand"] = f"field brand {written!r} ({how})"

    def brand_in_name(self, how: str) -> None:
        """How the brand was found in the name, or that it was not."""
        self["brand"] = f"name ({how})" if how else "not found"

    def types_field(self, written: str, known: bool) -> None:
        """The type field."""
        self["types"] = f"field type {written!r}{_unknown(known)}"

    def types_category(self, category: str, known: bool) -> None:
        """The category, unless a known type field gave the types."""
        if known or "types" not in self:
            self["types"] = f"category {category!r}{_unknown(known)}"

    def lineage_field_implies(self, written: str) -> None:
        """The lineage field implies the markers."""
        self["implied"] = f"field lineage {written!r}"

    def lineage_field_unknown(self, written: str) -> None:
        """The lineage field is not a lineage."""
        self["lineage field"] = f"{written!r} not a known lineage"

    def lineage(self, lineages: set[str], field: str | None) -> None:
        """The lineage's origin; unsure when the field and the name disagree."""
        if lineages:
            origin = "name" if field is None else f"field lineage {field!r}"
            unsure = f"{origin} and the name disagree: unsure"
            self["lineage"] = origin if len(lineages) == 1 else unsure

    def ratio_implies(self) -> None:
        """The ratio implies the markers, unless a field did."""
        self.setdefault("implied", "ratio in the name")

    def types_narrowed(self, types: frozenset[str], form_type: str) -> None:
        """The form word's type, after whatever gave the types."""
        if types != {form_type}:
            given = self.get("types")
            narrowed = f"{given}, narrowed by the " if given else ""
            self["types"] = f"{narrowed}form word in the name ({form_type})"

    def subtypes_from_name(self) -> None:
        """The form word gives the subtype."""
        self["subtypes"] = "form word in the name"

    def read_as(self, preferred: str) -> None:
        """The category's default reading."""
        given = self.get("types", "category")
        self["types"] = f"{given}, read as {preferred} (no form word)"

    def rest(self, markers: set[str], ratio: str | None) -> None:
        """Markers and ratio from the name, unless a field gave them; the core name."""
        if markers:
            self.setdefault("markers", "name")
        if ratio:
            self.setdefault("ratio", "name")
        self["core"] = "name, less brand, form words, measures and tags"
