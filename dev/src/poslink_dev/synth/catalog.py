"""The generated catalog: compact parallel arrays, the lookups the feed needs, the SQLite writer.

A product is one slot in the arrays: brand index, name index, form index, true lineage, a style
byte and a shape byte (how its Jane name is written) and an amount index. Products of one brand
are contiguous. The key ``brand << 40 | name << 8 | form`` identifies a product;
:attr:`Catalog.keys` holds them sorted, so "does brand B sell name N as form F" is a binary
search, not a million-entry set.

Real catalogs write more into a name than the product: some carry the brand first, a size, the
lineage, or a product line's word (a brand's line names every one of its products of one form,
and nothing else: the word says the form). And some hold one product twice, under two ids whose
names differ only in punctuation or a size note: such a *twin* is the slot right after its
original, with the same key.
"""

from __future__ import annotations

import math
import random
import sqlite3
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from pathlib import Path

from poslink_dev.synth.forms import FORMS, LINEAGES
from poslink_dev.synth.kushy import name_key
from poslink_dev.synth.pools import FLAVOR, PRODUCT, STRAIN, Pools
from poslink_dev.synth.render import below, catalog_name, pick, says_noun

SCHEMA = (
    "CREATE TABLE products (id int primary key, amount text, brand text, lineage text, "
    "name text not null, product_type text, product_subtype text, url text)"
)

# Style byte layout.
STYLE_MASK = 0x03  # catalog name style, see render.catalog_name
LINEAGE_BLANK = 0x04  # the catalog leaves the lineage empty
NOUN_SHIFT = 3  # three bits: which noun (product forms) or form words (strain forms)
PLURAL = 0x40
NO_NOUN = 0x80  # a whole product name: no noun appended

# Shape byte layout: what else the catalog writes into the name.
BRAND_FIRST = 0x01  # the brand before the name ("enchanted botanicals - chemmy jones")
SIZE_IN_NAME = 0x02  # the amount in the name ("cake batter 3.5g")
LINEAGE_IN_NAME = 0x04  # the lineage in the name ("marionberry indica enhanced gummies")
TWIN = 0x08  # the second id of the product in the slot before
AMOUNT_HIDDEN = 0x10  # the amount column left empty (the name says it)
FORMAT_SHIFT = 5  # three bits: which format of the vocabulary's lists
_NAMED_LINEAGES = (1, 2, 3)  # indica, sativa, hybrid: a "cbd" word would make another product
_TYPES = {t: i for i, t in enumerate(sorted({f.product_type for f in FORMS}))}

ID_RANGE = (10_000, 100_000_000)
BRAND_SHARE_MAX = 0.85  # the rest of the brands stay out of every catalog: "unknown brand" rows


def product_key(brand: int, name: int, form: int) -> int:
    """The packed identity of (brand, name, form)."""
    return brand << 40 | name << 8 | form


class Catalog:
    """A generated catalog of ``len(self)`` products over a subset of the pool's brands."""

    def __init__(self, pools: Pools, n_products: int, rng: random.Random) -> None:
        if n_products < 1:
            raise ValueError("n_products must be at least 1")
        self.pools = pools
        self.brand = array("i")
        self.name = array("i")
        self.form = array("b")
        self.lineage = array("b")
        self.style = array("B")
        self.shape = array("B")
        self.amount = array("b")
        self.lines: dict[int, dict[int, str]] = {}  # brand -> form -> its line's word
        self._texts: array[int] | None = None  # see exact_ok
        order = list(range(len(pools.brands)))
        rng.shuffle(order)
        n_brands = max(1, min(int(len(order) * BRAND_SHARE_MAX), math.ceil(n_products / 20)))
        self.brands: list[int] = order[:n_brands]
        self.outside: list[int] = order[n_brands:]
        deficit = 0  # what brands that ran out of names could not make goes to the next ones
        for brand, quota in zip(self.brands, _quotas(n_products, n_brands, rng), strict=True):
            deficit += quota - self._fill_brand(brand, quota + deficit, rng)
        if len(self.brand) < n_products:  # only when brands ran out of names: a tiny data set
            raise ValueError(f"could only make {len(self.brand)} distinct products")
        self.ids = array("q", rng.sample(range(*ID_RANGE), n_products))
        self.keys = array("q", sorted(map(product_key, self.brand, self.name, self.form)))
        self.by_form: list[array[int]] = [array("i") for _ in FORMS]
        for i, form in enumerate(self.form):
            self.by_form[form].append(i)
        self.group_types = array("q", sorted(map(self._group_type, range(len(self)))))
        self.brand_group_types = array(
            "q", sorted(self.brand[i] << 40 | self._group_type(i) for i in range(len(self)))
        )
        self.groups = array("q", sorted(pools.group[n] for n in self.name))

    def __len__(self) -> int:
        """The number of products."""
        return len(self.ids)

    def _fill_brand(self, brand: int, quota: int, rng: random.Random) -> int:
        """Append up to ``quota`` distinct products of one brand, its real ones first; how many."""
        pools = self.pools
        forms = pools.brand_forms(brand, rng)
        self._draw_lines(brand, forms.values, rng)
        seen: set[int] = set()
        known = list(pools.known.get(brand, ()))
        rng.shuffle(known)
        made = 0
        group = pools.group  # names read alike ("OG Kush", "Kush OG") count as one
        for name, form in known[: quota // 2]:
            if group[name] << 8 | form not in seen and made < quota:
                seen.add(group[name] << 8 | form)
                made += self._append(brand, name, form, rng, quota - made)
        strains = pools.draw_strains(rng, quota // 2 + 2)
        failures = 0
        while made < quota:
            form = forms.draw(rng)
            strain_based = FORMS[form].strain_based
            name = pick(strains, rng) if strain_based else pools.draw_flavor(form, rng)
            if group[name] << 8 | form in seen:
                failures += 1
                if failures % 20 == 0:  # it sells each strain it has in every form: add some
                    strains += pools.draw_strains(rng, 20)
                if failures > 2_000:  # out of names: a brand of few forms and a big quota
                    break
                continue
            failures = 0
            seen.add(group[name] << 8 | form)
            made += self._append(brand, name, form, rng, quota - made)
        return made

    def _draw_lines(self, brand: int, forms: tuple[int, ...], rng: random.Random) -> None:
        """Some brands name a product line after one of their forms (see the module doc)."""
        vocab = self.pools.vocab
        for kind, keys in (("vape", vocab.vape_line_forms), ("edible", vocab.edible_line_forms)):
            eligible = sorted(f for f in forms if FORMS[f].key in keys)
            words = self.pools.line_words[kind]
            if eligible and words and rng.random() < vocab.line_share:
                self.lines.setdefault(brand, {})[pick(eligible, rng)] = pick(words, rng)

    def line(self, brand: int, form: int) -> str:
        """The word of ``brand``'s product line for ``form``, or ""."""
        lines = self.lines.get(brand)
        return lines.get(form, "") if lines else ""

    def _append(self, brand: int, name: int, form: int, rng: random.Random, room: int) -> int:
        """Append one product (and, now and then, its twin if ``room`` allows); how many."""
        pools = self.pools
        kind = pools.kinds[name]
        spec = FORMS[form]
        if kind == STRAIN:
            lineage = LINEAGES.index(pools.lineages[name])
        elif kind == PRODUCT:  # a real product's lineage is what its name says, if anything
            said = [w for w in pools.names[name].lower().split() if w in LINEAGES]
            lineage = LINEAGES.index(said[-1]) if said else 0
        else:
            words = pools.names[name].upper().split()
            if "THC" in words:  # a THC version is never the CBD lineage
                lineage = pick((0, 0, 0, 1, 2, 3), rng)
            elif "CBD" in words or ":" in pools.names[name]:
                lineage = pick((0, 4, 4), rng)
            else:  # a plain flavor is the THC product: a CBD lineage would make it the CBD one
                lineage = pick((0, 0, 0, 0, 0, 1, 1, 2, 2, 3), rng)
        roll = rng.random()
        style = 0 if roll < 0.45 else 1 if roll < 0.85 else 2 if roll < 0.97 else 3
        if not spec.strain_based:
            style = 2 if roll > 0.9 else 0
        noun = below(max(len(spec.nouns), len(spec.catalog_words)), rng)
        bits = style | noun << NOUN_SHIFT
        if rng.random() < 0.25:
            bits |= LINEAGE_BLANK
        if rng.random() < 0.5:
            bits |= PLURAL
        if not spec.strain_based and (
            kind != FLAVOR or says_noun(pools.names[name], spec.nouns[noun % len(spec.nouns)][0])
        ):
            bits |= NO_NOUN
        amount = below(len(spec.catalog_amounts), rng) if rng.random() < 0.35 else -1
        catalog = self.pools.vocab.catalog
        shape = below(8, rng) << FORMAT_SHIFT
        if style < 2 and rng.random() < catalog["brand_first"]:
            shape |= BRAND_FIRST
        if amount >= 0 and rng.random() < catalog["size_in_name"]:
            shape |= SIZE_IN_NAME | (AMOUNT_HIDDEN if rng.random() < 0.5 else 0)
        if lineage in _NAMED_LINEAGES and rng.random() < catalog["lineage_in_name"]:
            shape |= LINEAGE_IN_NAME
        twin = room >= 2 and rng.random() < catalog["duplicates"]
        if twin and amount < 0:
            amount = 0  # a twin may differ by a size note: the product has a size
        for extra in (0, TWIN) if twin else (0,):
            self.brand.append(brand)
            self.name.append(name)
            self.form.append(form)
            self.lineage.append(lineage)
            self.style.append(bits)
            self.shape.append(shape | extra)
            self.amount.append(amount)
        return 2 if twin else 1

    def has(self, brand: int, name: int, form: int) -> bool:
        """Whether the catalog sells ``name`` of ``brand`` as ``form``."""
        key = product_key(brand, name, form)
        i = bisect_left(self.keys, key)
        return i < len(self.keys) and self.keys[i] == key

    def carries(self, brand: int, name: int) -> bool:
        """Whether the catalog sells ``name`` of ``brand`` in any form."""
        low = product_key(brand, name, 0)
        i = bisect_left(self.keys, low)
        return i < len(self.keys) and self.keys[i] < low + 256

    def amount_text(self, i: int) -> str:
        """Product ``i``'s Jane amount ("500mg", "10pk") or ""."""
        amount = self.amount[i]
        return FORMS[self.form[i]].catalog_amounts[amount] if amount >= 0 else ""

    def jane_name(self, i: int, lower: bool = True) -> str:
        """Product ``i``'s catalog name, written Jane's way (in lower case, unless ``lower`` is
        False: then as its producer wrote it, "Gelato vaporizer cartridge - Gold Leaf")."""
        shape = self.shape[i]
        name = self._name(i, shape, lower)
        if shape & TWIN:  # other punctuation, or else the size note written or left out
            for old, new in self.pools.vocab.twin_rewrites:
                if old in name:
                    return name.replace(old, new, 1)
            return self._name(i, shape ^ SIZE_IN_NAME, lower)
        return name

    def _name(self, i: int, shape: int, lower: bool) -> str:
        bits = self.style[i]
        pools, form = self.pools, FORMS[self.form[i]]
        aliases = pools.aliases[self.brand[i]]
        noun = -1 if bits & NO_NOUN else bits >> NOUN_SHIFT & 7
        catalog = pools.vocab.catalog
        at = shape >> FORMAT_SHIFT
        lineage = LINEAGES[self.lineage[i]] if shape & LINEAGE_IN_NAME else ""
        tails = []
        if lineage and not form.nouns:
            tails.append(pick_format(catalog["lineage_formats"], at).replace("{L}", lineage))
        if shape & SIZE_IN_NAME:
            size = self.amount_text(i)
            tails.append(pick_format(catalog["size_formats"], at).replace("{A}", size))
        first = ""
        if shape & BRAND_FIRST:
            first = pick_format(catalog["brand_first_formats"], at).replace("{B}", aliases.short)
        return catalog_name(
            pools.names[self.name[i]],
            form,
            bits & STYLE_MASK,
            noun,
            bool(bits & PLURAL),
            aliases.short,
            aliases.acronym,
            line=self.line(self.brand[i], self.form[i]),
            lineage=lineage if form.nouns else "",
            tails=tails,
            brand_first=first,
            lower=lower,
        )

    def twin_of(self, i: int) -> int:
        """The slot of product ``i``'s twin (its second id), or -1."""
        if self.shape[i] & TWIN:
            return i - 1
        if i + 1 < len(self.shape) and self.shape[i + 1] & TWIN:
            return i + 1
        return -1

    def _group_type(self, i: int) -> int:
        return self.pools.group[self.name[i]] << 8 | _TYPES[FORMS[self.form[i]].product_type]

    def alone_in_type(self, i: int) -> bool:
        """Whether no other product (its twin aside) of any brand has a name read like ``i``'s
        in ``i``'s product type: then a name without its brand still says which product."""
        return _count(self.group_types, self._group_type(i)) == (2 if self.twin_of(i) >= 0 else 1)

    def alone_in_brand(self, i: int) -> bool:
        """Whether no other product of ``i``'s brand (its twin aside) has a name read like
        ``i``'s in ``i``'s product type."""
        key = self.brand[i] << 40 | self._group_type(i)
        return _count(self.brand_group_types, key) == (2 if self.twin_of(i) >= 0 else 1)

    def says_form(self, i: int) -> bool:
        """Whether product ``i``'s catalog name says its form (form words, a noun)."""
        form = FORMS[self.form[i]]
        if not form.strain_based:
            return True  # a noun ("gummies") or a whole product name ("beard balm")
        noun = self.style[i] >> NOUN_SHIFT & 7
        words = form.catalog_words[noun % len(form.catalog_words)]
        return bool(self.style[i] & STYLE_MASK and words)

    def brand_in_name(self, i: int) -> bool:
        """Whether product ``i``'s catalog name carries its brand (or the brand's acronym)."""
        style = self.style[i] & STYLE_MASK
        acronym = style == 3 and self.pools.aliases[self.brand[i]].acronym is not None
        return style == 2 or acronym or bool(self.shape[i] & BRAND_FIRST)

    def exact_ok(self, i: int) -> bool:
        """Whether a store may list product ``i`` by the catalog's own text alone: no other
        product's text reads the same (twin aside), either no other brand has a product read
        like it in its type or its text names the brand and the brand has no other, and a text
        that does not say the form is the only product of that name."""
        if not (self.alone_in_type(i) or (self.brand_in_name(i) and self.alone_in_brand(i))):
            return False
        twins = 2 if self.twin_of(i) >= 0 else 1
        if not self.says_form(i) and _count(self.groups, self.pools.group[self.name[i]]) > twins:
            return False  # "Lemon Cake": the flower, or the pre-roll of that name?
        if self._texts is None:
            self._texts = array("q", sorted(_digest(self.jane_name(j)) for j in range(len(self))))
        digest, twin = _digest(self.jane_name(i)), self.twin_of(i)
        shared = twin >= 0 and _digest(self.jane_name(twin)) == digest
        return _count(self._texts, digest) == (2 if shared else 1)

    def rows(self) -> Iterator[tuple[int, str | None, str, str | None, str, str, str | None, str]]:
        """The products as rows of the SQLite table, by id: the primary key index is appended to."""
        brands = self.pools.brands
        texts = array("q")
        for i in sorted(range(len(self.ids)), key=self.ids.__getitem__):
            form = FORMS[self.form[i]]
            name = self.jane_name(i)
            texts.append(_digest(name))
            lineage = "" if self.style[i] & LINEAGE_BLANK else LINEAGES[self.lineage[i]]
            url = f"https://catalog.example/products/{self.ids[i]}/{name.replace(' ', '+')}"
            yield (
                self.ids[i],
                None if self.shape[i] & AMOUNT_HIDDEN else self.amount_text(i) or None,
                brands[self.brand[i]],
                lineage or None,
                name,
                form.product_type,
                form.subtype,
                url,
            )
        self._texts = array("q", sorted(texts))  # written anyway: exact_ok need not redo it

    def write(self, path: Path) -> None:
        """Write the catalog as a SQLite file with the reference ``products`` table (replaced)."""
        path.unlink(missing_ok=True)
        with sqlite3.connect(path) as connection:
            # A throwaway file written in one go: no journal, no fsync.
            connection.execute("PRAGMA journal_mode=OFF")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute("PRAGMA cache_size=-65536")  # 64 MiB: the id index stays in memory
            connection.execute(SCHEMA)
            connection.executemany("INSERT INTO products VALUES (?,?,?,?,?,?,?,?)", self.rows())
        connection.close()


def _quotas(total: int, n_brands: int, rng: random.Random) -> list[int]:
    """Products per brand: a few big brands, a long tail; every brand at least one."""
    weights = [1.0 / (rank + 2) ** 0.8 * (0.5 + rng.random()) for rank in range(n_brands)]
    scale = (total - n_brands) / sum(weights)
    quotas = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(quotas)):
        quotas[i % n_brands] += 1
    return quotas


def _count(keys: array[int], key: int) -> int:
    """How many times ``key`` is in the sorted ``keys``."""
    return bisect_right(keys, key) - bisect_left(keys, key)


def pick_format(formats: list[str], at: int) -> str:
    """The format ``at`` of a list, cycling."""
    return formats[at % len(formats)]


def _digest(name: str) -> int:
    """A 62-bit digest of a name's comparison key: names that read alike get one digest."""
    data = name_key(name).encode()
    return zlib.crc32(data) << 30 ^ zlib.adler32(data)
