"""Reading the public Kushy cannabis data set into clean brands, strains and real products.

The data set is read where it lies (never copied): ``brands.csv``, ``strains.csv`` and
``products.csv``. It is messy in ways this module absorbs: quoted CSV with long HTML fields,
``NULL`` strings, double-encoded UTF-8 ("DÃ©foncÃ©", "Godâ€™s Treat"), trademark signs in brand
names, strain "names" that are crosses or notes ("(Jilly Bean x White Siberian) x Purple Dragon",
"Girl Scout Cookies Thin..."), a ``type`` column that is "Hybrid" for 92% of strains and holds
truncated junk ("Organi", "Indoor") for a few, and product brands that mostly are not in
``brands.csv``.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from poslink_dev.synth.forms import FORMS
from poslink_dev.synth.kushy_forms import (
    FORM_WORDS,
    KUSHY_BRAND_FAMILIES,
    KUSHY_CATEGORIES,
    NOT_STRAINS,
    TOPICAL_WORDS,
)


@dataclass(frozen=True, slots=True)
class Strain:
    """A strain: its display name, lineage (one of forms.LINEAGES) and whether it is curated."""

    name: str
    lineage: str
    curated: bool  # Kushy status 1: the hand-kept strain list, more popular than user entries


@dataclass(frozen=True, slots=True)
class Brand:
    """A brand as it spells itself, and the product families the data set says it sells."""

    name: str
    families: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Product:
    """A real Kushy product: brand, strain or product phrase, and form key (see forms.FORMS)."""

    brand: str
    name: str
    form: str


@dataclass(frozen=True, slots=True)
class KushyData:
    """The cleaned data set: brands and strains deduplicated by :func:`name_key`."""

    brands: tuple[Brand, ...]
    strains: tuple[Strain, ...]
    products: tuple[Product, ...]


# Tails a POS leaves out of a brand ("Cresco Labs" -> "Cresco"), stripped repeatedly.
# fmt: off
_CORPORATE = frozenset(
    {
        "labs", "lab", "laboratories", "inc", "llc", "ltd", "co", "company", "corp",
        "corporation", "brands", "group", "industries", "holdings", "collective", "wellness",
        "extracts", "extraction", "extractions", "farms", "gardens", "cannabis", "cultivation",
    }
)
# fmt: on
_AND_TAIL = re.compile(r"\s+(and|&)\s+.*$", re.IGNORECASE)
_MOJIBAKE = re.compile("[\u00c2-\u00ef][\u0080-\u00bf\u0152-\u0192\u02c6-\u02dc\u2013-\u2122]{1,2}")
_SYMBOLS = str.maketrans({"™": "", "®": "", "©": "", "’": "'", "‘": "'", "“": '"', "”": '"'})
_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENS = re.compile(r"\s*\([^)]*\)")
_BAD_STRAIN = re.compile(r"(?i)\sx\s|[/?(),;:\"]|\.\.\.|-\s|\s-|^\W")
_AMOUNT = re.compile(
    r"(?i)\(([^)]*\d[^)]*)\)|\b\d+(\.\d+)?\s*(mg|g|gr|oz|ml|pk|pack|count|ct|piece|pcs)\b\.?|"
    r"\b(single|pack of \d+)\b|-\s*pre-?roll\b"
)
_AMOUNT_ONLY = re.compile(r"(?i)[\d.\s]*(g|mg|oz|ml|grams?)?")
_SEPARATORS = re.compile(r"\s+-\s*|\s*-\s+|\s*[|,]\s*")
# Where a brand is from, not what it is called: "Dinafem Seeds (SPAIN)" is "Dinafem Seeds".
_REGION = re.compile(r"\s*\((SPAIN|CANADA|NETHERLANDS|UK|CZECH|CO|OR|Test)\)\s*$")


def _fix_mojibake_match(match: re.Match[str]) -> str:
    try:
        return match.group(0).encode("cp1252").decode("utf-8")
    except UnicodeError:
        return match.group(0)


def clean_text(value: str | None) -> str:
    """Repair a field: NULL to empty, double-encoded UTF-8 decoded, signs dropped, spaces tidied."""
    if value is None or value == "NULL":
        return ""
    if not value.isascii():
        value = _MOJIBAKE.sub(_fix_mojibake_match, value).translate(_SYMBOLS)
    return _SPACES.sub(" ", value).strip()


def name_key(text: str) -> str:
    """Comparison key of a name: accents, case, '&' vs 'and' and punctuation folded away."""
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return _NOT_ALNUM.sub("", text.lower().replace("&", "and"))


def strip_corporate(name: str) -> str:
    """The brand without corporate tails and a leading "The" ("The Humboldt Cure Co." -> "Humboldt
    Cure"), as POS systems and people shorten it."""
    stripped = _AND_TAIL.sub("", name) if len(name.split()) > 2 else name
    words = stripped.split()
    while len(words) > 1 and words[-1].lower().strip(".,") in _CORPORATE:
        words.pop()
    if words and words[0].lower() == "the" and len(words) > 1:
        words.pop(0)
    return " ".join(words)


def brand_key(name: str) -> str:
    """Comparison key of a brand: "Kaneh Co" and "Kaneh" are one brand listed twice in Kushy."""
    return name_key(strip_corporate(name)) or name_key(name)


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of one Kushy CSV file as dicts of cleaned strings (missing fields become "")."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # strain descriptions are long HTML
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            yield {key: clean_text(value) for key, value in row.items() if key is not None}


def _strain_name(raw: str) -> str | None:
    """A usable strain name from a raw one, or None for crosses, notes and form words."""
    name = _PARENS.sub("", raw).strip()
    if not 2 <= len(name) <= 30 or _BAD_STRAIN.search(name) or len(name.split()) > 5:
        return None
    if _AMOUNT_ONLY.fullmatch(name) or name.lower() in NOT_STRAINS:  # "1.3G" is a strain there
        return None
    if name.split()[-1].lower() in FORM_WORDS:  # "Sour Diesel Rosin": a product, not a strain
        return None
    return name


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _lineage(row: dict[str, str], name: str) -> str:
    if "cbd" in name.lower().split() or _number(row.get("cbd", "")) > _number(row.get("thc", "")):
        return "cbd"
    kind = row.get("type", "").lower()
    return kind if kind in ("indica", "sativa", "hybrid") else ""  # "Organi", "Indoor": junk


def load_strains(path: Path) -> tuple[Strain, ...]:
    """Usable strains of strains.csv, first spelling of each :func:`name_key` kept."""
    seen: set[str] = set()
    strains: list[Strain] = []
    for row in read_rows(path):
        name = _strain_name(row.get("name", ""))
        if name is None or (key := name_key(name)) in seen or not key:
            continue
        seen.add(key)
        strains.append(Strain(name, _lineage(row, name), row.get("status") == "1"))
    return tuple(strains)


def _product_phrase(name: str, brand: str) -> str | None:
    """A product's own name with brand, amounts, packs and separators taken out, or None."""
    if brand:
        name = re.sub(re.escape(brand), " ", name, flags=re.IGNORECASE)
    name = _AMOUNT.sub(" ", name)
    name = _SEPARATORS.sub(" ", name)
    name = _SPACES.sub(" ", name).strip(" -.,:/&+")
    if not 4 <= len(name) <= 40 or sum(c.isalpha() for c in name) < 4 or "(" in name:
        return None
    return name


def _product_form(category: str, name: str) -> str | None:
    form = KUSHY_CATEGORIES.get(category)
    if form == "lotions":  # Kushy has one "Topical," category: the name says which topical
        lowered = name.lower()
        form = next((f for word, f in TOPICAL_WORDS.items() if word in lowered), form)
    return form


def load_products(path: Path, brand_keys: dict[str, str]) -> tuple[Product, ...]:
    """Real products with a known brand and a form; strain products only when named by strain."""
    products: list[Product] = []
    form_of = {form.key: form for form in FORMS}
    for row in read_rows(path):
        brand = brand_keys.get(brand_key(row.get("brand", "")))
        name = row.get("name", "")
        form_key = _product_form(row.get("category", ""), name)
        if brand is None or form_key is None:
            continue
        if form_of[form_key].strain_based:
            # The strain column is auto-filled junk on many rows ("ACDC" on a cookie); trust it
            # only when the product is named after it ("Gelato - Shatter").
            strain = row.get("strain", "")
            if strain and name.lower().startswith(strain.lower()):
                clean = _strain_name(strain)
                if clean is not None:
                    products.append(Product(brand, clean, form_key))
        else:
            phrase = _product_phrase(name, brand)
            if phrase is not None:
                products.append(Product(brand, phrase, form_key))
    return tuple(products)


def _brand_families(category: str) -> set[str]:
    families: set[str] = set()
    for part in category.split(","):
        families.update(KUSHY_BRAND_FAMILIES.get(part.strip(), ()))
    return families


def load(kushy_dir: Path) -> KushyData:
    """Read and clean the three Kushy files from ``kushy_dir``."""
    names: dict[str, str] = {}  # brand_key -> first spelling
    families: dict[str, set[str]] = {}
    for row in read_rows(kushy_dir / "brands.csv"):
        name = _REGION.sub("", row.get("name", ""))
        key = brand_key(name)
        if len(key) >= 2:
            names.setdefault(key, name)
            families.setdefault(key, set()).update(_brand_families(row.get("category", "")))
    for row in read_rows(kushy_dir / "products.csv"):
        name = row.get("brand", "")
        key = brand_key(name)
        if len(key) >= 2 and key != "unknownproducer":  # the data set's placeholder brand
            names.setdefault(key, name)
            families.setdefault(key, set())
    products = load_products(kushy_dir / "products.csv", names)
    form_family = {form.key: form.family for form in FORMS}
    for product in products:
        families[brand_key(product.brand)].add(form_family[product.form])
    brands = tuple(Brand(name, tuple(sorted(families[key]))) for key, name in names.items())
    return KushyData(brands, load_strains(kushy_dir / "strains.csv"), products)
