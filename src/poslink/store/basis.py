"""What a stored decision depends on, as hashes: the record, the rules, the catalog's brand block.

A decision for a record is a function of

- the fields matching reads (the record's *fingerprint*);
- the *rules*: matcher settings, the source's category table, and poslink's own code and domain
  tables (any change to them, or a new release, re-matches everything);
- the catalog's *brands*: every alias and the brand it reads as (which brand a name is read as);
- the catalog products the record is compared with (its *block*): a record read as a catalog
  brand meets only that brand's products, so no other product can change its decision; a
  record without a brand meets every product (``ALL``). One exception: a whole name equal to
  the text of another brand's product, when the brand read from the name has no product of
  that text, is that product ("Exclusive OG Shatter", ``matching.matcher.name_read_past``).
  So a decision carried over to a new catalog must also not have rested on such a product
  (its reason says "whole name" and its product is not of the record's brand), nor may the
  new catalog have one (``CatalogState.elsewhere``).

The brand a record is read as is worked out by parsing it, and only on a run whose catalog
differs from the one the decision was made against.
"""

from __future__ import annotations

import hashlib
import json
import operator
import weakref
from collections.abc import Callable, Iterator
from functools import cache, cached_property
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from importlib.resources.abc import Traversable

from poslink.config import MatcherConfig
from poslink.domain.brands import BrandIndex
from poslink.domain.knowledge import load_category_table
from poslink.domain.text import exact_text
from poslink.matching import CatalogIndex
from poslink.records import RECORD_FIELDS, PosRecord

# The block hash of a brand the catalog does not have.
ABSENT = "-"
# The block of a record without a brand: the whole catalog (no brand key is "*").
ALL = "*"


def _digest(*parts: str) -> str:
    joined = "\x1e".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(joined, digest_size=16).hexdigest()


def record_fields(record: PosRecord) -> dict[str, str | None]:
    """The fields of a record that matching reads."""
    return {f: getattr(record, f) for f in RECORD_FIELDS}


_matching_fields = operator.attrgetter(*RECORD_FIELDS)


def fingerprint(record: PosRecord) -> str:
    """A hash of the fields matching reads: equal fingerprints, equal decisions."""
    return _digest(*["\x00" if v is None else v for v in _matching_fields(record)])


# Code that cannot change a decision: the store itself and the command line.
_NOT_MATCHING = frozenset({"store", "cli", "__pycache__"})


def _package_files(root: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name not in _NOT_MATCHING:
                yield from _package_files(entry, name + "/")
        elif entry.name.endswith((".py", ".toml")):
            yield name, entry


@cache
def code_hash() -> str:
    """poslink's own code and domain tables: a new release or a changed rule changes it."""
    try:
        release = version("poslink")
    except PackageNotFoundError:
        release = "unknown"
    files = [f"{n}:{e.read_text('utf-8')}" for n, e in _package_files(resources.files("poslink"))]
    return _digest(release, *files)


def rules_hash(matcher: MatcherConfig, category_table: str, knowledge: str = "") -> str:
    """The matcher settings, the source's category table and poslink's code and tables; and
    ``knowledge``, the digest of the taught knowledge the run reads (``domain/learned.py``)."""
    table = load_category_table(category_table)
    categories = sorted((k, sorted(v.types), v.default or "") for k, v in table.items())
    parts = [code_hash(), matcher.model_dump_json(), category_table, json.dumps(categories)]
    return _digest(*parts, *([knowledge] if knowledge else []))


# ``brands_hash`` of each brand index alive, by its id: a sync's stores share one index (or one
# per taught knowledge), hashed once instead of once a store. An entry goes with its index.
_BRANDS_HASHES: dict[int, str] = {}


def brands_hash(brands: BrandIndex) -> str:
    """Every alias and which brand it reads as: what decides a record's brand.

    Worked out once per brand index: an index is not changed once built (what is taught makes a
    new one, ``domain.learned.teach``).
    """
    key = id(brands)
    found = _BRANDS_HASHES.get(key)
    if found is None:
        found = _BRANDS_HASHES[key] = _hash_brands(brands)
        weakref.finalize(brands, _BRANDS_HASHES.pop, key, None)
    return found


def _hash_brands(brands: BrandIndex) -> str:
    return _digest(
        json.dumps(sorted(brands.aliases.items())),
        json.dumps(sorted((k, sorted(v)) for k, v in brands.own.items())),
        str(brands.max_words),
    )


class CatalogState:
    """A catalog summarised for the store: its version, and (from its index, built only when
    first asked for) its brand aliases and block hashes.

    A repeated sync against an unchanged catalog compares versions only: no index is built.
    """

    def __init__(self, version: str, index: Callable[[], CatalogIndex]) -> None:
        self.version = version
        self._index = index

    @classmethod
    def of(cls, index: CatalogIndex) -> CatalogState:
        """The state of an index already built."""
        return cls(index.version, lambda: index)

    @cached_property
    def brands(self) -> str:
        """The hash of the catalog's brand aliases (``brands_hash``)."""
        return brands_hash(self._index().brands)

    @cached_property
    def blocks(self) -> dict[str, str]:
        """Each brand's products hashed (in index order: ties are broken by it)."""
        index = self._index()
        hashes: dict[str, hashlib.blake2b] = {}
        for product, key in zip(index.products, index.brand_keys, strict=True):
            h = hashes.get(key)
            if h is None:
                h = hashes[key] = hashlib.blake2b(digest_size=16)
            fields = (product.name, product.brand, product.product_type, product.product_subtype)
            text = "\x1f".join((str(product.id), *fields, product.lineage, product.amount))
            h.update(text.encode("utf-8", "surrogatepass") + b"\x1e")
        # The version is a checksum of every product: the block of brandless records.
        return {**{k: h.hexdigest() for k, h in hashes.items()}, ALL: index.version}

    def block(self, brand_key: str) -> str:
        """The hash of the products a record read as this brand meets (``ABSENT``: none)."""
        return self.blocks.get(brand_key or ALL, ABSENT)

    def elsewhere(self, brand_key: str, name: str, product_id: str | None) -> bool:
        """Whether a record of this name, read as this brand, may be decided by a product of
        another brand in this catalog: products whose whole text is the name, none of this
        brand; or ``product_id`` (its earlier decision) if it is not of this brand."""
        index = self._index()
        keys = index.brand_keys
        places = index.exact_texts().get(exact_text(name), ())
        if places and all(keys[p] != brand_key for p in places):
            return True
        if product_id is None:
            return False
        place = self._places.get(product_id)
        return place is None or keys[place] != brand_key

    @cached_property
    def _places(self) -> dict[str, int]:
        """Each catalog id's position in the index."""
        return {product_id: place for place, product_id in enumerate(self._index().ids)}
