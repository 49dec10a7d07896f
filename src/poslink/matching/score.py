"""Feature comparisons between a record and one candidate: vetoes and agreements."""

from __future__ import annotations

from dataclasses import dataclass, field

from poslink.records import ParsedItem


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
    if record.types and product.types and not (record.types & product.types):
        return f"type {'/'.join(sorted(record.types))} vs {'/'.join(sorted(product.types))}", []
    shared = record.types & product.types if record.types else product.types
    if (
        record.subtypes
        and product.subtypes
        and not (record.subtypes & product.subtypes)
        and shared & subtype_veto_types
    ):
        return (
            f"form {'/'.join(sorted(record.subtypes))} vs {'/'.join(sorted(product.subtypes))}",
            [],
        )
    if record.ratio != product.ratio:
        return f"ratio {record.ratio or 'none'} vs {product.ratio or 'none'}", []
    if record.markers != product.markers:
        return (
            f"cannabinoid {'/'.join(sorted(record.markers)) or 'thc'} vs "
            f"{'/'.join(sorted(product.markers)) or 'thc'}",
            [],
        )
    if record.lineage and product.lineage and record.lineage != product.lineage:
        return f"lineage {record.lineage} vs {product.lineage}", []
    if record.digits != product.digits:
        return (
            f"number {' '.join(record.digits) or 'none'} vs {' '.join(product.digits) or 'none'}",
            [],
        )
    agree: list[str] = []
    if record.lineage and record.lineage == product.lineage:
        agree.append("lineage")
    if record.subtypes & product.subtypes:
        agree.append("form")
    elif record.hints & product.subtypes:
        agree.append("form hint")
    if record.pack and record.pack == product.pack:
        agree.append("pack")
    if record.potency_mg and record.potency_mg == product.potency_mg:
        agree.append("potency")
    return "", agree
