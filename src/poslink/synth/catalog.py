"""The generated catalog: compact parallel arrays, the lookups the feed needs, the SQLite writer.

A product is one slot in the arrays: brand index, name index, form index, true lineage, a style
byte (how its Jane name is written) and an amount index. Products of one brand are contiguous.
The key ``brand << 40 | name << 8 | form`` identifies a product; :attr:`Catalog.keys` holds them
sorted, so "does brand B sell name N as form F" is a binary search, not a million-entry set.
"""

from __future__ import annotations

import math
import random
import sqlite3
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path

from poslink.synth.forms import FORMS, LINEAGES
from poslink.synth.pools import FLAVOR, PRODUCT, STRAIN, Pools
from poslink.synth.render import below, catalog_name, pick, says_noun

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
        self.amount = array("b")
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

    def __len__(self) -> int:
        """The number of products."""
        return len(self.ids)

    def _fill_brand(self, brand: int, quota: int, rng: random.Random) -> int:
        """Append up to ``quota`` distinct products of one brand, its real ones first; how many."""
        pools = self.pools
        forms = pools.brand_forms(brand, rng)
        seen: set[int] = set()
        known = list(pools.known.get(brand, ()))
        rng.shuffle(known)
        made = 0
        group = pools.group  # names read alike ("OG Kush", "Kush OG") count as one
        for name, form in known[: quota // 2]:
            if group[name] << 8 | form not in seen:
                seen.add(group[name] << 8 | form)
                self._append(brand, name, form, rng)
                made += 1
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
            self._append(brand, name, form, rng)
            made += 1
        return made

    def _append(self, brand: int, name: int, form: int, rng: random.Random) -> None:
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
        self.brand.append(brand)
        self.name.append(name)
        self.form.append(form)
        self.lineage.append(lineage)
        self.style.append(bits)
        self.amount.append(amount)

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

    def jane_name(self, i: int) -> str:
        """Product ``i``'s catalog name, written Jane's way."""
        bits = self.style[i]
        aliases = self.pools.aliases[self.brand[i]]
        noun = -1 if bits & NO_NOUN else bits >> NOUN_SHIFT & 7
        return catalog_name(
            self.pools.names[self.name[i]],
            FORMS[self.form[i]],
            bits & STYLE_MASK,
            noun,
            bool(bits & PLURAL),
            aliases.short,
            aliases.acronym,
        )

    def rows(self) -> Iterator[tuple[int, str | None, str, str | None, str, str, str | None, str]]:
        """The products as rows of the SQLite table, by id: the primary key index is appended to."""
        brands = self.pools.brands
        for i in sorted(range(len(self.ids)), key=self.ids.__getitem__):
            form = FORMS[self.form[i]]
            name = self.jane_name(i)
            lineage = "" if self.style[i] & LINEAGE_BLANK else LINEAGES[self.lineage[i]]
            url = f"https://catalog.example/products/{self.ids[i]}/{name.replace(' ', '+')}"
            yield (
                self.ids[i],
                self.amount_text(i) or None,
                brands[self.brand[i]],
                lineage or None,
                name,
                form.product_type,
                form.subtype,
                url,
            )

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
