"""What a reviewer's decision can teach: a brand alias or a nickname the parser did not know.

When a reviewer links a listing to a catalog product, two things may explain why poslink
could not: the listing wrote the product's brand in a way the catalog's brand names do not
yield ("Elevated Edibles", "BDE"), or it named the strain by a nickname ("PEX" for the brand's
"Pineapple Express", "Granddaddy Purp"). ``propose`` finds both, conservatively: a written
brand is proposed when the listing's brand field (or a span at either end of its name, when it
has no such field) was not read as the chosen product's brand; a nickname only when the
listing's name and the product's differ in one span that *abbreviates* the product's (its
letters in order, the first letter first, touching every word). The reviewer confirms each.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from poslink.domain.brand_names import brand_key
from poslink.domain.learned import BRAND, NICKNAME
from poslink.domain.parser import Parser
from poslink.domain.text import words
from poslink.engines.base import parse_record
from poslink.records import CatalogProduct, PosRecord

MAX_SPAN = 3


@dataclass(frozen=True, slots=True)
class Proposal:
    """One lesson a decision suggests: ``text`` -> ``target`` (``brand``: a nickname's brand)."""

    kind: str
    text: str
    target: str
    brand: str
    example: str
    why: str
    # Whether the console ticks it for confirmation: a brand field unlike the catalog brand
    # (no shared word, no abbreviation) is shown but left for the reviewer to tick.
    suggested: bool = True

    @property
    def key(self) -> str:
        """A stable identifier for a form field."""
        return f"{self.kind}:{self.brand}:{self.text}"


def abbreviates(short: str, long_words: list[str]) -> bool:
    """Whether ``short`` (letters, no spaces) abbreviates these words: its letters appear in
    them in order, the first one first, and every word gives at least one ("pex" for
    "pineapple express", "gdp" for "granddaddy purple", "purp" for "purple")."""
    target = [w for w in long_words if w]
    if len(short) < 2 or not target or short[0] != target[0][0]:
        return False
    if len(short) >= sum(len(w) for w in target):
        return False

    @cache
    def cover(i: int, w: int, c: int, used: bool) -> bool:
        # Can short[i:] be placed from word w, character c ("used": word w gave a letter)?
        if i == len(short):
            return w == len(target) - 1 and used
        if w == len(target):
            return False
        word = target[w]
        if c == len(word):
            return used and cover(i, w + 1, 0, False)
        if short[i] == word[c] and cover(i + 1, w, c + 1, True):
            return True
        return cover(i, w, c + 1, used) or (used and cover(i, w + 1, 0, False))

    return cover(0, 0, 0, False)


@cache
def resembles(written: str, brand: str) -> bool:
    """Whether a written brand (words) may stand for a catalog brand (words): one shares a
    word of four letters or more with the other, or abbreviates it ("bde", "elevated")."""
    a, b = written.split(), brand.split()
    if not a or not b:
        return False
    if {w for w in a if len(w) >= 4} & set(b):
        return True
    return abbreviates(written.replace(" ", ""), b)


def propose(parser: Parser, record: PosRecord, product: CatalogProduct) -> list[Proposal]:
    """What linking ``record`` to ``product`` teaches (see the module docstring)."""
    out: list[Proposal] = []
    target_key = brand_key(product.brand)
    brands = parser.brands
    if target_key and target_key in brands.own:
        out += _brand(parser, record, product, target_key)
    item = parse_record(parser, record)
    mine = parser.parse_catalog(product)
    known = {p.text for p in out if p.kind == BRAND}
    for run in _runs(item.core.split(), set(mine.core.split())):
        # The shortest part of the run that stands for the brand ("bhang" in "bar bhang").
        spans = [
            run[i:j]
            for n in range(1, len(run) + 1)
            for i in range(len(run) - n + 1)
            for j in (i + n,)
        ]
        text = next((" ".join(s) for s in spans if resembles(" ".join(s), target_key)), "")
        if text and target_key and text not in known and brands.aliases.get(text) != target_key:
            why = f'"{text}" in the name is the brand {product.brand}, not part of its name'
            out.append(Proposal(BRAND, text, product.brand, "", record.name, why))
            known.add(text)
    found = _nickname(parser, record, product, item.core, mine.core, target_key)
    if found is not None:
        out.append(found)
    return out


def _nickname(
    parser: Parser,
    record: PosRecord,
    product: CatalogProduct,
    core: str,
    product_core: str,
    target_key: str,
) -> Proposal | None:
    """A nickname: the one span in which the listing's name and the product's differ, when one
    side abbreviates the other ("pex" / "pineapple express"; "capsules" / the catalog's "cap").

    The names are compared as core names first, then as all their words (brand and measures
    out), since a form word the catalog shortens ("cap") is not in the listing's core name.
    """
    pairs = [(core.split(), product_core.split())]
    tokens = parser.words_of(record.name).tokens
    found = parser.brands.find(tokens)
    if found and found[0] == target_key:
        tokens = tokens[: found[1]] + tokens[found[2] :]
    own = parser.words_of(product.name).tokens
    pairs.append((tokens, parser.brands.strip_own(target_key, own) if target_key else own))
    for mine, theirs in pairs:
        said, meant = _difference(mine, theirs)
        if not said or not meant or len(said) > MAX_SPAN or len(meant) > MAX_SPAN + 1:
            continue
        short, full = "".join(said), "".join(meant)
        if abbreviates(short, meant) or abbreviates(full, said):
            text, name = " ".join(said), " ".join(meant)
            why = f'"{text}" is what this listing writes for "{name}" ({product.brand})'
            return Proposal(NICKNAME, text, name, target_key, record.name, why)
    return None


def _brand(
    parser: Parser, record: PosRecord, product: CatalogProduct, target_key: str
) -> list[Proposal]:
    brands = parser.brands
    if record.brand and record.brand.strip():
        key, _ = brands.resolve(record.brand)
        written = words(record.brand)
        if key == target_key or not written:
            return []
        found = None if key else brands.find(words(record.name).split())
        if found and found[0] == target_key:
            # A field naming no catalog brand gives way to the brand the name writes (the
            # parser's rule): the record was read right, and the field ("Dispensary Near
            # Me", a distributor) is no alias to learn.
            return []
        why = f'brand field "{record.brand.strip()}" was read as ' + (
            f'"{key}"' if key else "no catalog brand"
        )
        like = resembles(written, target_key)
        return [Proposal(BRAND, written, product.brand, "", record.name, why, like)]
    tokens = words(record.name).split()
    found = brands.find(tokens)
    if found and found[0] == target_key:
        return []
    product_words = set(words(product.name).split())
    for size in range(min(MAX_SPAN, len(tokens) - 1), 0, -1):
        for span in (tokens[:size], tokens[-size:]):
            text = " ".join(span)
            if set(span) & product_words or text in brands.aliases:
                continue
            if resembles(text, target_key):
                why = f'"{text}" in the name stands for {product.brand}'
                return [Proposal(BRAND, text, product.brand, "", record.name, why)]
    return []


def _runs(tokens: list[str], other: set[str]) -> list[list[str]]:
    """The runs of consecutive words (at most ``MAX_SPAN``) that are not in ``other``."""
    runs: list[list[str]] = [[]]
    for t in tokens:
        if t in other:
            runs.append([])
        else:
            runs[-1].append(t)
    return [r for r in runs if 0 < len(r) <= MAX_SPAN]


def _difference(said: list[str], meant: list[str]) -> tuple[list[str], list[str]]:
    """The one span in which two word lists differ, once their common start and end are cut."""
    start = 0
    while start < min(len(said), len(meant)) and said[start] == meant[start]:
        start += 1
    end = 0
    while end < min(len(said), len(meant)) - start and said[-1 - end] == meant[-1 - end]:
        end += 1
    return said[start : len(said) - end], meant[start : len(meant) - end]
