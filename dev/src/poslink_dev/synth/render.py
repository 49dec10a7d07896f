"""Writing names: brand alias variants, typos, casing, Jane catalog names and POS names.

Everything random takes the caller's ``random.Random``, so a seed fixes every name.
"""

from __future__ import annotations

import random
import re
import unicodedata
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

from poslink_dev.synth.forms import Form
from poslink_dev.synth.kushy import name_key, strip_corporate
from poslink_dev.synth.vocab import vocabulary

_PAREN = re.compile(r"^(.*?)\s*\(([^)]+)\)\s*(.*)$")
_RATIO_FIRST = re.compile(r"^(\d+:\d+) (.+)$")

T = TypeVar("T")


def pick(values: Sequence[T], rng: random.Random) -> T:
    """One of ``values``, uniformly (cheaper than ``rng.choice``, which the hot paths feel)."""
    return values[int(rng.random() * len(values))]


def below(n: int, rng: random.Random) -> int:
    """A uniform integer in ``range(n)``."""
    return int(rng.random() * n)


class Weighted(Generic[T]):
    """Values with weights, drawn by one bisection (``rng.choices`` costs more per call)."""

    __slots__ = ("_cum", "_total", "values")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.values: tuple[T, ...] = tuple(value for value, _ in pairs)
        self._cum = list(accumulate(weight for _, weight in pairs))
        self._total = self._cum[-1]

    def draw(self, rng: random.Random) -> T:
        """One value, drawn by weight."""
        return self.values[bisect(self._cum, rng.random() * self._total)]


def capwords(text: str) -> str:
    """Each space-separated word capitalized, the rest lowered ("OG Kush" -> "Og Kush")."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))


def ascii_fold(text: str) -> str:
    """The text with accents stripped, as a POS keyboard types it ("Señor" -> "Senor")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def recase(text: str, rng: random.Random) -> str:
    """The text as written (mostly), or capitalized word by word, upper or lower case."""
    roll = rng.random()
    if roll < 0.75:
        return text
    if roll < 0.85:
        return capwords(text)
    if roll < 0.93:
        return text.upper()
    return text.lower()


def typo(text: str, rng: random.Random) -> str | None:
    """One letter dropped, doubled or swapped with its neighbour; never a digit, never short names.

    Returns None when the text is shorter than 6 characters or offers no letter to change.
    """
    if len(text) < 6:
        return None
    letters = [i for i in range(1, len(text)) if text[i].isalpha()]
    if not letters:
        return None
    i = rng.choice(letters)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    swappable = i + 1 < len(text) and text[i + 1].isalpha()
    if kind == 2 and swappable and text[i + 1].lower() != text[i].lower():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i] + text[i:]


def _one_letter_off(name: str, rng: random.Random) -> str:
    positions = [i for i in range(2, len(name)) if name[i].isalpha() and name[i - 1].isalpha()]
    i = rng.choice(positions)
    return name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")  # "HeadSpace" -> "Head Space"


@dataclass(frozen=True, slots=True)
class _Options:
    """One brand's candidate spellings: in names, in a Brand column; the catalog's forms."""

    names: list[tuple[str, float]]
    fields: list[tuple[str, float]]
    shorts: list[str]  # the forms a catalog name may end with, best first
    suffixed: str  # the name with a corporate suffix added ("Vana LLC"), or ""
    base: str  # the name it was added to


def _candidates(name: str, rng: random.Random, banned: frozenset[str]) -> _Options:
    """Alias candidates of one brand with their weights, before collision checks.

    ``banned``: folded words a brand's first word may not be (any strain or flavor word), so
    that a first word written alone never reads as part of a product's name.
    """
    vocab = vocabulary()
    suffixed = ""
    out: list[tuple[str, float]] = [(name, 5.0)]
    fields: list[tuple[str, float]] = [(name, 6.0), (name.upper(), 1.0)]
    if len(name) <= 14 and name.upper() != name:
        out.append((name.upper(), 1.0))
    if capwords(name) != name:
        out.append((capwords(name), 1.0))
    out.append((name.lower(), 0.3))
    base = name
    paren = _PAREN.match(name)
    if paren:  # "Progressive Treatment Solutions (PTS)": "PTS" alone, or the name without it
        base = f"{paren.group(1)} {paren.group(3)}".strip()
        out += [(paren.group(2), 3.0), (base, 2.0)]
        fields += [(paren.group(2), 1.0), (base, 1.0)]
    if "'" in base:
        out.append((base.replace("'", ""), 2.0))
    short = strip_corporate(base)
    if short != base and (len(short.split()) > 1 or len(short) >= 5):
        out += [(short, 3.0), (short.replace("'", ""), 2.0 if "'" in short else 0.0)]
        fields.append((short, 1.5))  # "Vana LLC" written "Vana"
    elif short == base and base[-1:].isalnum():  # "Vana" written "Vana LLC"
        suffixed = f"{base} {pick(vocab.brand_suffixes, rng)}"
        fields.append((suffixed, 1.0))
    bare = base.strip(".,!-*")
    if bare != base and len(bare) >= 3:  # "ghost." written "Ghost"
        out += [(bare, 1.0), (bare.capitalize(), 1.0)]
        fields += [(bare, 1.0), (bare.capitalize(), 1.0)]
    words = base.split()
    if 2 <= len(words) <= 3:
        out.append(("".join(words), 0.5))
    if 3 <= len(words) <= 4 and all(w[:1].isalpha() and w.lower() != "and" for w in words):
        acronym = "".join(w[0] for w in words).upper()  # "Gold Leaf Gardens": "GLG"
        out.append((acronym, 0.5))
        fields.append((acronym, 0.5))
    first = words[0] if words else ""
    if (
        len(words) >= 2
        and first.isalpha()
        and len(first) >= 4
        and first.lower() not in vocab.generic_first_words
        and name_key(first) not in banned
    ):  # "Gonzo Family Farms": "Gonzo"
        out.append((first, 1.0))
        fields.append((first, 1.5))
    camel = _CAMEL.sub(" ", base)
    if camel != base:  # "HeadSpace Alchemy": "Head Space Alchemy", "Head Space"
        out.append((camel, 1.0))
        fields.append((camel, 1.0))
        camel_first = _CAMEL.sub(" ", first)
        if camel_first != first and len(words) >= 2:
            out.append((camel_first, 1.0))
            fields.append((camel_first, 1.0))
    if not name.isascii():
        out.append((ascii_fold(name), 2.0))
    if len(name_key(base)) >= 8:
        out.append((_one_letter_off(base, rng), 0.7))
    return _Options(
        [(a, w) for a, w in out if w > 0],
        [(a, w) for a, w in fields if w > 0],
        [short, base, name],
        suffixed,
        base,
    )


@dataclass(frozen=True, slots=True)
class AliasSet:
    """The alias variants of one brand, weighted for drawing."""

    aliases: Weighted[str]
    fields: Weighted[str]  # how a Brand column writes it (the catalog's spelling, mostly)
    acronym: str | None  # the brand's own acronym in parentheses ("PTS"), if it has one
    short: str  # the shortest unambiguous written form, for catalog names ("pharmacann")


class BrandAliases:
    """Alias variants of every brand; variants another brand could also be read as are dropped."""

    def __init__(
        self, names: Sequence[str], rng: random.Random, banned: frozenset[str] = frozenset()
    ) -> None:
        drawn = [_candidates(name, rng, banned) for name in names]
        owners: dict[str, set[int]] = {}
        for i, options in enumerate(drawn):
            owners.setdefault(name_key(names[i]), set()).add(i)
            for alias, _ in [*options.names, *options.fields]:
                owners.setdefault(name_key(alias), set()).add(i)
        self._sets: list[AliasSet] = []
        for i, options in enumerate(drawn):
            kept = self._own(options.names, owners, i)
            if names[i] not in kept:  # the brand's own key is shared: keep its own spelling
                kept = {names[i]: 1.0}
            fields = self._own(options.fields, owners, i)
            if options.suffixed and owners[name_key(options.base)] != {i}:
                # "Cresco Inc" could be "Cresco" or "Cresco Labs": only a name no other brand
                # shortens to takes a suffix
                fields.pop(options.suffixed, None)
            if names[i] not in fields:
                fields = {names[i]: 6.0, **fields}
            paren = _PAREN.match(names[i])
            acronym = paren.group(2) if paren and paren.group(2) in kept else None
            short = next(a for a in [*options.shorts, names[i]] if a in kept)
            self._sets.append(
                AliasSet(
                    Weighted(list(kept.items())), Weighted(list(fields.items())), acronym, short
                )
            )

    @staticmethod
    def _own(
        options: list[tuple[str, float]], owners: dict[str, set[int]], i: int
    ) -> dict[str, float]:
        """The options only brand ``i`` could be read as, first weight of each spelling kept."""
        kept: dict[str, float] = {}
        for alias, weight in options:
            key = name_key(alias)
            if alias not in kept and len(key) >= 2 and owners[key] == {i}:
                kept[alias] = weight
        return kept

    def __getitem__(self, brand: int) -> AliasSet:
        """The alias set of brand number ``brand``."""
        return self._sets[brand]

    def pick(self, brand: int, rng: random.Random) -> str:
        """One alias of the brand, drawn by weight."""
        return self._sets[brand].aliases.draw(rng)

    def field(self, brand: int, rng: random.Random) -> str:
        """How a Brand column writes the brand: one of its field spellings, drawn by weight."""
        return self._sets[brand].fields.draw(rng)


def says_noun(flavor: str, noun: str) -> bool:
    """Whether a flavor already names the noun: "Brownie Pop" needs no "Brownie" after it."""
    words = set(flavor.lower().split())
    return any(word in words for word in noun.lower().split())


def split_ratio(core: str) -> tuple[str, str]:
    """("1:1", "orange") for "1:1 orange"; ("", core) when the name does not start with a ratio."""
    match = _RATIO_FIRST.match(core)
    return (match.group(1), match.group(2)) if match else ("", core)


def catalog_name(
    core: str,
    form: Form,
    style: int,
    noun: int,
    plural: bool,
    brand_short: str,
    acronym: str | None,
    *,
    line: str = "",
    lineage: str = "",
    tails: Sequence[str] = (),
    brand_first: str = "",
    lower: bool = True,
) -> str:
    """A Jane-style catalog name (lower case): the core name, maybe form words, brand or acronym.

    ``style`` 0: plain ("dead cherries"); 1: with the form words ("gelato vaporizer cartridge");
    2: form words and " - brand" ("g6 vaporizer cartridge - gold leaf"); 3: brand acronym first.
    Product forms named by a flavor carry their noun ("1:1 orange gummy"); ``noun`` -1 says the
    core is a whole product name already. For strain forms ``noun`` picks the form words.

    ``line``: a product line's word, before the core (strain forms: "elite gelato") or before
    the noun (product forms: "huckleberry enhanced gummies"); ``lineage``: a lineage word before
    the noun ("marionberry indica enhanced gummies"); ``tails``: formats of "{N}" (the name so
    far) applied in turn before the brand ("{N} 3.5g", "{N} (indica)"); ``brand_first``: a
    format of "{N}" with the brand first ("enchanted botanicals - {N}"), for styles 0 and 1.
    ``lower`` False leaves the case of the parts (the text as the producer wrote it).
    """
    if form.nouns:
        if noun >= 0:
            one, many = form.nouns[noun % len(form.nouns)]
            middle = " ".join(w for w in (lineage, line) if w)
            core = (
                f"{core} {middle} {many if plural else one}"
                if middle
                else f"{core} {many if plural else one}"
            )
        words = ""
    else:
        core = f"{line} {core}" if line else core
        words = form.catalog_words[noun % len(form.catalog_words)] if style else ""
    name = f"{core} {words}".strip()
    for tail in tails:
        name = tail.replace("{N}", name)
    if style == 2:
        name = f"{name} - {brand_short}"
    elif style == 3 and acronym:
        name = f"{acronym} {name}"
    elif brand_first:
        name = brand_first.replace("{N}", name)
    return name.lower() if lower else name


@dataclass(slots=True)
class PosName:
    """How one listing's POS name is put together; the weight varies per record."""

    brand: str
    brand_at: int  # 0: at the end, 1: first, 2: first with " - ", 3: left out
    body: str  # core, form words and tags: the name without brand and weight
    weight_tag: str  # e.g. "-{W}-"
    trailing: str  # a stray trailing space, as some POS exports have
    start: str = ""  # words before the name that name no product ("BOGO")
    end: str = ""  # and after it ("(REC)", "$30")

    def _wrap(self, name: str) -> str:
        if self.start:
            name = f"{self.start} {name}"
        if self.end:
            name = f"{name} {self.end}"
        return name + self.trailing

    def _short(self, weight: str) -> str:
        if not weight:
            return self.body
        # "- 1.0g -" closes toward a brand that is not there: "Chem 4 - 1.0g"
        tag = self.weight_tag.format(W=weight)
        return f"{self.body} {tag[:-2] if tag.endswith(' -') else tag}"

    def without_brand(self, weight: str) -> str:
        """The name as a POS with a separate brand column prints it."""
        return self._wrap(self._short(weight))

    def full(self, weight: str) -> str:
        """The whole POS name, brand included."""
        tag = self.weight_tag.format(W=weight) if weight else ""
        if self.brand_at == 0:
            if not tag:  # "Dark Chocolate Sea Salt -SATIVA- Gold Leaf"
                dash = "" if self.body.endswith("-") else " -"
                name = f"{self.body}{dash} {self.brand}"
            elif tag.endswith("-"):
                name = f"{self.body} {tag} {self.brand}"
            else:
                name = f"{self.body} {tag} - {self.brand}"
        elif self.brand_at == 1:
            name = f"{self.brand} {self._short(weight)}"
        elif self.brand_at == 2:
            name = f"{self.brand} - {self._short(weight)}"
        else:
            name = self._short(weight)
        return self._wrap(name)
