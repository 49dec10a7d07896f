"""A saved catalog index: built once by ``poslink index build``, loaded by later runs.

The file is JSON (plain data, nothing executable): the catalog's version, the checksums of the
domain tables and of the parsing code the index was made with, the brand aliases, the product
ids and profiles and the blocks. A run refuses a file whose catalog, tables or parsing code have
changed since it was built: what a catalog name parses to (its core, its brand) is the code's
as much as the tables', and a stale index would read the catalog otherwise than a fresh one.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from functools import cache
from importlib import resources
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from poslink.domain.brand_ends import NameWords
from poslink.domain.brands import BrandIndex
from poslink.domain.knowledge import knowledge_fingerprint, load_knowledge
from poslink.exceptions import CatalogError
from poslink.files.atomic import AtomicFile
from poslink.matching.index import CatalogIndex, make_blocks
from poslink.matching.profiles import profile_item, profile_key
from poslink.records import CatalogProduct

FORMAT = "poslink-index"
# 4: the blocks are not saved; a load makes them from the products, as a build does.
# 5: which brands' names use each word (``NameWords``) saved, not worked out again on load.
# 6: dotted initials folded into one word ("O.G." is "og"): brand keys and cores differ.
# 7: a profile holds the form hints (what a "live resin cartridge" holds).
FORMAT_VERSION = 7
PRODUCT_FIELDS = ("id", "name", "brand", "product_type", "product_subtype", "lineage", "amount")
# The code that makes what an index holds: the parser and its domain modules, and the index's own.
_PARSING_CODE = ("domain", "matching/index.py", "matching/profiles.py", "matching/saved.py")


@cache
def parsing_fingerprint() -> str:
    """A checksum of the code that parses catalog products into an index (``_PARSING_CODE``)."""
    digest = hashlib.sha256()
    root = resources.files("poslink")
    for part in _PARSING_CODE:
        entry = root.joinpath(part)
        files = sorted(entry.iterdir(), key=lambda e: e.name) if entry.is_dir() else [entry]
        for file in files:
            if file.name.endswith(".py"):
                digest.update(f"{part}/{file.name}\0".encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def save_index(index: CatalogIndex, path: Path) -> None:
    """Write the index to ``path`` atomically."""
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "poslink": package_version("poslink"),
        "knowledge": knowledge_fingerprint(),
        "parsing": parsing_fingerprint(),
        "catalog_version": index.version,
        "brands": {
            "aliases": index.brands.aliases,
            "own": {k: sorted(v) for k, v in index.brands.own.items()},
            "max_words": index.brands.max_words,
            "fuzzy": index.brands._fuzzy,
            "name_words": index.brands.name_words.saved(),
        },
        "products": [[getattr(p, f) for p in index.products] for f in PRODUCT_FIELDS],
        "brand_keys": index.brand_keys,
        "ids": index.ids,
        "profile_of": index.profile_of.tolist(),
        "profiles": [_profile_out(p) for p in map(profile_key, index.profiles)],
        "cores": index.cores,
    }
    out = AtomicFile(path, newline="\n")
    try:
        json.dump(data, out.open(), separators=(",", ":"))
        out.commit()
    except BaseException:
        out.abort()
        raise


def load_index(path: Path, catalog_version: str | None = None) -> CatalogIndex:
    """Read a saved index; refuse it when it does not fit the catalog or the domain tables.

    ``catalog_version`` is the current catalog's version (see ``index.catalog_version``);
    ``None`` skips that check.
    """
    data = _read(path)
    built = data.get("catalog_version")
    if catalog_version is not None and built != catalog_version:
        raise CatalogError(
            f"{path}: the catalog has changed since this index was built; "
            "rebuild it with `poslink index build`"
        )
    if data.get("knowledge") != knowledge_fingerprint():
        raise CatalogError(
            f"{path}: built with other domain tables (poslink {data.get('poslink')}); "
            "rebuild it with `poslink index build`"
        )
    if data.get("parsing") != parsing_fingerprint():
        raise CatalogError(
            f"{path}: built by other parsing code (poslink {data.get('poslink')}); "
            "rebuild it with `poslink index build`"
        )
    try:
        b = data["brands"]
        brands = BrandIndex(
            rules=load_knowledge().brand_rules,
            aliases=dict(b["aliases"]),
            own={k: frozenset(v) for k, v in b["own"].items()},
            max_words=int(b["max_words"]),
            _fuzzy=list(b["fuzzy"]),
        )
        brands.name_words = NameWords.loaded(b["name_words"])
        brands._prepare()
        cores = [str(c) for c in data["cores"]]
        columns = data["products"]
        if len(columns) != len(PRODUCT_FIELDS):
            raise ValueError("product columns")
        shared: dict[str, str] = {}
        products = [
            CatalogProduct(str(pid), str(name), *(shared.setdefault(v, v) for v in rest))
            for pid, name, *rest in zip(*columns, strict=True)
        ]
        sets: dict[frozenset[str], frozenset[str]] = {}
        profiles = [profile_item(_profile_in(p, sets)) for p in data["profiles"]]
        brand_keys = [str(k) for k in data["brand_keys"]]
        profile_of = array("I", data["profile_of"])
        blocks = make_blocks(brand_keys, profiles, profile_of)
        return CatalogIndex(
            products=products,
            brand_keys=brand_keys,
            ids=[p.id for p in products],
            profile_of=profile_of,
            profiles=profiles,
            cores=cores,
            brands=brands,
            blocks=blocks,
            version=str(built),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"{path}: damaged poslink index ({exc!r})") from exc


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise CatalogError(f"{path}: no such index file") from None
    except IsADirectoryError:
        raise CatalogError(f"{path}: not a file") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        # (RecursionError: nested beyond what the recursive json module reads; no index is.)
        raise CatalogError(f"{path}: not a poslink index (not JSON)") from exc
    except OSError as exc:
        raise CatalogError(f"{path}: cannot be read: {exc.strerror}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CatalogError(f"{path}: not a poslink index")
    if data.get("format_version") != FORMAT_VERSION:
        raise CatalogError(
            f"{path}: index format {data.get('format_version')} is not the one this poslink "
            f"reads ({FORMAT_VERSION}); rebuild it with `poslink index build`"
        )
    return data


def _profile_out(key: tuple[Any, ...]) -> list[Any]:
    types, subtypes, lineage, ratio, markers, implied, digits, mg, pack, weight, soft, hints = key
    sets = [sorted(types), sorted(subtypes)]
    return [
        *sets,
        lineage,
        ratio,
        sorted(markers),
        sorted(implied),
        list(digits),
        mg,
        pack,
        weight,
        soft,
        sorted(hints),
    ]


def _profile_in(row: list[Any], shared: dict[frozenset[str], frozenset[str]]) -> tuple[Any, ...]:
    types, subtypes, lineage, ratio, markers, implied, digits, mg, pack, weight, soft, hints = row

    def fs(values: list[str]) -> frozenset[str]:
        value = frozenset(values)
        return shared.setdefault(value, value)

    return (
        fs(types),
        fs(subtypes),
        lineage,
        ratio,
        fs(markers),
        fs(implied),
        tuple(digits),
        None if mg is None else float(mg),
        None if pack is None else int(pack),
        None if weight is None else float(weight),
        bool(soft),
        fs(hints),
    )
