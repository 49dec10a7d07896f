"""Evidence between a record and one catalog product: the conflicts that rule it out (vetoes),
how much of the product's name the record names, and what else agrees.

A veto is a real conflict: another form family, sizes both stated and different, another
strain number, a CBD version against a THC one, lineages both named and different. Everything
else is weighed: a product word that tells the brand's products apart weighs 1, a word most of
them share (a product line) little; a record word that another product of the brand has, or a
strain word, counts against; words stores add ("Strain", "BOGO", a grower's name) barely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from poslink.domain.forms import FLAVOUR_TYPES
from poslink.domain.knowledge import Knowledge
from poslink.matching.align import align
from poslink.matching.words import LINE_WEIGHT, BrandWords
from poslink.records import ParsedItem

# What a record word standing for no product word costs: one another product of the brand
# has, a strain or flavour word, any other word. The total is capped.
SIBLING_WORD = 0.5
STRAIN_WORD = 0.5
OTHER_WORD = 0.15
STRAIN_OTHER_WORD = 0.35
MAX_EXTRA = 0.6
# How sure a form relation leaves the name evidence (see ``form_relation``).
FORM_FACTOR = {"same": 1.0, "related": 0.97, "unknown": 0.95, "near": 0.6}
# A brand's generic product ("Vape Cart") stands for a record of its form that names a strain.
GENERIC = 0.88
# A lineage that only a catalog field states, and that the record contradicts.
SOFT_LINEAGE = 0.95
# Sizes within this share of each other are one size ("3.5g" and "1/8 oz").
SIZE_TOLERANCE = 0.05
# ... and a liquid's: a tincture's or a lotion's "1 oz" is a fluid ounce (29.6 ml), not the
# 28 g of flower that "oz" means to the parser, so "1 oz" and "30 ml" are one size. Their
# sizes (15, 30, 60 ml) lie far further apart than this.
LIQUID_TOLERANCE = 0.08
_LIQUIDS = frozenset({"tincture", "topical"})


@dataclass(slots=True)
class Candidate:
    """One catalog product scored against a record: ``name`` is the evidence (0-1)."""

    position: int
    name: float
    veto: str = ""
    agreements: list[str] = field(default_factory=list)
    # The weighed share of the product's name the record names (``name_evidence``); deciding
    # reads ``name``, ``poslink explain`` shows both.
    covered: float = 0.0
    # A strain's product (not an edible) one of whose strain words the record leaves unnamed
    # ("OG Kush & Green" of "OG Kush & Green Crack"): its own kind of evidence, calibrated apart.
    partial: bool = False
    form: str = ""
    generic: bool = False
    # An attribute that disagrees without vetoing (a catalog field's lineage): tie-breaks
    # count it against.
    doubt: str = ""
    # Candidates of one group are the catalog's duplicates: one name, type, form and size, and
    # no veto between them (``duplicates.py``).
    group: int = -1
    # The product states no size, pack or potency the record leaves open (``says_no_more``).
    says_no_more: bool = False


def form_relation(record: ParsedItem, product: ParsedItem, k: Knowledge) -> str:
    """``same`` form; ``related`` (one names the broader family the other is a kind of: a
    "pre-roll" and an infused one, a catalog's "Waxes" and a badder); ``unknown`` (a side names
    no form); ``near`` (two kinds of one family, or families a careful person takes for each
    other, ``forms.toml [near]``: shown for review, never given on its own); or ``""``: a
    conflict."""
    rt, pt = record.types, product.types
    rf, pf = _specific(record.subtypes, k), _specific(product.subtypes, k)
    if rt and pt and not (rt & pt):
        return "near" if _near(rf, pf, k) else ""
    if not rf or not pf:
        return "unknown"
    if rf & pf or _plain(rf, pf, k):
        return "same"  # a "pre-roll" is a plain one unless it says infused
    if any(k.kind_of(r, p) for r in rf for p in pf):
        # A badder of a catalog's "Waxes"; but a family whose kinds are products apart names
        # its plain kind: an infused record is near a catalog's plain "Pre-Roll", no more.
        apart = any(k.families[p].apart for p in pf if p in k.families)
        return "near" if apart else "related"
    if any(k.kind_of(p, r) for r in rf for p in pf):
        # The record names the family: any of its kinds, unless the family has a plain kind,
        # which it then names ("Joint" is not an infused pre-roll).
        plain = any(k.families[r].plain for r in rf if r in k.families)
        return "near" if plain else "related"
    if _near(rf, pf, k):
        return "near"
    shared = (rt & pt) if rt else pt
    if not shared or not (shared & k.subtype_veto_types):
        return "unknown"
    return ""


def _specific(families: frozenset[str], k: Knowledge) -> frozenset[str]:
    """The families without those a more specific one present is a kind of: a catalog's
    "Candies" product named a gummy is a gummy."""
    if len(families) < 2:
        return families
    return frozenset(f for f in families if not any(g != f and k.kind_of(g, f) for g in families))


def _near(rf: frozenset[str], pf: frozenset[str], k: Knowledge) -> bool:
    """Two kinds of one family, or a pair of ``forms.toml [near]`` (or kinds of such)."""
    return any(k.near(r, p) for r in rf for p in pf)


def size_veto(record: ParsedItem, product: ParsedItem, product_weight: float | None) -> str:
    """Sizes, packs and potencies both stated and different (a 0.5 g and a 1 g cartridge, a
    5-pack and a 10-pack); a side stating none leaves it open."""
    rw = _grams(record, record.weight_g)
    pw = _grams(product, product_weight)
    liquid = bool(product.types) and product.types <= _LIQUIDS
    tolerance = LIQUID_TOLERANCE if liquid else SIZE_TOLERANCE
    if rw and pw and abs(rw - pw) > tolerance * max(rw, pw) and not _each(record, product, rw, pw):
        return f"size {rw:g}g vs {pw:g}g"
    if record.pack and product.pack and record.pack != product.pack:
        return f"pack {record.pack} vs {product.pack}"
    if (record.pack or 0) > 1 and not product.pack and _single(product, pw):
        return f"pack {record.pack} vs a single pre-roll"
    count = product.pack or 0
    if count > 1 and not record.pack and rw and _single(record, rw):
        total = pw * count if pw and pw <= SINGLE_PRE_ROLL_G else pw
        if not (total and abs(rw - total) <= SIZE_TOLERANCE * total):
            return f"a single pre-roll of {rw:g}g vs pack {product.pack}"
    rp, pp = record.potency_mg, product.potency_mg
    if rp and pp and rp != pp and not _weighs(record) and not _weighs(product):
        # "25mg, 10 pieces" is the "250mg" pack.
        totals = {rp, rp * (record.pack or 1)}
        if pp not in totals and rp not in {pp, pp * (product.pack or 1)}:
            return f"potency {rp:g}mg vs {pp:g}mg"
    return ""


def _each(record: ParsedItem, product: ParsedItem, rw: float, pw: float) -> bool:
    """Whether one side weighs a pack of pre-rolls whole and the other each piece: "3.5g
    (7pk)" is the catalog's "7pk 0.5g" (both count the same pieces)."""
    n = record.pack or 0
    if n < 2 or product.pack != n or product.types != _PRE_ROLL:
        return False
    return any(abs(a - b * n) <= SIZE_TOLERANCE * a for a, b in ((rw, pw), (pw, rw)))


def _single(item: ParsedItem, grams: float | None) -> bool:
    """Whether a product or record stating no pack is one pre-roll: it weighs no more than one
    does. A pre-roll is sold alone unless its name counts its pieces, where an edible's name
    leaves its pack out more often than not."""
    return item.types == _PRE_ROLL and (grams is None or grams <= SINGLE_PRE_ROLL_G)


# A pre-roll weighs at most this alone (a "1.5g" cone); a pack's total weighs more.
SINGLE_PRE_ROLL_G = 1.5
_PRE_ROLL = frozenset({"pre-roll"})


def _weighs(item: ParsedItem) -> bool:
    """Whether an item's milligrams are its weight: a "500mg" cartridge holds 0.5 g, a
    "500mg" pre-roll weighs 0.5 g."""
    return bool(item.types) and item.types <= _WEIGHED


# The types whose products are sold by weight, so that milligrams stated are their weight.
_WEIGHED = frozenset({"vape", "extract", "pre-roll", "flower"})


def _grams(item: ParsedItem, weight: float | None) -> float | None:
    if weight:
        return weight
    if item.potency_mg and item.potency_mg >= 100 and _weighs(item):
        return item.potency_mg / 1000
    return None


def attribute_veto(
    record: ParsedItem, product: ParsedItem, line: tuple[str | None, frozenset[str]] | None = None
) -> str:
    """The first conflict but form and size (or ""): ratio, cannabinoid, lineage, number.

    ``line``: the ratio and markers every product of the brand's type shares: a record that
    leaves those out still names them (all of a brand's gummies are 1:1).
    """
    line_ratio, line_markers = line or (None, frozenset())
    if record.ratio != product.ratio and not (record.ratio is None and product.ratio == line_ratio):
        return f"ratio {record.ratio or 'none'} vs {product.ratio or 'none'}"
    if record.markers != product.markers:
        said = record.markers - product.markers - product.implied
        unsaid = product.markers - record.markers - record.implied - line_markers
        if said or unsaid:
            return (
                f"cannabinoid {'/'.join(sorted(record.markers)) or 'thc'} vs "
                f"{'/'.join(sorted(product.markers)) or 'thc'}"
            )
    if (
        record.lineage
        and product.lineage
        and record.lineage != product.lineage
        and not product.lineage_soft
    ):
        return f"lineage {record.lineage} vs {product.lineage}"
    return ""


def number_veto(record: ParsedItem, product: ParsedItem, brand: BrandWords | None) -> str:
    """Strain numbers that differ ("Chem 4" vs "Chem 91"); a number most of the brand's
    products carry is a product line's ("505 Gummies") and may be left out."""
    if record.digits == product.digits:
        return ""
    extra = set(record.digits) ^ set(product.digits)
    if brand is not None:
        extra = {d for d in extra if brand.weight(d) >= 1.0}
    if extra:
        return f"number {' '.join(record.digits) or 'none'} vs {' '.join(product.digits) or 'none'}"
    return ""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word classes the name evidence reads (from the domain tables): weak form words that
    stay in names ("chocolate", "bar") with the family each names (or ""), descriptors
    ("milk", "crunch") and strain words."""

    form_words: dict[str, str]
    descriptors: frozenset[str]
    strain_words: frozenset[str]
    flavours: frozenset[str] = frozenset()
    # The words of strong form phrases ("live", "resin"): one a product's name keeps says
    # what its device holds, never a line's name its form says.
    held: frozenset[str] = frozenset()


# Products known by their flavour (``FLAVOUR_TYPES``): a record naming a product's flavour, and
# nothing it lacks, is that product even when the catalog adds decoration ("Lime" for "1:1
# Lime Twist 5mg"). A flower, pre-roll, vape or concentrate is known by its strain, every
# word of it ("Gelato" is not "Gelato Cake").
# The evidence a record naming only (and uniquely) part of a product's name gives.
PART = 0.8
# What a descriptor and a weak form word weigh, in a product's name and as a record's word.
DESCRIPTOR = 0.3
FORM_WORD = 0.2


class Evidence(NamedTuple):
    """What a record's words tell of one product (``name_evidence``)."""

    value: float
    covered: float
    # A word of the product's strain name the record does not name (not for an edible).
    partial: bool = False


def name_evidence(
    record_words: tuple[str, ...],
    family: str | None,
    product_words: tuple[str, ...],
    product_types: frozenset[str],
    brand: BrandWords | None,
    lexicon: Lexicon,
) -> Evidence:
    """The evidence, the share of the product's words covered, and whether a strain word of
    the product is left unnamed (``partial``).

    ``covered`` is the weighed share of the product's words the record names (a line's word
    its form already says counts as named). The evidence is the larger of that and, when the
    record names nothing the product lacks but words of no weight, and names at least one word
    that tells products apart, ``PART`` (the product's other words being a line's, or
    decoration of a flavour); less what the record names that the product lacks.
    """
    found = align(record_words, product_words, lexicon.strain_words)
    flavour = bool(product_types & FLAVOUR_TYPES)
    # Weak form words ("cookies", "chocolate") name an edible's form, a strain elsewhere.
    form_words = lexicon.form_words if flavour else {}
    total = got = 0.0
    unnamed_strain = False
    for word, sim in zip(product_words, found.product, strict=True):
        w = _product_weight(word, brand, lexicon, flavour)
        total += w
        if sim:
            got += w * sim
        elif (
            brand is not None
            and family
            and brand.form_of.get(word) == family
            and word not in lexicon.held
        ):
            got += w  # a line's word the record's form already says ("Las Frescas")
        elif form_words.get(word) == (family or ""):
            # "chocolate" of a chocolate, "drops" (a tincture's, no family) of a record naming
            # no family: the form is compared apart.
            got += w
        elif word not in form_words and word not in lexicon.descriptors and w > LINE_WEIGHT:
            unnamed_strain = True  # a strain's word: "Green" of "Green Dragon"
    covered = got / total if total else 1.0
    if product_words and not any(found.product):
        # No word of its name named: no evidence for this product.
        return Evidence(0.0, covered)
    # What the words the record names tell: a line's word or a descriptor little.
    informative = 0.0
    for word, sim in zip(product_words, found.product, strict=True):
        if sim and word not in form_words:
            informative += min(1.0, 2 * _product_weight(word, brand, lexicon, flavour))
    cost = 0.0
    other = 0
    part = informative >= 1.0
    for word in found.extra:
        named = form_words.get(word)
        if named and family and named != family:
            cost += STRAIN_WORD  # another form named: "Brownie" of a dark chocolate bar
            part = False
        elif named and named == family and not any(form_words.get(w) for w in product_words):
            # The record's own form ("Raspberry Chocolate" of a chocolate bar, whose name says
            # its form in no weak word): compared apart. A "Cookies" is no product named
            # "Brownies".
            pass
        elif brand is not None and word in brand.postings:
            cost += SIBLING_WORD
            part = False
        elif word in lexicon.strain_words or (flavour and word in lexicon.flavours):
            cost += STRAIN_WORD  # another strain, or another flavour of an edible
            part = False
        elif word not in form_words and word not in lexicon.descriptors:
            other += 1
    # A word stores add to an edible's name is decoration more often than a strain's ("Auto",
    # "Mega" name another strain).
    cost += other * (OTHER_WORD if flavour else STRAIN_OTHER_WORD)
    if part and (other or (not flavour and unnamed_strain)):
        # A part of a name stands for the whole only when the record adds nothing of its own:
        # "Fast-Acting ... Lychee" names a flavour the product lacks.
        part = False
    evidence = max(covered, PART if part else 0.0)
    partial = not flavour and unnamed_strain
    return Evidence(evidence * (1.0 - min(MAX_EXTRA, cost)), covered, partial)


def _product_weight(word: str, brand: BrandWords | None, lexicon: Lexicon, flavour: bool) -> float:
    """What a product's word weighs: little for a form word or a descriptor, a line's word
    little; for an edible the rarer among the brand's products the more; for a strain's
    product every other word fully ("Blue" of "Blue Crack" names another strain than "Crack")."""
    if flavour and word in lexicon.form_words:
        return FORM_WORD
    if brand is None:
        w = 1.0
    elif flavour:
        w = brand.weight(word)
    else:
        # A word many of a big brand's strains share ("Diesel", "Kush") still names a strain:
        # only a line's word is light.
        w = LINE_WEIGHT if brand.line(word) else 1.0
    return min(w, DESCRIPTOR) if word in lexicon.descriptors else w


def _plain(record: frozenset[str], product: frozenset[str], k: Knowledge) -> bool:
    """Whether the product is the plain kind of the family the record names ("pre-roll")."""
    plain = {k.families[f].plain for f in record if f in k.families}
    return bool(plain & product)


def says_no_more(record: ParsedItem, product: ParsedItem) -> bool:
    """Whether the product states no size, pack or potency that the record leaves open: of
    the catalog's variants of one name, its plain "Tiva Kaps" is a record's "Tiva Kaps" rather
    than its "Tiva Kaps - 10mg" (``decide``)."""
    weighed = _weighs(product)  # its milligrams are its size
    return not (
        (_grams(product, product.weight_g) and not _grams(record, record.weight_g))
        or (product.pack and not record.pack)
        or (not weighed and product.potency_mg and not record.potency_mg)
    )


def agreements(record: ParsedItem, product: ParsedItem, form: str, k: Knowledge) -> list[str]:
    """The attributes that agree, for tie-breaks between close candidates."""
    agree: list[str] = []
    if record.lineage and record.lineage == product.lineage:
        agree.append("lineage")
    if form == "same":
        agree.append("form")
    elif record.hints & product.subtypes:
        agree.append("form hint")
    if record.core == product.core:
        agree.append("word order")
    if record.pack and record.pack == product.pack:
        agree.append("pack")
    if record.potency_mg and record.potency_mg == product.potency_mg:
        agree.append("potency")
    if record.weight_g and record.weight_g == product.weight_g:
        agree.append("size")
    return agree
