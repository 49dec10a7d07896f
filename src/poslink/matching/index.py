"""The catalog index: every catalog product parsed once and blocked by brand and type.

Built once per catalog, saved to a file (``saved.py``), inherited by worker processes or
broadcast to Spark executors. It is kept compact for million-product catalogs: per product
the product (its short fields shared), its core name, the strings RapidFuzz compares and a
reference to its *profile* (``profiles.py``), the other attributes the vetoes read, which a
few thousand distinct objects cover.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from poslink.catalogs.base import id_order
from poslink.domain.brand_names import brand_key
from poslink.domain.brands import BrandIndex
from poslink.domain.knowledge import Knowledge, load_knowledge
from poslink.domain.parser import Parser
from poslink.domain.text import exact_text, fold, folded_words
from poslink.matching.profiles import Profile, parse_products, profile_item
from poslink.matching.words import BrandWords
from poslink.records import CatalogProduct, ParsedItem


@dataclass(slots=True)
class Block:
    """The products of one brand and type, by position."""

    positions: array[int] = field(default_factory=lambda: array("I"))


class Fingerprint:
    """A catalog's version: row count, highest id and a checksum of every field."""

    def __init__(self) -> None:
        self.count = 0
        self.max_id = "0"
        self._digest = hashlib.sha256()

    def add(self, p: CatalogProduct) -> None:
        """Count one product (products are counted in ``id_order``: the last has the highest)."""
        self.count += 1
        self.max_id = p.id
        self._digest.update(
            f"{p.id}\x1f{p.name}\x1f{p.brand}\x1f{p.product_type}\x1f{p.product_subtype}"
            f"\x1f{p.lineage}\x1f{p.amount}\x1e".encode()
        )

    @property
    def version(self) -> str:
        """``count:max_id:checksum``."""
        return f"{self.count}:{self.max_id}:{self._digest.hexdigest()[:16]}"


def _by_id(p: CatalogProduct) -> tuple[int, int, str]:
    return id_order(p.id)


def catalog_version(products: Iterable[CatalogProduct]) -> str:
    """The version ``CatalogIndex.build`` gives these products, without building anything."""
    fp = Fingerprint()
    for p in sorted(products, key=_by_id):
        fp.add(p)
    return fp.version


def _lean(products: Iterable[CatalogProduct]) -> list[CatalogProduct]:
    """The products with one string object per distinct short field (brand, type, ...)."""
    shared: dict[str, str] = {}
    return [
        CatalogProduct(
            p.id,
            p.name,
            *(shared.setdefault(v, v) for v in (p.brand, p.product_type, p.product_subtype)),
            *(shared.setdefault(v, v) for v in (p.lineage, p.amount)),
        )
        for p in products
    ]


@dataclass
class CatalogIndex:
    """Parsed catalog products, blocked by brand key then product type.

    A product is known by its *position* (in id order): ``products[position]`` is the product,
    ``brand_keys[position]`` its brand key, ``ids[position]`` its id and
    ``profiles[profile_of[position]]`` what the vetoes compare besides its core name.
    """

    products: list[CatalogProduct]
    brand_keys: list[str]
    ids: list[str]
    profile_of: array[int]
    profiles: list[ParsedItem]
    cores: list[str]
    brands: BrandIndex
    blocks: dict[str, dict[str, Block]]
    version: str
    # Exact names (sorted words, and words without spaces) -> positions: built with the index
    # (on first use for a loaded one); records that name no brand are looked up here.
    _exact: dict[str, int | list[int]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    # Whole catalog names (``text.exact_text``) -> positions, and each brand's word
    # statistics: worked out on first use, in each process that uses them.
    _texts: dict[str, list[int]] | None = field(default=None, init=False, repr=False, compare=False)
    _brand_words: dict[str, BrandWords] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _word_brands: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _shared_names: frozenset[str] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _postings: dict[str, list[int]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @classmethod
    def build(
        cls,
        products: Iterable[CatalogProduct],
        knowledge: Knowledge | None = None,
        workers: int | None = None,
    ) -> CatalogIndex:
        """Parse and block every product (two passes: brands first, then names).

        Names are parsed on ``workers`` processes (default: every core from
        ``profiles.PARALLEL_FROM`` products, else one); the index is the same whatever their
        number.
        """
        knowledge = knowledge or load_knowledge()
        # Id order, not storage order: every backend (SQLite rowid, PostgreSQL heap) then gives
        # the same index, the same tie-breaks and the same version.
        kept = _lean(products)
        kept.sort(key=_by_id)
        fp = Fingerprint()
        for p in kept:
            fp.add(p)
        folded_names = [fold(p.name) for p in kept]
        keys, name_words = words_by_brand(kept, folded_names)
        brands = BrandIndex.build(keys, knowledge.brand_rules, name_words)
        del name_words
        parser = Parser(knowledge, brands)
        profile_of: array[int] = array("I")
        numbers: dict[Profile, int] = {}
        cores: list[str] = []
        brand_keys: list[str] = []
        for brand, core, profile in parse_products(parser, kept, folded_names, workers):
            brand_keys.append(brand)
            cores.append(core)
            profile_of.append(numbers.setdefault(profile, len(numbers)))
        profiles = [profile_item(k) for k in numbers]
        blocks = make_blocks(brand_keys, profiles, profile_of)
        index = cls(
            products=kept,
            brand_keys=brand_keys,
            ids=[p.id for p in kept],
            profile_of=profile_of,
            profiles=profiles,
            cores=cores,
            brands=brands,
            blocks=blocks,
            version=fp.version,
        )
        # Built here, once, rather than on first use in every worker process.
        index._exact = exact_names(cores)
        return index

    def exact_positions(self, *names: str) -> set[int]:
        """The products of any brand whose sorted or space-free core name is one of ``names``."""
        if self._exact is None:
            self._exact = exact_names(self.cores)
        found: set[int] = set()
        for name in names:
            hit = self._exact.get(name)
            if isinstance(hit, list):
                found.update(hit)
            elif hit is not None:
                found.add(hit)
        return found

    def exact_texts(self) -> dict[str, list[int]]:
        """Each product's whole name (case and spacing aside) -> the products having it."""
        if self._texts is None:
            texts: dict[str, list[int]] = {}
            for pos, p in enumerate(self.products):
                texts.setdefault(exact_text(p.name), []).append(pos)
            self._texts = texts
        return self._texts

    def text_brands(self) -> dict[str, frozenset[str]]:
        """Each product's whole name -> the brand keys of the products having it."""
        keys = self.brand_keys
        return {t: frozenset(keys[p] for p in ps) for t, ps in self.exact_texts().items()}

    def shared_names(self) -> frozenset[str]:
        """The whole names (as their words alone, punctuation aside: "og kush - crumble" and
        "OG Kush Crumble" are one) that products of more than one brand have."""
        if self._shared_names is None:
            keys = self.brand_keys
            owner: dict[str, str] = {}
            shared: set[str] = set()
            for text, places in self.exact_texts().items():
                name = folded_words(text)
                for p in places:
                    if owner.setdefault(name, keys[p]) != keys[p]:
                        shared.add(name)
            self._shared_names = frozenset(shared)
        return self._shared_names

    def word_postings(self) -> dict[str, list[int]]:
        """Each word of the catalog's core names -> the products having it (for review)."""
        if self._postings is None:
            postings: dict[str, list[int]] = {}
            for pos, core in enumerate(self.cores):
                for word in set(core.split()):
                    postings.setdefault(word, []).append(pos)
            self._postings = postings
        return self._postings

    def word_brands(self) -> dict[str, str]:
        """The words of product names that one brand's products alone use -> that brand."""
        if self._word_brands is None:
            owners: dict[str, str] = {}
            shared: set[str] = set()
            for brand, core in zip(self.brand_keys, self.cores, strict=True):
                for word in core.split():
                    had = owners.setdefault(word, brand)
                    if had != brand:
                        shared.add(word)
            self._word_brands = {w: b for w, b in owners.items() if w not in shared and b}
        return self._word_brands

    def brand_words(self, brand: str) -> BrandWords | None:
        """The word statistics of one brand's products (none: not a catalog brand)."""
        found = self._brand_words.get(brand)
        if found is None:
            blocks = self.blocks.get(brand)
            if not blocks:
                return None
            places = sorted({p for block in blocks.values() for p in block.positions})
            profiles, profile_of = self.profiles, self.profile_of
            found = BrandWords.build(
                places,
                self.cores,
                [profiles[profile_of[p]].subtypes for p in places],
                [self.products[p].name for p in places],
            )
            self._brand_words[brand] = found
        return found

    def __len__(self) -> int:
        return len(self.ids)

    def product_id(self, position: int) -> str:
        """The catalog id of the product at ``position``."""
        return self.ids[position]

    def item(self, position: int) -> ParsedItem:
        """What ``score.compare`` reads of the product at ``position``: profile and core name."""
        p = self.profiles[self.profile_of[position]]
        return ParsedItem(
            brand=None,
            core=self.cores[position],
            types=p.types,
            subtypes=p.subtypes,
            lineage=p.lineage,
            ratio=p.ratio,
            markers=p.markers,
            implied=p.implied,
            digits=p.digits,
            potency_mg=p.potency_mg,
            pack=p.pack,
            weight_g=p.weight_g,
            lineage_soft=p.lineage_soft,
            hints=p.hints,
        )

    def part(self, brand: str | None) -> CatalogIndex:
        """The products the records of one brand key can meet, as an index of their own.

        ``None`` stands for records that name no brand: they meet every product. The part
        decides those records exactly as this whole index does (same brands, same product
        order); Spark's join path ships parts to the records of their key instead of
        broadcasting the whole index. A brand the catalog lacks gives an empty part.
        """
        if brand is None:
            return self
        blocks = self.blocks.get(brand, {})
        places = sorted({p for block in blocks.values() for p in block.positions})
        profile_of: array[int] = array("I", (self.profile_of[p] for p in places))
        cores = [self.cores[p] for p in places]
        brand_keys = [self.brand_keys[p] for p in places]
        part_blocks = make_blocks(brand_keys, self.profiles, profile_of)
        return CatalogIndex(
            products=[self.products[p] for p in places],
            brand_keys=brand_keys,
            ids=[self.ids[p] for p in places],
            profile_of=profile_of,
            profiles=self.profiles,
            cores=cores,
            brands=self.brands,
            blocks=part_blocks,
            version=self.version,
        )

    def parser(self, category_table: str = "default") -> Parser:
        """A parser for POS records that knows this catalog's brands and whole names."""
        return Parser(load_knowledge(), self.brands, category_table, self.exact_texts())


def words_by_brand(
    products: Sequence[CatalogProduct], folded_names: Sequence[str]
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Each brand as written -> its key, and each word of the products' names (``folded_names``)
    -> the brand keys whose names use it."""
    keys: dict[str, str] = {}
    name_words: dict[str, set[str]] = defaultdict(set)
    for p, name in zip(products, folded_names, strict=True):
        key = keys.get(p.brand)
        if key is None:
            key = keys[p.brand] = brand_key(p.brand)
        for w in set(folded_words(name).split()):
            name_words[w].add(key)
    return keys, name_words


def exact_names(cores: list[str]) -> dict[str, int | list[int]]:
    """Each core name's sorted and space-free forms -> the positions of the products having it."""
    exact: dict[str, int | list[int]] = {}
    for pos, core in enumerate(cores):
        for key in (sorted_name(core), core.replace(" ", "")):
            had = exact.setdefault(key, pos)
            if isinstance(had, list):
                if had[-1] != pos:  # positions come in order: a repeat is the last one
                    had.append(pos)
            elif had != pos:
                exact[key] = [had, pos]
    return exact


def sorted_name(core: str) -> str:
    """Words in sorted order: word order does not tell products apart."""
    return " ".join(sorted(core.split()))


def make_blocks(
    brand_keys: Sequence[str], profiles: Sequence[ParsedItem], profile_of: Sequence[int]
) -> dict[str, dict[str, Block]]:
    """The products blocked by brand key then type, each block in position order; a product of
    no known type in the type "" block."""
    blocks: dict[str, dict[str, Block]] = {}
    for pos, brand in enumerate(brand_keys):
        by_type = blocks.get(brand)
        if by_type is None:
            by_type = blocks[brand] = {}
        for ptype in profiles[profile_of[pos]].types or {""}:
            block = by_type.get(ptype)
            if block is None:
                block = by_type[ptype] = Block()
            block.positions.append(pos)
    return blocks
