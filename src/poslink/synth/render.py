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

from poslink.synth.forms import Form
from poslink.synth.kushy import name_key, strip_corporate

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


def _candidates(name: str, rng: random.Random) -> tuple[list[tuple[str, float]], list[str]]:
    """Alias candidates of one brand with their weights, before collision checks.

    Also the forms a catalog name may end with, best first: the short name, the name.
    """
    out: list[tuple[str, float]] = [(name, 5.0)]
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
    if "'" in base:
        out.append((base.replace("'", ""), 2.0))
    short = strip_corporate(base)
    if short != base and (len(short.split()) > 1 or len(short) >= 5):
        out += [(short, 3.0), (short.replace("'", ""), 2.0 if "'" in short else 0.0)]
    words = base.split()
    if 2 <= len(words) <= 3:
        out.append(("".join(words), 0.5))
    if 3 <= len(words) <= 4 and all(w[:1].isalpha() and w.lower() != "and" for w in words):
        out.append(("".join(w[0] for w in words).upper(), 0.5))  # "Gold Leaf Gardens": "GLG"
    if not name.isascii():
        out.append((ascii_fold(name), 2.0))
    if len(name_key(base)) >= 8:
        out.append((_one_letter_off(base, rng), 0.7))
    return [(alias, weight) for alias, weight in out if weight > 0], [short, base, name]


@dataclass(frozen=True, slots=True)
class AliasSet:
    """The alias variants of one brand, weighted for drawing."""

    aliases: Weighted[str]
    acronym: str | None  # the brand's own acronym in parentheses ("PTS"), if it has one
    short: str  # the shortest unambiguous written form, for catalog names ("pharmacann")


class BrandAliases:
    """Alias variants of every brand; variants another brand could also be read as are dropped."""

    def __init__(self, names: Sequence[str], rng: random.Random) -> None:
        drawn = [_candidates(name, rng) for name in names]
        candidates = [options for options, _ in drawn]
        owners: dict[str, set[int]] = {}
        for i, options in enumerate(candidates):
            owners.setdefault(name_key(names[i]), set()).add(i)
            for alias, _ in options:
                owners.setdefault(name_key(alias), set()).add(i)
        self._sets: list[AliasSet] = []
        for i, options in enumerate(candidates):
            kept: dict[str, float] = {}
            for alias, weight in options:
                key = name_key(alias)
                if alias not in kept and len(key) >= 2 and owners[key] == {i}:
                    kept[alias] = weight
            if names[i] not in kept:  # the brand's own key is shared: keep its own spelling
                kept = {names[i]: 1.0}
            paren = _PAREN.match(names[i])
            acronym = paren.group(2) if paren and paren.group(2) in kept else None
            short = next(a for a in [*drawn[i][1], names[i]] if a in kept)
            self._sets.append(AliasSet(Weighted(list(kept.items())), acronym, short))

    def __getitem__(self, brand: int) -> AliasSet:
        """The alias set of brand number ``brand``."""
        return self._sets[brand]

    def pick(self, brand: int, rng: random.Random) -> str:
        """One alias of the brand, drawn by weight."""
        return self._sets[brand].aliases.draw(rng)


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
) -> str:
    """A Jane-style catalog name (lower case): the core name, maybe form words, brand or acronym.

    ``style`` 0: plain ("dead cherries"); 1: with the form words ("gelato vaporizer cartridge");
    2: form words and " - brand" ("g6 vaporizer cartridge - gold leaf"); 3: brand acronym first.
    Product forms named by a flavor carry their noun ("1:1 orange gummy"); ``noun`` -1 says the
    core is a whole product name already. For strain forms ``noun`` picks the form words.
    """
    if form.nouns:
        if noun >= 0:
            one, many = form.nouns[noun % len(form.nouns)]
            core = f"{core} {many if plural else one}"
        words = ""
    else:
        words = form.catalog_words[noun % len(form.catalog_words)] if style else ""
    name = f"{core} {words}".strip()
    if style == 2:
        name = f"{name} - {brand_short}"
    elif style == 3 and acronym:
        name = f"{acronym} {name}"
    return name.lower()


@dataclass(slots=True)
class PosName:
    """How one listing's POS name is put together; the weight varies per record."""

    brand: str
    brand_at: int  # 0: at the end, 1: first, 2: first with " - ", 3: left out
    body: str  # core, form words and tags: the name without brand and weight
    weight_tag: str  # e.g. "-{W}-"
    trailing: str  # a stray trailing space, as some POS exports have

    def without_brand(self, weight: str) -> str:
        """The name as a POS with a separate brand column prints it."""
        if not weight:
            return self.body
        # "- 1.0g -" closes toward a brand that is not there: "Chem 4 - 1.0g"
        tag = self.weight_tag.format(W=weight)
        return f"{self.body} {tag[:-2] if tag.endswith(' -') else tag}"

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
            name = f"{self.brand} {self.without_brand(weight)}"
        elif self.brand_at == 2:
            name = f"{self.brand} - {self.without_brand(weight)}"
        else:
            name = self.without_brand(weight)
        return name + self.trailing
