"""What a name's form words say: the product's types and form, or words of its name.

A form word ("Cartridge", "Shatter") is taken out of the name and, by rank, decides the form.
But form words are also words of names: "Cake Batter" flower, "Hash Plant" badder, "Sugar Shack
Cart". The rules here, applied to a ``vocabulary.Scan``, put such words back into the name.
"""

from __future__ import annotations

from collections.abc import Callable

from poslink.domain.knowledge import Form, Knowledge
from poslink.domain.trace import Trace
from poslink.domain.vocabulary import Scan

# Edibles, tinctures and topicals are known by their flavour; flowers, pre-rolls, vapes and
# concentrates by their strain.
FLAVOUR_TYPES = frozenset({"edible", "tincture", "topical"})

# The types and form a name's words give: the types it may be, the subtypes (form families)
# named, hints (weak forms' families), and the type read when the brand sells it (no form word:
# the category's default).
FormReading = tuple[frozenset[str], set[str], set[str], str | None]


def read_forms(
    scan: Scan,
    types: frozenset[str],
    k: Knowledge,
    *,
    authoritative: bool,
    declared_subtype: str,
    preferred_type: str | None,
    trace: Trace,
) -> FormReading:
    """The types and form of a scanned name whose category (or catalog type) allows ``types``;
    the form words that are the name's are put back into ``scan.core``, out of ``scan.forms``.

    ``authoritative``: the types are a catalog product's own, final; ``declared_subtype``: the
    catalog product's own form family, final too.
    """
    subtypes: set[str] = set()
    hints = {f.subtype for f in scan.weak if f.subtype} if scan.weak else set()
    prefer: str | None = None
    if len(scan.forms) > 1:
        # What the lead's device holds, named in the name ("Live Resin Cart"): a hint.
        hints |= _of_the_lead(scan, types, k)
    if scan.forms and types:
        _rule_out(scan, types, k)
    if len(scan.forms) > 1:
        _name_of_one(scan)
    if scan.forms and declared_subtype and scan.placed and scan.placed[0][2] == 0 and scan.core:
        # A catalog's own subtype is final: a form word leading a name of another form
        # is the name's ("Hash Plant" badder).
        form, phrase, _ = scan.placed[0]
        if form.subtype and not k.compatible(form.subtype, declared_subtype):
            scan.core[0:0] = phrase.split()
            scan.forms = [f for f in scan.forms if f is not form]
            scan.leading = [(f, p) for f, p in scan.leading if f is not form]
    forms = scan.forms
    if forms:
        # Highest rank decides; among equals the last one, since form words follow the
        # strain name ("Hash Khan Wax" is a wax).
        top = max(reversed(forms), key=lambda f: f.rank)
        # ... but a kind of the family named beside it says more: "Crumble Wax" is a crumble.
        if len(forms) > 1 and top.subtype:
            kinds = [f for f in forms if f.rank == top.rank and k.kind_of(f.subtype, top.subtype)]
            top = kinds[-1] if kinds else top
        # A catalog's own type field is final; a POS category wins over a form word that
        # contradicts it ("Hash Bar" under edibles), else the form word narrows the category.
        if not authoritative and (not types or top.product_type in types):
            trace.types_narrowed(types, top.product_type)
            types = frozenset({top.product_type})
        if top.subtype and top.product_type in types:
            subtypes.add(top.subtype)
            trace.subtypes_from_name()
        hints |= {f.subtype for f in forms if f.subtype and f is not top}
        if scan.core and scan.leading and all(f is not top for f, _ in scan.leading):
            # A form word before the name, with the form named after it, is part of the
            # name: "Hash Khan Shatter", "Hash Bomb Cartridge".
            scan.core = [phrase for _, phrase in scan.leading] + scan.core
    elif preferred_type and not authoritative:
        # No form word: the category's default reading ("Dead Cherries -3.5g-" is flower,
        # and plain flower, not shake), unless the brand sells nothing of that form: the
        # matcher decides that (``ParsedItem.prefer``).
        prefer = preferred_type
        trace.read_as(preferred_type)
    if declared_subtype:
        subtypes.add(declared_subtype)
    return types, subtypes, hints, prefer


def _rule_out(scan: Scan, types: frozenset[str], k: Knowledge) -> None:
    """A form word of a type the category (or the catalog's type) rules out is part of the
    name: "Cake Batter" flower, "Hash Bar" and "Sugar Cookies" edibles."""
    kept = [f for f in scan.forms if f.product_type in types]
    if len(kept) == len(scan.forms):
        return
    core, placed = scan.core, scan.placed
    # ... unless another form word is of the category's type and it ends the name, or it is
    # what that form holds anyway: then it says what the product holds ("510 Cartridge
    # (Distillate)", "Tahoe OG Distillate Cart" of a vape).
    held = {h for f in kept if f.subtype in k.families for h in k.families[f.subtype].holds}
    for (form, phrase, at), (first, last) in reversed(
        list(zip(placed, scan.spans_at, strict=True))
    ):
        beside = first - 1 in scan.named_at or last in scan.named_at
        if form.product_type not in types and form.subtype not in held and (not kept or beside):
            core[at:at] = phrase.split()  # "Sugar Shack Cart": a name's word
    if not core:
        # ... and when nothing else names the product, they name it: "Sugar Mix Pre-Roll" is
        # a pre-roll called Sugar Mix, not the brand's plain one.
        for form, phrase, at in reversed(placed):
            if form.product_type not in types:
                core[at:at] = phrase.split()
    _keep(scan, lambda f: f.product_type in types or f.subtype in held)


def _of_the_lead(scan: Scan, types: frozenset[str], k: Knowledge) -> set[str]:
    """The form a name says read, a form word of another type is the name's, as where the
    category rules that type out and as in the catalog's names: a "Live Resin Cart" is a
    cartridge whose name says live resin, not the brand's plain cartridge. Not a bare type
    word ("flower" of a "Flower Rosin") nor what the form holds unless told otherwise
    (``holds``: a "Distillate Cart" is the plain cartridge). Returns the families of the form
    words put back in the name (the "live resin" a "Live Resin Cart" holds)."""
    allowed = [f for f in scan.forms if f.product_type in types] or scan.forms
    lead = max(reversed(allowed), key=lambda f: f.rank)
    family = k.families.get(lead.subtype)
    holds = family.holds if family else frozenset()

    def kept(f: Form) -> bool:
        return f.product_type == lead.product_type or f.rank <= 1 or f.subtype in holds

    if all(kept(f) for f in scan.forms):
        return set()
    # Wherever it stands: "Girl Scout Cookies LR Cart", "0.5g LR Cart - ACDC".
    for form, phrase, at in reversed(scan.placed):
        if not kept(form):
            scan.core[at:at] = phrase.split()
    named = {f.subtype for f in scan.forms if f.subtype and not kept(f)}
    _keep(scan, kept)
    return named


def _keep(scan: Scan, kept: Callable[[Form], bool]) -> None:
    """Only the form words ``kept`` stay form words (the others were put back in the name)."""
    keep = [k for k, p in enumerate(scan.placed) if kept(p[0])]
    scan.forms = [f for f in scan.forms if kept(f)]
    scan.placed = [scan.placed[k] for k in keep]
    scan.spans_at = [scan.spans_at[k] for k in keep]
    scan.leading = [(f, p) for f, p in scan.leading if kept(f)]


def _name_of_one(scan: Scan) -> None:
    """Of several form words, one a name's word follows is part of the name when another is
    not: "Live Resin - Sugar Plum", "Hash Plant Badder"."""
    placed, core = scan.placed, scan.core
    naming = [
        i
        for i, (_, _, at) in enumerate(placed)
        if at < len(core) and (i + 1 == len(placed) or placed[i + 1][2] > at)
    ]
    # ... only against a form word of its rank: "Shatter GSC ... Extract" is a shatter.
    ranks = {placed[i][0].rank for i in range(len(placed)) if i not in naming}
    naming = [i for i in naming if placed[i][0].rank in ranks]
    if naming:
        named = {id(placed[i][0]) for i in naming}
        for i in reversed(naming):
            _, phrase, at = placed[i]
            core[at:at] = phrase.split()
        scan.forms = [f for f in scan.forms if id(f) not in named]
        scan.placed = [p for p in placed if id(p[0]) not in named]
        scan.leading = [(f, p) for f, p in scan.leading if id(f) not in named]
