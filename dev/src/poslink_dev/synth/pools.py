"""What products are made of: the brand list, and one table of names (strains, flavors, products).

A name is addressed by its index in :attr:`Pools.names`; the catalog arrays store those indexes.
Names are unique by :func:`~poslink_dev.synth.kushy.name_key`, so two indexes never read alike.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from itertools import accumulate

from poslink_dev.synth.forms import FAMILY_WEIGHTS, FORM_INDEX, FORMS
from poslink_dev.synth.kushy import KushyData, brand_key, name_key
from poslink_dev.synth.name_words import FLAVORS, RATIOS
from poslink_dev.synth.render import BrandAliases, Weighted, pick
from poslink_dev.synth.shortnames import ShortNames
from poslink_dev.synth.vocab import vocabulary

STRAIN, FLAVOR, PRODUCT = 0, 1, 2  # kinds of name: a strain, a flavor + noun, a whole product
_KEY_CACHE = 200_000  # words keys kept (names recur: every listing asks about its own)


class Pools:
    """Brands (with aliases and families) and the name table, built once per workload."""

    def __init__(self, data: KushyData, rng: random.Random) -> None:
        self.brands: list[str] = [brand.name for brand in data.brands]
        self.families: list[tuple[str, ...]] = [brand.families for brand in data.brands]
        self.vocab = vocabulary()
        self.short = ShortNames(self.vocab)
        self._keys: dict[str, str] = {}  # words_key's cache
        self.names: list[str] = []
        self.kinds = bytearray()
        self.lineages: list[str] = []
        self.index: dict[str, int] = {}  # name_key -> name index
        self.by_words: dict[str, list[int]] = {}  # words_key -> names of the same words
        for strain in data.strains:
            self._add(strain.name, STRAIN, strain.lineage)
        # Strains: popular ones (curated, or sold by real brands) are drawn more often.
        weights = [6.0 if strain.curated else 1.0 for strain in data.strains]
        brand_of = {brand_key(name): i for i, name in enumerate(self.brands)}
        self.known: dict[int, list[tuple[int, int]]] = {}  # brand -> real (name, form) pairs
        for product in data.products:
            form = FORM_INDEX[product.form]
            kind = STRAIN if FORMS[form].strain_based else PRODUCT
            name = self._add(product.name, kind, "")
            if kind == STRAIN and name < len(weights):
                weights[name] += 2.0
            if self.kinds[name] == kind:
                brand = brand_of[brand_key(product.brand)]
                self.known.setdefault(brand, []).append((name, form))
        self.strains: list[int] = [i for i in range(len(self.names)) if self.kinds[i] == STRAIN]
        weights += [1.0] * (len(self.strains) - len(weights))
        self.strain_cum: list[float] = list(accumulate(weights))
        # Product forms: flavor names ("Grape", "1:1 Orange", "Chocolate Penny CBD"); real
        # Kushy product names are only in ``known``, with their own brand.
        self.flavor_names: dict[int, list[int]] = {}
        for form_index, spec in enumerate(FORMS):
            if spec.strain_based:
                continue
            flavored: list[int] = []
            for flavor in FLAVORS[spec.flavors]:
                for variant in _flavor_variants(flavor):
                    name = self._add(variant, FLAVOR, "")
                    if self.kinds[name] == FLAVOR:
                        flavored.append(name)
            self.flavor_names[form_index] = flavored
        # One group per set of names read alike: a brand sells one name of a group per form.
        self.group: list[int] = [min(self.alike(name)) for name in self.names]
        self.sorted_keys: list[str] = sorted(self.index)
        # Every word of every name: brand aliases and line words must not read as one.
        self.words: frozenset[str] = frozenset(
            key for name in self.names for key in map(name_key, name.split()) if key
        )
        self.aliases = BrandAliases(self.brands, rng, self.words)
        # Product line words: none that is a word of a name or of a brand.
        brand_words = {name_key(w) for brand in self.brands for w in brand.split()}
        taken = self.words | brand_words
        self.line_words: dict[str, list[str]] = {
            kind: [w for w in words if name_key(w) not in taken]
            for kind, words in (
                ("vape", self.vocab.vape_line_words),
                ("edible", self.vocab.edible_line_words),
            )
        }

    def _add(self, name: str, kind: int, lineage: str) -> int:
        """The index of ``name``, added to the table when new."""
        key = name_key(name)
        found = self.index.get(key)
        if found is not None:
            return found
        self.index[key] = len(self.names)
        self.by_words.setdefault(self.words_key(name), []).append(len(self.names))
        self.names.append(name)
        self.kinds.append(kind)
        self.lineages.append(lineage)
        return len(self.names) - 1

    def alike(self, text: str) -> list[int]:
        """Names a reader would take for ``text``: same words in any order, a leading "The" or
        a trailing "THC" aside ("Kush OG" is "OG Kush", "The Dream" is "Dream")."""
        found: list[int] = []
        bare = text.removesuffix(" THC")
        for spelling in sorted({text, bare, f"The {bare}", bare.removeprefix("The ")}):
            found += self.by_words.get(self.words_key(spelling), [])
        return found

    def words_key(self, text: str) -> str:
        """The words of a name, folded, nicknames read as full names, sorted: one key for
        "OG Kush" and "Kush OG", and for "GDP" and "Granddaddy Purple"."""
        key = self._keys.get(text)
        if key is None:
            if len(self._keys) >= _KEY_CACHE:
                self._keys.clear()
            key = self._keys[text] = " ".join(sorted(self.short.canonical(text)))
        return key

    def reads_as(self, new: str, old: str) -> bool:
        """Whether ``new`` is a safe rendering of the name ``old``: it reads as ``old`` (a
        nickname, another word order) or as no name of the table at all."""
        key = self.words_key(new)
        if key == self.words_key(old):
            return True
        return name_key(new) not in self.index and key not in self.by_words

    def unique_prefix(self, prefix: str, old: str) -> bool:
        """Whether every name whose key starts with ``prefix`` reads as ``old``."""
        keys, old_key = self.sorted_keys, self.words_key(old)
        i = bisect_left(keys, prefix)
        while i < len(keys) and keys[i].startswith(prefix):
            if self.words_key(self.names[self.index[keys[i]]]) != old_key:
                return False
            i += 1
        return True

    def draw_strains(self, rng: random.Random, k: int) -> list[int]:
        """``k`` strain name indexes drawn by popularity (with repetition)."""
        return rng.choices(self.strains, cum_weights=self.strain_cum, k=k)

    def draw_flavor(self, form: int, rng: random.Random) -> int:
        """A flavor name for a product form ("Grape", "1:1 Orange", "Chocolate Penny CBD").

        Real Kushy product names are not drawn: they stay with their own brand (``known``).
        """
        return pick(self.flavor_names[form], rng)

    def brand_forms(self, brand: int, rng: random.Random) -> Weighted[int]:
        """The forms a brand sells, weighted: its families from the data set, else drawn."""
        families = list(self.families[brand])
        if not families:
            names = list(FAMILY_WEIGHTS)
            count = rng.choice((1, 1, 2, 2, 3))
            while len(families) < count:
                family = rng.choices(names, weights=list(FAMILY_WEIGHTS.values()))[0]
                if family not in families:
                    families.append(family)
        return Weighted(
            [
                (i, FAMILY_WEIGHTS[form.family] * form.share * (0.2 + rng.random()))
                for i, form in enumerate(FORMS)
                if form.family in families
            ]
        )


def _flavor_variants(flavor: str) -> list[str]:
    """A flavor and the distinct products it names with a ratio or a cannabinoid marker."""
    variants = [flavor]
    words = set(flavor.upper().split())
    if not words & {"CBD", "THC", "CBN"}:
        variants += [f"{ratio} {flavor}" for ratio in RATIOS[:3]]
        # Only a CBD version: "Grape THC" would be the plain "Grape" (edibles are THC anyway).
        variants.append(f"{flavor} CBD")
    return variants
