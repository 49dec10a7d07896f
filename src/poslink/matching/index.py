"""The catalog index: every catalog product parsed once and blocked by brand and type.

Built once per catalog, pickled to worker processes or broadcast to Spark executors.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from poslink.domain.brands import BrandIndex, brand_key
from poslink.domain.knowledge import Knowledge, load_knowledge
from poslink.domain.parser import Parser
from poslink.domain.text import words
from poslink.records import CatalogProduct, ParsedItem


@dataclass(slots=True)
class Block:
    """The products of one brand and type, with the strings RapidFuzz compares."""

    positions: list[int] = field(default_factory=list)
    sorted_names: list[str] = field(default_factory=list)
    compact_names: list[str] = field(default_factory=list)


@dataclass
class CatalogIndex:
    """Parsed catalog products, blocked by brand key then product type."""

    products: list[CatalogProduct]
    items: list[ParsedItem]
    brands: BrandIndex
    blocks: dict[str, dict[str, Block]]
    by_type: dict[str, Block]
    version: str

    @classmethod
    def build(
        cls, products: Iterable[CatalogProduct], knowledge: Knowledge | None = None
    ) -> CatalogIndex:
        """Parse and block every product (two passes: brands first, then names)."""
        knowledge = knowledge or load_knowledge()
        # Id order, not storage order: every backend (SQLite rowid, PostgreSQL heap) then gives
        # the same index, the same tie-breaks and the same version.
        rows = sorted(products, key=lambda p: p.id)
        name_words: dict[str, set[str]] = defaultdict(set)
        digest = hashlib.sha256()
        for p in rows:
            key = brand_key(p.brand)
            for w in set(words(p.name).split()):
                name_words[w].add(key)
            digest.update(
                f"{p.id}\x1f{p.name}\x1f{p.brand}\x1f{p.product_type}\x1f{p.product_subtype}"
                f"\x1f{p.lineage}\x1f{p.amount}\x1e".encode()
            )
        brands = BrandIndex.build((p.brand for p in rows), knowledge.brand_rules, name_words)
        parser = Parser(knowledge, brands)
        items = [parser.parse_catalog(p) for p in rows]
        version = f"{len(rows)}:{max((p.id for p in rows), default=0)}:{digest.hexdigest()[:16]}"
        return cls.from_parsed(rows, items, brands, version)

    @classmethod
    def from_parsed(
        cls,
        products: list[CatalogProduct],
        items: list[ParsedItem],
        brands: BrandIndex,
        version: str = "",
    ) -> CatalogIndex:
        """Block products already parsed (in catalog order) with the whole catalog's brands.

        ``part`` builds one brand's index this way.
        """
        blocks: dict[str, dict[str, Block]] = {}
        every_brand: dict[str, Block] = {}
        for pos, item in enumerate(items):
            by_type = blocks.setdefault(item.brand or "", {})
            words_sorted, compact = sorted_name(item.core), item.core.replace(" ", "")
            for ptype in item.types or {""}:
                for block in (
                    by_type.setdefault(ptype, Block()),
                    every_brand.setdefault(ptype, Block()),
                ):
                    block.positions.append(pos)
                    block.sorted_names.append(words_sorted)
                    block.compact_names.append(compact)
        return cls(
            products=products,
            items=items,
            brands=brands,
            blocks=blocks,
            by_type=every_brand,
            version=version,
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
        return CatalogIndex.from_parsed(
            [self.products[p] for p in places], [self.items[p] for p in places], self.brands
        )

    def parser(self, category_table: str = "default") -> Parser:
        """A parser for POS records that knows this catalog's brands."""
        return Parser(load_knowledge(), self.brands, category_table)

    def candidates_blocks(self, item: ParsedItem) -> list[Block]:
        """The blocks a record's candidates come from: its brand (or every brand when it names
        none), its possible types."""
        by_type = self.blocks.get(item.brand) if item.brand else self.by_type
        if not by_type:
            return []
        if not item.types:
            return list(by_type.values())
        return [by_type[t] for t in item.types if t in by_type]


def sorted_name(core: str) -> str:
    """Words in sorted order: word order does not tell products apart."""
    return " ".join(sorted(core.split()))
