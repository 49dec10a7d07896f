"""Loads the domain data files (forms, vocabulary, brand rules, category tables) once."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from poslink.domain.text import words
from poslink.exceptions import ConfigError


@dataclass(frozen=True, slots=True)
class Form:
    """What one form phrase says: a product type, a subtype (may be empty) and its rank."""

    product_type: str
    subtype: str
    rank: int


@dataclass(frozen=True, slots=True)
class Family:
    """A form family: its product type and the broader family it is a kind of (if any)."""

    product_type: str
    parent: str = ""
    plain: str = ""
    # The families of another type this one holds unless its name says otherwise (a
    # cartridge's distillate): named beside it, they say nothing of the product's name.
    holds: frozenset[str] = frozenset()
    # Whether a product named by the family alone is its plain kind, never one of its kinds
    # (a catalog's plain "Pre-Roll" is no infused one; its "Wax" may be any wax).
    apart: bool = False


@dataclass(frozen=True, slots=True)
class BrandRules:
    """How aliases are derived from a catalog brand name."""

    suffixes: tuple[str, ...]
    prefixes: tuple[str, ...]
    common_first_words: frozenset[str]
    first_word_min_length: int
    fuzzy_min_score: float
    fuzzy_min_length: int
    # What makes a brand as written the weaker of two in one name: words of the strain names
    # the whole trade uses, and form phrases ("OG", "Northern Lights", "Hard Candy").
    strain_words: frozenset[str] = frozenset()
    form_names: frozenset[str] = frozenset()
    # Legal forms ("llc", "inc"): after a brand in a name, the brand's words.
    legal_forms: frozenset[str] = frozenset()
    # Words naming a company ("botanicals"): after a brand's first words, another company.
    company_words: frozenset[str] = frozenset()
    # After a brand's whole name, the brand's words: legal forms and a trade's own words.
    company_tails: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Knowledge:
    """All domain tables, normalized to the parser's word form."""

    strong_forms: dict[str, Form]
    weak_forms: dict[str, Form]
    catalog_subtypes: dict[str, str]
    families: dict[str, Family]
    near_families: frozenset[frozenset[str]]
    default_subtype: dict[str, str]
    subtype_veto_types: frozenset[str]
    lineage: dict[str, str]
    markers: dict[str, str]
    lineage_markers: dict[str, str]
    ratio_markers: frozenset[str]
    noise: frozenset[str]
    weight_units: dict[str, float]
    potency_units: dict[str, float]
    volume_units: dict[str, float]
    named_weights: dict[str, float]
    descriptors: frozenset[str]
    flavours: frozenset[str]
    # Written out before anything is read: strain nicknames and forms.toml's [short] forms.
    nicknames: dict[str, str]
    common_names: frozenset[str]
    cbd_strains: frozenset[str]
    lineage_letters: dict[str, str]
    drop_patterns: tuple[str, ...]
    brand_rules: BrandRules
    # forms.toml [unlike]: a word -> the form families (kinds included) a record naming it is not.
    unlike: dict[str, frozenset[str]]
    # forms.toml [shapes]: an edible's shape word -> its shape ("bites", "bar").
    shapes: dict[str, str]

    def kind_of(self, form: str, family: str) -> bool:
        """Whether the form family ``form`` is a kind of ``family`` (at any depth)."""
        for _ in range(8):
            found = self.families.get(form)
            if found is None or not found.parent:
                return False
            form = found.parent
            if form == family:
                return True
        return False

    def compatible(self, a: str, b: str) -> bool:
        """Whether two form families can name one product: equal, or one a kind of the other."""
        return a == b or self.kind_of(a, b) or self.kind_of(b, a)

    def near(self, a: str, b: str) -> bool:
        """Two kinds of one family, or a pair of ``forms.toml [near]`` (or kinds of such)."""
        fams = self.families
        pa = fams[a].parent if a in fams else ""
        pb = fams[b].parent if b in fams else ""
        if pa and pa == pb:
            return True
        return any(
            x and y and frozenset((x, y)) in self.near_families for x in (a, pa) for y in (b, pb)
        )


def _read(name: str) -> dict[str, Any]:
    data = resources.files("poslink.domain").joinpath("data", name).read_text("utf-8")
    return tomllib.loads(data)


def _phrases(table: dict[str, Any]) -> dict[str, Any]:
    return {words(k): v for k, v in table.items()}


@cache
def load_knowledge() -> Knowledge:
    """The package's built-in domain tables."""
    forms = _read("forms.toml")
    vocab = _read("vocab.toml")
    brands = _read("brands.toml")
    strains = _read("strains.toml")
    strong = {k: Form(t, s, int(r)) for k, (t, s, r) in _phrases(forms["strong"]).items()}
    weak = {k: Form(t, s, 0) for k, (t, s) in _phrases(forms["weak"]).items()}
    lineage = _phrases(vocab["lineage"])
    markers = _phrases(vocab["markers"])
    noise = frozenset(words(w) for w in vocab["noise"]["words"])
    families = {
        name: Family(
            str(spec["type"]),
            str(spec.get("parent", "")),
            str(spec.get("plain", "")),
            frozenset(str(h) for h in spec.get("holds", [])),
            bool(spec.get("apart", False)),
        )
        for name, spec in forms["families"].items()
    }
    labels = {
        str(label).lower(): name
        for name, spec in forms["families"].items()
        for label in spec.get("labels", [])
    }
    for form in (*strong.values(), *weak.values()):
        if form.subtype and form.subtype not in families:
            raise ConfigError(f"forms.toml: family {form.subtype!r} is not in [families]")
    near = frozenset(frozenset(pair) for pair in forms["near"]["pairs"])
    unlike = {word: _with_kinds(set(named), families) for word, named in forms["unlike"].items()}
    return Knowledge(
        strong_forms=strong,
        weak_forms=weak,
        catalog_subtypes=labels,
        families=families,
        near_families=near,
        default_subtype=dict(forms["default_subtype"]),
        subtype_veto_types=frozenset(forms["subtype_veto"]["types"]),
        lineage=lineage,
        markers=markers,
        lineage_markers=dict(vocab["lineage_markers"]),
        ratio_markers=frozenset(vocab["ratio_markers"]["markers"]),
        noise=noise,
        weight_units=dict(vocab["units"]["weight"]),
        potency_units=dict(vocab["units"]["potency"]),
        volume_units=dict(vocab["units"]["volume"]),
        named_weights=_phrases(vocab["units"]["named_weight"]),
        descriptors=frozenset(words(w) for w in vocab["descriptors"]["words"]),
        flavours=frozenset(words(w) for w in vocab["flavours"]["words"]),
        nicknames={
            words(k): words(v) for k, v in (*strains["nicknames"].items(), *forms["short"].items())
        },
        common_names=frozenset(words(n) for n in strains["common"]["names"]),
        cbd_strains=frozenset(words(n) for n in strains["cbd"]["names"]),
        lineage_letters={str(k): str(v) for k, v in vocab["lineage_letters"].items()},
        drop_patterns=tuple(str(p) for p in vocab["drop"]["patterns"]),
        brand_rules=BrandRules(
            suffixes=tuple(sorted({words(s) for s in brands["suffixes"]}, key=len, reverse=True)),
            prefixes=tuple(words(p) for p in brands["prefixes"]),
            # A lineage or cannabinoid word is never a brand's alias on its own.
            common_first_words=frozenset(words(w) for w in brands["common_first_words"])
            | frozenset(lineage)
            | frozenset(markers),
            first_word_min_length=int(brands["first_word_min_length"]),
            fuzzy_min_score=float(brands["fuzzy_min_score"]),
            fuzzy_min_length=int(brands["fuzzy_min_length"]),
            strain_words=frozenset(w for n in strains["common"]["names"] for w in words(n).split()),
            form_names=frozenset(strong) | frozenset(weak),
            legal_forms=frozenset(words(w) for w in brands.get("legal_forms", [])),
            company_words=frozenset(words(w) for w in brands.get("company_words", [])),
            company_tails=frozenset(
                words(w) for w in (*brands.get("company_tails", []), *brands.get("legal_forms", []))
            ),
        ),
        unlike={words(w): found for w, found in unlike.items()},
        shapes={words(w): str(shape) for w, shape in forms["shapes"].items()},
    )


def _with_kinds(named: set[str], families: dict[str, Family]) -> frozenset[str]:
    """The families ``named`` and every kind of them, at any depth."""
    unknown = named - set(families)
    if unknown:
        raise ConfigError(f"forms.toml [unlike]: {sorted(unknown)} not in [families]")
    found = set(named)
    for _ in range(8):
        more = {name for name, f in families.items() if f.parent in found} - found
        if not more:
            break
        found |= more
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class CategoryTypes:
    """The product types a POS category may hold, and the one it holds by default (if any)."""

    types: frozenset[str]
    default: str | None = None


@cache
def knowledge_fingerprint() -> str:
    """A checksum of the tables that parse catalog products (forms, vocabulary, brand rules).

    A saved index is only valid with the tables it was built with.
    """
    digest = hashlib.sha256()
    for name in ("forms.toml", "vocab.toml", "brands.toml", "strains.toml"):
        digest.update(resources.files("poslink.domain").joinpath("data", name).read_bytes())
    return digest.hexdigest()[:16]


@cache
def load_category_table(name: str = "default") -> dict[str, CategoryTypes]:
    """A POS category table: normalized category -> the product types it may hold.

    ``name`` is a built-in table (``domain/data/categories/NAME.toml``) or a path to a TOML file
    of the same shape. A table may start from another with ``extends = "NAME"``.
    """
    data = _category_data(name)
    table: dict[str, CategoryTypes] = {}
    base = data.pop("extends", None)
    if base is not None:
        if not isinstance(base, str) or base == name:
            raise ConfigError(f"category table {name}: extends must name another table")
        table.update(load_category_table(base))
    for key, value in data.items():
        if isinstance(value, dict):
            types, default = value.get("types", []), value.get("default")
        else:
            types, default = value, None
        if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types):
            raise ConfigError(f"category table {name}: {key!r} must list product types")
        if default is not None and default not in types:
            raise ConfigError(f"category table {name}: {key!r} default {default!r} not in types")
        table[words(key)] = CategoryTypes(frozenset(types), default)
    return table


def _category_data(name: str) -> dict[str, Any]:
    path = Path(name)
    try:
        if path.suffix == ".toml":
            return tomllib.loads(path.read_text("utf-8"))
        if not name.replace("-", "").replace("_", "").isalnum():
            raise FileNotFoundError(name)
        return _read(f"categories/{name}.toml")
    except FileNotFoundError as exc:
        tables = resources.files("poslink.domain").joinpath("data", "categories").iterdir()
        known = ", ".join(sorted(t.name.removesuffix(".toml") for t in tables))
        raise ConfigError(
            f"category table {name!r} not found (built-in: {known}; or a path to a .toml file)"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"category table {name}: cannot be read: {exc}") from exc
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        # (RecursionError: tomllib is recursive; arrays nested a thousand deep exhaust it.)
        raise ConfigError(f"category table {name}: not valid TOML: {exc}") from exc
