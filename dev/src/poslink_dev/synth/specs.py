"""What a listing names: a catalog product, or one the catalog lacks that a matcher must refuse.

A :class:`Spec` is a brand, a core name and a form, with the true catalog id (``None``: absent).
:class:`SpecDrawer` draws them from a catalog. Absent specs are the hard kinds:

- ``other form``: a catalog product's brand and strain in a form the catalog lacks (a shatter
  where the catalog has the cartridge, shake where it has flower);
- ``not carried``: a catalog brand with a name the catalog sells only under other brands;
- ``unknown brand``: a brand that is in no catalog, with a name and form the catalog sells;
- ``name variant``: a catalog name with a word or number added, removed or changed ("Blue Dream
  Haze", "OG Kush #18"), or an edible with another ratio or cannabinoid ("2:1" for "1:1").

An absent spec is never one its brand sells under a name read alike (the same words in any
order, a leading "The" or a trailing "THC" aside, a nickname for its full name; see
``Pools.alike``), nor in a form a careful reader could take for the one the catalog has
(``forms.CONFUSABLE``: a wax for a live resin), and always shows its brand. How each listing
is written, and its tier, is ``store_names``' part; its sizes and records are ``listings``'.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import NamedTuple

from poslink_dev.synth.catalog import NO_NOUN, NOUN_SHIFT, Catalog
from poslink_dev.synth.forms import CONFUSED_WITH, FORMS, LINEAGES
from poslink_dev.synth.kushy_forms import NOT_STRAINS
from poslink_dev.synth.name_words import MARKERS, RATIOS, STRAIN_PREFIXES, STRAIN_SUFFIXES
from poslink_dev.synth.pools import FLAVOR, PRODUCT
from poslink_dev.synth.render import Weighted, below, pick, says_noun, split_ratio

# Per form: the other forms of its product type, and (strain forms) every other strain form.
_OTHER_FORMS = [
    (
        [
            j
            for j, f in enumerate(FORMS)
            if f.product_type == form.product_type
            and f is not form
            and f.strain_based == form.strain_based
        ],
        [j for j, f in enumerate(FORMS) if f.strain_based and form.strain_based and f is not form],
    )
    for form in FORMS
]
# Words whose removal leaves the same product: a lineage tag or marker may still say them.
_KEEP_WORDS = frozenset({"indica", "sativa", "hybrid", "cbd", "thc", "cbn"})
_NUMBER = re.compile(r"#?(\d+)(?!.*\d)")


class Spec(NamedTuple):
    """What a listing names: brand, core name, form; and its true catalog id (None: absent)."""

    truth: int | None
    note: str
    brand: int
    core: str
    kind: int  # pools.STRAIN, FLAVOR or PRODUCT
    form: int
    lineage: str
    amount: str  # the catalog's amount ("500mg", "10pk") or ""
    noun: int  # product forms: which noun; -1: none
    slot: int  # the catalog product it was drawn from
    twin: int | None  # present: the id of the product's duplicate in the catalog, if any
    outside: bool  # absent: its brand is in no catalog


class SpecDrawer:
    """Draws what listings name from a catalog, seeded by ``rng``: present or absent products."""

    def __init__(self, catalog: Catalog, rng: random.Random) -> None:
        self.catalog = catalog
        self.pools = catalog.pools
        self.rng = rng
        self.absent_kinds: Weighted[Callable[[], Spec | None]] = Weighted(
            [
                (self._other_form, 0.35),
                (self._not_carried, 0.25),
                (self._unknown_brand, 0.25),
                (self._name_variant, 0.15),
            ]
        )

    def spec(self, i: int, truth: int | None, note: str) -> Spec:
        """The spec of catalog product ``i``."""
        c = self.catalog
        bits = c.style[i]
        twin = c.twin_of(i)
        return Spec(
            truth,
            note,
            c.brand[i],
            self.pools.names[c.name[i]],
            self.pools.kinds[c.name[i]],
            c.form[i],
            LINEAGES[c.lineage[i]],
            c.amount_text(i),
            -1 if bits & NO_NOUN or FORMS[c.form[i]].strain_based else bits >> NOUN_SHIFT & 7,
            i,
            c.ids[twin] if truth is not None and twin >= 0 else None,
            False,
        )

    def present(self) -> Spec:
        """A catalog product, drawn at random."""
        i = below(len(self.catalog), self.rng)
        return self.spec(i, self.catalog.ids[i], "present")

    def absent(self) -> Spec:
        """A product the catalog lacks, of a kind drawn by ``absent_kinds``."""
        for _ in range(20):
            spec = self.absent_kinds.draw(self.rng)()
            if spec is not None:
                return spec
        return self._unknown_brand()

    def _other_form(self) -> Spec | None:
        rng, c = self.rng, self.catalog
        i = below(len(c), rng)
        form = FORMS[c.form[i]]
        if self.pools.kinds[c.name[i]] == PRODUCT:  # a whole product name says its own form
            return None
        near, far = _OTHER_FORMS[c.form[i]]
        others = near if near and (not far or rng.random() < 0.6) else far
        if not others:
            return None
        other = pick(others, rng)
        if other in CONFUSED_WITH[c.form[i]]:
            return None  # a live resin where the catalog has the wax: not plainly absent
        if self._sells(c.brand[i], self.pools.names[c.name[i]], other):
            return None
        nouns = FORMS[other].nouns
        noun = below(len(nouns), rng) if nouns else -1
        if noun >= 0 and says_noun(c.pools.names[c.name[i]], nouns[noun][0]):
            return None  # "Pink Lemonade" as a drink would read exactly as the catalog gummy
        note = f"absent: other form (catalog has {form.key})"
        return self.spec(i, None, note)._replace(form=other, amount="", noun=noun)

    def _not_carried(self) -> Spec | None:
        rng, c = self.rng, self.catalog
        i = below(len(c), rng)
        same_form = c.by_form[c.form[i]]
        j = pick(same_form, rng)
        if self.pools.kinds[c.name[j]] == PRODUCT or self._sells(
            c.brand[i], self.pools.names[c.name[j]], None
        ):
            return None  # a brand's own product name ("Dixie Relaxing Scrips") stays its own
        return self.spec(j, None, "absent: brand does not carry it")._replace(brand=c.brand[i])

    def _unknown_brand(self) -> Spec:
        i = below(len(self.catalog), self.rng)
        for _ in range(10):  # not a brand's own product name, as in _not_carried
            if self.pools.kinds[self.catalog.name[i]] != PRODUCT:
                break
            i = below(len(self.catalog), self.rng)
        brand = pick(self.catalog.outside, self.rng)
        spec = self.spec(i, None, "absent: brand not in catalog")
        return spec._replace(brand=brand, outside=True)

    def _name_variant(self) -> Spec | None:
        rng, c = self.rng, self.catalog
        i = below(len(c), rng)
        core = self.pools.names[c.name[i]]
        kind = self.pools.kinds[c.name[i]]
        if kind == PRODUCT:  # "Beard" for "Beard Balm" is the same product, shortened
            return None
        variant = _flavor_variant(core, rng) if kind == FLAVOR else _strain_variant(core, rng)
        if variant is None:
            return None
        if self._sells(c.brand[i], variant, c.form[i]):
            return None
        spec = self.spec(i, None, f"absent: name variant of {core}")
        if kind == FLAVOR:  # "Olive Oil THC" is no longer the CBD product it came from
            cbd = "CBD" in variant.split() or split_ratio(variant)[0]
            spec = spec._replace(lineage="cbd" if cbd else "")
        return spec._replace(core=variant, amount="")

    def _sells(self, brand: int, text: str, form: int | None) -> bool:
        """Whether the catalog has ``brand`` sell a name read as ``text`` (in ``form`` or a form
        taken for it, or in any form)."""
        c = self.catalog
        if form is None:
            return any(c.carries(brand, name) for name in self.pools.alike(text))
        return any(
            c.has(brand, name, f) for name in self.pools.alike(text) for f in CONFUSED_WITH[form]
        )


def _strain_variant(core: str, rng: random.Random) -> str | None:
    """A different strain name one word or number away from ``core``, or None."""
    words = core.split()
    roll = rng.random()
    if roll < 0.35 and len(words) > 1:
        rest = words[1:] if rng.random() < 0.5 else words[:-1]
        gone = {w.lower() for w in words} - {w.lower() for w in rest}
        dropped = gone.pop() if gone else ""
        if dropped in _KEEP_WORDS or sum(ch.isalpha() for ch in dropped) < 2:
            return None  # "Blueberry" for "Blueberry Indica" only drops the lineage; "X" a letter
        variant = " ".join(rest)
        letters = sum(ch.isalpha() for ch in variant)
        return None if letters < 3 or variant.lower() in NOT_STRAINS else variant
    if roll < 0.6:
        extra = rng.choice(STRAIN_SUFFIXES)
        return None if extra.lower() in core.lower().split() else f"{core} {extra}"
    if roll < 0.75:
        extra = rng.choice(STRAIN_PREFIXES)
        return None if extra.lower() in core.lower().split() else f"{extra} {core}"
    number = _NUMBER.search(core)
    if number is None:
        return f"{core} #{rng.randint(1, 30)}"
    value = int(number.group(1))
    other = value + rng.choice((-2, -1, 1, 2, 3, 10)) if value > 2 else value + rng.randint(1, 5)
    return core[: number.start(1)] + str(other) + core[number.end(1) :]


def _flavor_variant(core: str, rng: random.Random) -> str | None:
    """Another edible of the same flavor: a different ratio or cannabinoid marker."""
    # Never a plain THC marker added, nor a ratio dropped: "Orange THC" or "Orange" may well be
    # how a POS writes the catalog's "orange" or "1:1 orange".
    ratio, rest = split_ratio(core)
    if ratio:
        return f"{pick([r for r in RATIOS if r != ratio], rng)} {rest}"
    words = core.split()
    if words[-1] in MARKERS:
        return " ".join([*words[:-1], pick([m for m in MARKERS if m != words[-1]], rng)])
    if rng.random() < 0.5:
        return f"{pick(RATIOS, rng)} {core}"
    return f"{core} {pick(('CBD', 'CBN'), rng)}"
