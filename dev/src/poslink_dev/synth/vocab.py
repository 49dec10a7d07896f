"""The generator's own vocabulary of renderings, read from ``synth/data/*.toml``.

``renderings.toml`` holds how stores and catalogs write names (layouts, added words, brand
columns, product lines, duplicates); ``nicknames.toml`` the strain nicknames and short forms.
The generator never reads poslink's parser tables: what it renders is its own data, so the
matcher is measured on renderings it was not built from.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class Layout:
    """A store name's layout: segments with slots ({B} {C} {F} {W}) joined by ``sep``."""

    example: str
    sep: str
    segments: tuple[str, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class Noise:
    """Words a store adds that name no product, where they go and on which families."""

    text: str
    at: str  # "core", "start" or "end"
    families: frozenset[str] | None  # None: any family
    weight: float
    with_form_words: bool  # only in a name that has its form words


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Every table of the two files, typed."""

    shares: dict[str, float]
    layouts: tuple[Layout, ...]
    noise: tuple[Noise, ...]
    thc: dict[str, tuple[float, float]]
    prices: tuple[int, ...]
    lineage_tags: tuple[tuple[str, float], ...]
    pack_tags: tuple[tuple[str, float], ...]
    line_share: float
    vape_line_forms: tuple[str, ...]
    vape_line_words: tuple[str, ...]
    edible_line_forms: tuple[str, ...]
    edible_line_words: tuple[str, ...]
    brand_suffixes: tuple[str, ...]
    generic_first_words: frozenset[str]
    store_categories: dict[str, tuple[tuple[str, float], ...]]
    catalog: dict[str, Any]
    twin_rewrites: tuple[tuple[str, str], ...]
    phrases: dict[str, tuple[str, ...]]  # full strain phrase -> nicknames
    words: dict[str, tuple[str, ...]]  # word -> short forms


def _read(name: str) -> dict[str, Any]:
    text = resources.files("poslink_dev.synth").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _pairs(rows: list[list[Any]]) -> tuple[tuple[str, float], ...]:
    return tuple((str(text), float(weight)) for text, weight in rows)


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary, read once."""
    r = _read("renderings.toml")
    n = _read("nicknames.toml")
    lines, fields, catalog = r["lines"], r["brand_fields"], r["catalog"]
    return Vocabulary(
        shares={k: float(v) for k, v in r["shares"].items()},
        layouts=tuple(
            Layout(x["example"], x["sep"], tuple(x["segments"]), float(x["weight"]))
            for x in r["layouts"]
        ),
        noise=tuple(
            Noise(
                x["text"],
                x["at"],
                frozenset(x["families"]) if "families" in x else None,
                float(x["weight"]),
                bool(x.get("with_form_words", False)),
            )
            for x in r["noise"]
        ),
        thc={k: (float(v[0]), float(v[1])) for k, v in r["thc"].items()},
        prices=tuple(int(p) for p in r["prices"]["dollars"]),
        lineage_tags=_pairs(r["tags"]["lineage_tags"]),
        pack_tags=_pairs(r["tags"]["pack_tags"]),
        line_share=float(lines["share"]),
        vape_line_forms=tuple(lines["vape_forms"]),
        vape_line_words=tuple(lines["vape_words"]),
        edible_line_forms=tuple(lines["edible_forms"]),
        edible_line_words=tuple(lines["edible_words"]),
        brand_suffixes=tuple(fields["suffixes"]),
        generic_first_words=frozenset(fields["generic_first_words"]),
        store_categories={k: _pairs(v) for k, v in r["store_categories"].items()},
        catalog=dict(catalog),
        twin_rewrites=tuple((a, b) for a, b in catalog["twin_rewrites"]),
        phrases={k: tuple(v) for k, v in n["phrases"].items()},
        words={k: tuple(v) for k, v in n["words"].items()},
    )
