"""What a stored decision depends on, as hashes: the record, the rules, the catalog's brand block.

A decision for a record is a function of

- the fields matching reads (the record's *fingerprint*);
- the *rules*: matcher settings, domain tables, the source's category table, poslink's version;
- the catalog's *brands*: every alias and the brand it reads as (which brand a name is read as);
- the catalog products of the brand the record is read as (its *block*): the matcher only
  compares a record with the products of its own brand (``CatalogIndex.candidates_blocks``),
  so no other product can change its decision.

The block of a matched record is its product's brand; of an unmatched one it is worked out by
parsing the record, and only when the catalog has changed since the decision.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from importlib.resources.abc import Traversable

from poslink.config import MatcherConfig
from poslink.domain.brands import BrandIndex
from poslink.domain.knowledge import load_category_table
from poslink.engines.batch import RECORD_FIELDS
from poslink.matching import CatalogIndex
from poslink.records import PosRecord

# The block hash of a brand the catalog does not have.
ABSENT = "-"


def _digest(*parts: str) -> str:
    joined = "\x1e".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(joined, digest_size=16).hexdigest()


def record_fields(record: PosRecord) -> dict[str, str | None]:
    """The fields of a record that matching reads."""
    return {f: getattr(record, f) for f in RECORD_FIELDS}


def fingerprint(record: PosRecord) -> str:
    """A hash of the fields matching reads: equal fingerprints, equal decisions."""
    return _digest(
        *("\x00" if v is None else v for v in (getattr(record, f) for f in RECORD_FIELDS))
    )


def _data_files(root: Traversable) -> Iterator[Traversable]:
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            yield from _data_files(entry)
        else:
            yield entry


def rules_hash(matcher: MatcherConfig, category_table: str) -> str:
    """The matcher settings, the domain tables, the category table and poslink's version."""
    try:
        release = version("poslink")
    except PackageNotFoundError:
        release = "unknown"
    data = resources.files("poslink.domain").joinpath("data")
    tables = [f"{e.name}:{e.read_text('utf-8')}" for e in _data_files(data)]
    categories = sorted((k, sorted(v)) for k, v in load_category_table(category_table).items())
    return _digest(
        release,
        matcher.model_dump_json(),
        category_table,
        json.dumps(categories),
        *tables,
    )


def brands_hash(brands: BrandIndex) -> str:
    """Every alias and which brand it reads as: what decides a record's brand."""
    return _digest(
        json.dumps(sorted(brands.aliases.items())),
        json.dumps(sorted((k, sorted(v)) for k, v in brands.own.items())),
        str(brands.max_words),
    )


@dataclass(frozen=True)
class CatalogState:
    """A catalog index summarised for the store: its version, brand aliases and blocks."""

    version: str
    brands: str
    blocks: dict[str, str]
    brand_of: dict[int, str | None]

    @classmethod
    def of(cls, index: CatalogIndex) -> CatalogState:
        """Hash each brand's products (in index order: ties are broken by it)."""
        hashes: dict[str, hashlib.blake2b] = {}
        brand_of: dict[int, str | None] = {}
        for product, item in zip(index.products, index.items, strict=True):
            key = item.brand or ""
            # An id under two brands (a table without a key) leaves its brand unknown.
            brand_of[product.id] = key if brand_of.get(product.id, key) == key else None
            h = hashes.get(key)
            if h is None:
                h = hashes[key] = hashlib.blake2b(digest_size=16)
            fields = (product.name, product.brand, product.product_type, product.product_subtype)
            text = "\x1f".join((str(product.id), *fields, product.lineage, product.amount))
            h.update(text.encode("utf-8", "surrogatepass") + b"\x1e")
        return cls(
            version=index.version,
            brands=brands_hash(index.brands),
            blocks={k: h.hexdigest() for k, h in hashes.items()},
            brand_of=brand_of,
        )

    def block(self, brand_key: str) -> str:
        """The hash of one brand's products (``ABSENT`` when the catalog has none)."""
        return self.blocks.get(brand_key, ABSENT)
