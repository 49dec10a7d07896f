"""Feature comparisons between a record and one candidate: vetoes and agreements."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from poslink.records import ParsedItem

# A word on one side only names another product ("Skywalker OG" is not "Skywalker"); a word
# this close to one on the other side, with the same first letter, is the same word mistyped
# ("Braveherat"), while "Cream" is not "Dream".
SAME_WORD = 75.0


@dataclass(slots=True)
class Candidate:
    """One catalog product scored against a record."""

    position: int
    name: float
    veto: str = ""
    agreements: list[str] = field(default_factory=list)


def compare(
    record: ParsedItem, product: ParsedItem, subtype_veto_types: frozenset[str]
) -> tuple[str, list[str]]:
    """The first conflicting attribute (or "") and the attributes that agree."""
    veto = attribute_veto(record, product, subtype_veto_types)
    if veto:
        return veto, []
    return compare_names(record, product)


def attribute_veto(
    record: ParsedItem, product: ParsedItem, subtype_veto_types: frozenset[str]
) -> str:
    """The first conflicting attribute but the name (or ""): type, form, ratio, cannabinoid,
    lineage, number. It reads only a product's profile (``CatalogIndex.profiles``)."""
    if record.types and product.types and not (record.types & product.types):
        return f"type {'/'.join(sorted(record.types))} vs {'/'.join(sorted(product.types))}"
    shared = record.types & product.types if record.types else product.types
    if (
        record.subtypes
        and product.subtypes
        and not (record.subtypes & product.subtypes)
        and shared & subtype_veto_types
    ):
        return f"form {'/'.join(sorted(record.subtypes))} vs {'/'.join(sorted(product.subtypes))}"
    if record.ratio != product.ratio:
        return f"ratio {record.ratio or 'none'} vs {product.ratio or 'none'}"
    if _markers_conflict(record, product):
        return (
            f"cannabinoid {'/'.join(sorted(record.markers)) or 'thc'} vs "
            f"{'/'.join(sorted(product.markers)) or 'thc'}"
        )
    if record.lineage and product.lineage and record.lineage != product.lineage:
        return f"lineage {record.lineage} vs {product.lineage}"
    if record.digits != product.digits:
        return f"number {' '.join(record.digits) or 'none'} vs {' '.join(product.digits) or 'none'}"
    return ""


def compare_names(record: ParsedItem, product: ParsedItem) -> tuple[str, list[str]]:
    """For a product no attribute vetoes: a word on one side only (or ""), and the attributes
    that agree."""
    extra = extra_words(record.core, product.core)
    if extra:
        return f"words {' '.join(extra)} on one side only", []
    agree: list[str] = []
    if record.lineage and record.lineage == product.lineage:
        agree.append("lineage")
    if record.subtypes & product.subtypes:
        agree.append("form")
    elif record.hints & product.subtypes:
        agree.append("form hint")
    if record.core == product.core:
        agree.append("word order")
    if record.pack and record.pack == product.pack:
        agree.append("pack")
    if record.potency_mg and record.potency_mg == product.potency_mg:
        agree.append("potency")
    return "", agree


def _markers_conflict(record: ParsedItem, product: ParsedItem) -> bool:
    """A cannabinoid one side states that the other neither states nor implies."""
    if record.markers == product.markers:
        return False
    return bool(
        record.markers - product.markers - product.implied
        or product.markers - record.markers - record.implied
    )


def extra_words(a: str, b: str) -> list[str]:
    """Words of either name that have no counterpart, exact or mistyped, in the other."""
    if a.replace(" ", "") == b.replace(" ", ""):  # "Chem Dawg" is "Chemdawg"
        return []
    left = b.split()
    extra: list[str] = []
    for word in a.split():
        if word in left:
            left.remove(word)
            continue
        best, score = "", 0.0
        if len(word) >= 3:
            for other in left:
                if other[0] != word[0]:
                    continue
                s = fuzz.ratio(word, other)
                if s > score:
                    best, score = other, s
        if score >= SAME_WORD:
            left.remove(best)
        else:
            extra.append(word)
    return extra + left
