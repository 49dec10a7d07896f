"""How one listing is written: a store's name for it, its Brand column and category, its tier.

A listing of a catalog product is written either as the catalog's own text (tier ``exact``, when
that text names one product plainly) or as a store writes it (tier ``store``); a listing of a
product the catalog lacks is tier ``store_none`` (a catalog brand) or ``other_brand``. A store's
name comes in the classic layout (``Gelato RAW WAX -1.0g- Gold Leaf``, :class:`PosName`) or in
one of the vocabulary's layouts (``Vana | 1g Cart | Glazed Donut (I)``, :class:`StoreName`),
with what real stores do to names: nicknames and short words, a last word cut short, typos,
product line words, lineage tags, pack counts and words that name no product ("(REC)", "$30").
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from poslink_dev.synth.catalog import Catalog
from poslink_dev.synth.forms import Form
from poslink_dev.synth.kushy import name_key
from poslink_dev.synth.name_words import LINEAGE_TAGS, PACK_TAGS, WEIGHT_TAGS
from poslink_dev.synth.pools import STRAIN
from poslink_dev.synth.render import (
    PosName,
    Weighted,
    ascii_fold,
    capwords,
    pick,
    recase,
    split_ratio,
    typo,
)
from poslink_dev.synth.shortnames import truncate
from poslink_dev.synth.specs import Spec
from poslink_dev.synth.vocab import Layout, Noise

TYPO_RATE = 0.10
BRANDLESS_RATE = 0.05  # a catalog product's name without its brand (when that stays plain)
CSV_WITH_BRAND = 0.3  # a CSV export whose name keeps the brand its Brand column also has
EXACT, STORE, STORE_NONE, OTHER_BRAND = "exact", "store", "store_none", "other_brand"
_SLOTS = ("B", "C", "F", "W")
_LINEAGE_TAGS = Weighted(LINEAGE_TAGS)
_PACK_TAGS = Weighted(PACK_TAGS)
_WEIGHT_TAGS = Weighted(WEIGHT_TAGS)


@dataclass(slots=True)
class StoreName:
    """A store's name in one of the vocabulary's layouts; the size varies per record."""

    brand: str  # as the name writes it; "" when the name leaves it out
    sep: str
    segments: tuple[tuple[str, tuple[str, ...]], ...]  # (template, the slots it holds)
    core: str  # the core name with its tags: slot {C}
    form_words: str  # slot {F}
    start: str  # words before the name ("BOGO")
    end: str  # words after it ("(REC)", "$30")

    def _render(self, weight: str, brand: str) -> str:
        values = {"B": brand, "C": self.core, "F": self.form_words, "W": weight}
        parts = []
        for template, slots in self.segments:
            if ("B" in slots and not brand) or not any(values[s] for s in slots):
                continue
            text = template
            for slot in slots:
                text = text.replace("{" + slot + "}", values[slot])
            parts.append(" ".join(text.split()))
        name = self.sep.join(parts)
        return " ".join(w for w in (self.start, name, self.end) if w)

    @property
    def body(self) -> str:
        """The name without brand and size, as a menu's product name."""
        return self._render("", "")

    def full(self, weight: str) -> str:
        """The whole name, brand included (when the name has it)."""
        return self._render(weight, self.brand)

    def without_brand(self, weight: str) -> str:
        """The name as a POS with a Brand column prints it."""
        return self._render(weight, "")


@dataclass(slots=True)
class Rendered:
    """One listing's writing: its name, tier, Brand column, category, strain column, note."""

    name: PosName | StoreName
    tier: str
    brand_field: str
    category: str
    strain: str | None
    note: str
    csv_with_brand: bool  # the CSV's name keeps the brand


def _compile(layout: Layout) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (segment, tuple(s for s in _SLOTS if "{" + s + "}" in segment))
        for segment in layout.segments
    )


class Renderer:
    """Writes listings for a catalog, seeded by the planner's ``rng``."""

    def __init__(self, catalog: Catalog, rng: random.Random) -> None:
        self.catalog = catalog
        self.pools = catalog.pools
        self.rng = rng
        vocab = self.pools.vocab
        self.shares = vocab.shares
        self.layouts = Weighted([((x.sep, _compile(x)), x.weight) for x in vocab.layouts])
        self.lineage_tags = Weighted(vocab.lineage_tags)
        self.pack_tags = Weighted(vocab.pack_tags)
        self.noise = vocab.noise
        self.categories = {f: Weighted(list(v)) for f, v in vocab.store_categories.items()}
        self.exact_layout = (" ", (("{C}", ("C",)),))

    def render(self, spec: Spec, form: Form, form_words: Weighted[str]) -> Rendered:
        """Write the listing of ``spec`` (``form_words``: the POS words of its form)."""
        rng, catalog = self.rng, self.catalog
        exact = spec.truth is not None and rng.random() < self.shares["exact"]
        if exact and catalog.exact_ok(spec.slot):
            return self._exact(spec, form)
        note = spec.note
        core, note = self._core(spec, note)
        line = catalog.line(spec.brand, spec.form)
        line = line if line and rng.random() < self.shares["line_word"] else ""
        words = ""
        if spec.kind == STRAIN:
            words = form_words.draw(rng)
            if line:
                if words and rng.random() < self.shares["line_alone"]:
                    words = ""  # "Elite Gelato": the line says the form
                core = f"{line} {core}"
        elif spec.noun >= 0:
            one, many = form.nouns[spec.noun % len(form.nouns)]
            words = many if rng.random() < 0.6 else one
            words = words.upper() if rng.random() < 0.15 else words
            words = f"{line} {words}" if line else words
            ratio, rest = split_ratio(core)
            if ratio:
                core, words = (
                    (f"{ratio} {rest}", words) if rng.random() < 0.5 else (rest, f"{words} {ratio}")
                )
        pack = int(spec.amount[:-2]) if spec.amount.endswith("pk") else 0
        drawn = 0
        if not pack and form.packs and rng.random() < 0.3:
            # A pack of a pre-roll the catalog lists alone is another product (a 5-pack is
            # not the single): no pack is printed. The draws stay only so that the seeded
            # workloads the docs measure stay as they are (the rendering after them reads
            # the stream otherwise, so the records changed when packs stopped being printed).
            drawn = pick(form.packs, rng)
        shown = bool(pack or drawn) and rng.random() < 0.85
        # A pre-roll pack's record always counts its pieces: a pre-roll named without a count
        # is a single, not the brand's pack (an edible's name leaves its pack out often).
        pack = pack if shown or (pack and form.packs) else 0
        start, end, core_noise = self._noise(form.family, bool(words))
        brand = self.pools.aliases.pick(spec.brand, rng)
        brandless = spec.truth is not None and rng.random() < BRANDLESS_RATE
        if brandless and catalog.alone_in_type(spec.slot):
            brand = ""  # only when no other brand's product could be read from the name
        if rng.random() < self.shares["layout"]:
            name: PosName | StoreName = self._layout(spec, core, words, pack, brand, core_noise)
            name.start, name.end = start, end
        else:
            name = self._classic(spec, core, words, pack, brand, core_noise, start, end)
        tier = STORE if spec.truth is not None else OTHER_BRAND if spec.outside else STORE_NONE
        strain = spec.core if spec.kind == STRAIN and rng.random() < 0.7 else None
        keep = rng.random() < CSV_WITH_BRAND
        return Rendered(name, tier, self._field(spec), self._category(form), strain, note, keep)

    # --- parts -----------------------------------------------------------------------------

    def _exact(self, spec: Spec, form: Form) -> Rendered:
        """The catalog's own text, as the producer wrote it, in the case a store typed it."""
        rng = self.rng
        text = self.catalog.jane_name(spec.slot, lower=False)
        roll = rng.random()
        text = text if roll < 0.5 else capwords(text) if roll < 0.75 else text.upper()
        sep, segments = self.exact_layout
        name = StoreName("", sep, segments, text, "", "", "")
        strain = spec.core if spec.kind == STRAIN and rng.random() < 0.7 else None
        category = self._category(form)
        return Rendered(name, EXACT, self._field(spec), category, strain, spec.note, False)

    def _core(self, spec: Spec, note: str) -> tuple[str, str]:
        """The core name as the store writes it: short forms, a typo, its own case."""
        rng, pools, shares = self.rng, self.pools, self.shares
        core = spec.core
        if not core.isascii() and rng.random() < 0.5:
            core = ascii_fold(core)
        if spec.kind == STRAIN:
            for share, shorten in (
                (shares["nickname"], pools.short.nickname),
                (shares["abbreviation"], pools.short.abbreviate),
            ):
                if rng.random() < share:
                    changed = shorten(core, rng)
                    if changed is not None and pools.reads_as(changed, spec.core):
                        core, note = changed, f"{note}; short form"
            if spec.truth is not None and rng.random() < shares["truncation"]:
                cut = truncate(core, rng, lambda key: pools.unique_prefix(key, spec.core))
                if cut is not None:
                    core, note = cut, f"{note}; cut short"
        if rng.random() < TYPO_RATE and note == spec.note:  # one liberty per name at most
            changed = typo(core, rng)
            if changed is not None and name_key(changed) not in pools.index:
                core, note = changed, f"{note}; typo"
        return recase(core, rng), note

    def _lineage_tag(self, spec: Spec, classic: bool) -> str:
        """A lineage tag for the name, or ""."""
        rng = self.rng
        if not spec.lineage or rng.random() >= self.shares["lineage_tag"]:
            return ""
        word = spec.lineage.upper() if rng.random() < 0.7 else spec.lineage.capitalize()
        if classic:
            return _LINEAGE_TAGS.draw(rng).format(L=word)
        initial = "CBD" if spec.lineage == "cbd" else spec.lineage[0].upper()
        return self.lineage_tags.draw(rng).replace("{L}", word).replace("{I}", initial)

    def _noise(self, family: str, has_words: bool) -> tuple[str, str, str]:
        """Words that name no product: (at the start, at the end, after the core)."""
        rng = self.rng
        out = {"start": "", "end": "", "core": ""}
        if rng.random() >= self.shares["noise"]:
            return "", "", ""
        eligible = [
            n
            for n in self.noise
            if (n.families is None or family in n.families) and (has_words or not n.with_form_words)
        ]
        for noise in self._draw_noise(eligible, 1 if rng.random() < 0.75 else 2):
            text = noise.text
            if "{T}" in text:
                low, high = self.pools.vocab.thc[family]
                text = text.replace("{T}", f"{low + rng.random() * (high - low):.1f}")
            text = text.replace("{P}", str(pick(self.pools.vocab.prices, rng)))
            if not out[noise.at]:
                out[noise.at] = text
        return out["start"], out["end"], out["core"]

    def _draw_noise(self, eligible: Sequence[Noise], count: int) -> list[Noise]:
        if not eligible:
            return []
        drawn = Weighted([(n, n.weight) for n in eligible])
        return [drawn.draw(self.rng) for _ in range(count)]

    def _layout(
        self, spec: Spec, core: str, words: str, pack: int, brand: str, core_noise: str
    ) -> StoreName:
        rng = self.rng
        tag = self._lineage_tag(spec, classic=False)
        core = " ".join(w for w in (core, core_noise, tag) if w)
        if pack:
            packed = self.pack_tags.draw(rng).replace("{N}", str(pack))
            if words:
                words = f"{words} {packed}"
            else:
                core = f"{core} {packed}"
        sep, segments = self.layouts.draw(rng)
        return StoreName(brand, sep, segments, core, words, "", "")

    def _classic(
        self,
        spec: Spec,
        core: str,
        words: str,
        pack: int,
        brand: str,
        core_noise: str,
        start: str,
        end: str,
    ) -> PosName:
        rng = self.rng
        body = " ".join(w for w in (core, core_noise, words) if w)
        tag = self._lineage_tag(spec, classic=True)
        if tag:
            body = f"{body} {tag}"
        if pack:
            body = f"{body} {_PACK_TAGS.draw(rng).format(N=pack)}"
        roll = rng.random()
        brand_at = 0 if roll < 0.8 else 1 if roll < 0.9 else 2
        if not brand:
            brand_at = 3
        trailing = " " if rng.random() < 0.02 else ""
        return PosName(brand, brand_at, body, _WEIGHT_TAGS.draw(rng), trailing, start, end)

    def _field(self, spec: Spec) -> str:
        """The Brand column: the brand as the POS's brand table spells it."""
        rng = self.rng
        field = self.pools.aliases.field(spec.brand, rng)
        return field + " " if rng.random() < self.shares["brand_field_space"] else field

    def _category(self, form: Form) -> str:
        """The store category: the form's own, or a looser one stores also file it under."""
        looser = self.categories.get(form.family)
        if looser is not None and self.rng.random() < self.shares["store_category"]:
            return looser.draw(self.rng)
        return form.store_category
