"""Knowledge the catalog team taught through the review console, as the parser reads it.

Two kinds, each confirmed by a reviewer and stored in the decision store
(``store/knowledge.py`` loads the entries that hold for one run's source and store):

- *brand aliases*: a written brand the catalog's own brand names do not yield ("BDE",
  "Elevated Edibles") -> the catalog brand it stands for;
- *nicknames*: words a store writes for a strain or product name ("pex", "gdp") -> the name
  the catalog uses ("pineapple express"), for one catalog brand or for any.

This is the one hook through which it reaches matching: ``teach`` adds the aliases to a
catalog index's ``BrandIndex`` and hangs this value on it, and ``Parser.parse_words`` calls
``rewrite`` on a record's words once its brand is known. Catalog products are parsed without it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from poslink.domain.brand_names import brand_key
from poslink.domain.brands import BrandIndex
from poslink.domain.text import words

BRAND = "brand"
NICKNAME = "nickname"
KINDS = (BRAND, NICKNAME)


@dataclass(frozen=True, slots=True)
class Lesson:
    """One piece of taught knowledge, normalized: ``text`` and ``target`` in word form.

    ``brand`` is the catalog brand key a nickname holds for ("" for any brand, and for brand
    aliases, whose ``target`` is the catalog brand's name).
    """

    kind: str
    text: str
    target: str
    brand: str = ""


@dataclass(frozen=True)
class LearnedKnowledge:
    """The taught brand aliases and nicknames that hold for one run (see the module doc)."""

    lessons: tuple[Lesson, ...] = ()
    # (brand key or "", first word) -> [(nickname words, name words)], longest nickname first.
    _nicknames: dict[tuple[str, str], list[tuple[tuple[str, ...], tuple[str, ...]]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # catalog brand key -> its taught aliases (as word tuples), longest first.
    _own_aliases: dict[str, list[tuple[str, ...]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        table: dict[tuple[str, str], list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for lesson in self.lessons:
            if lesson.kind == BRAND:
                said = tuple(lesson.text.split())
                self._own_aliases.setdefault(brand_key(lesson.target), []).append(said)
                continue
            said, meant = tuple(lesson.text.split()), tuple(lesson.target.split())
            if said and meant:
                table.setdefault((lesson.brand, said[0]), []).append((said, meant))
        for entries in table.values():
            entries.sort(key=lambda e: len(e[0]), reverse=True)
        for spans in self._own_aliases.values():
            spans.sort(key=len, reverse=True)
        self._nicknames.update(table)

    @classmethod
    def of(cls, lessons: Iterable[Lesson]) -> LearnedKnowledge:
        """The knowledge of these lessons, in a canonical order (equal sets, equal digests)."""
        unique = {(x.kind, x.text, x.brand): x for x in lessons}
        return cls(tuple(unique[k] for k in sorted(unique)))

    def __bool__(self) -> bool:
        return bool(self.lessons)

    @property
    def brand_aliases(self) -> Mapping[str, str]:
        """Written brand (words) -> catalog brand name."""
        return {x.text: x.target for x in self.lessons if x.kind == BRAND}

    def unknown_brands(self, brands: BrandIndex) -> list[tuple[Lesson, str]]:
        """The lessons naming a brand ``brands`` (the catalog) does not have, each with the
        brand as the lesson writes it: an alias of it, or a nickname of its products.
        ``apply`` and ``rewrite`` can never use them."""
        unknown = []
        for x in self.lessons:
            written = x.target if x.kind == BRAND else x.brand
            brand = brand_key(x.target) if x.kind == BRAND else x.brand
            if brand and brand not in brands.own:
                unknown.append((x, written))
        return unknown

    def digest(self) -> str:
        """A hash of every lesson: decisions made with other knowledge are not reused."""
        rows = [[x.kind, x.text, x.target, x.brand] for x in self.lessons]
        return hashlib.blake2b(json.dumps(rows).encode(), digest_size=12).hexdigest()

    def rewrite(self, tokens: list[str], brand: str | None) -> list[str]:
        """A record's words with each taught nickname replaced by the name it stands for, and
        without the taught aliases of its own brand ("INJOY-Tropical Gelato by Cure Injoy":
        once "injoy" is taught for Cure Injoy, it is the brand, not part of the name).

        Nicknames of the record's brand are tried before those of any brand; the longest
        nickname starting at a word wins.
        """
        table = self._nicknames
        if brand and brand in self._own_aliases and len(tokens) > 1:
            tokens = _without(tokens, self._own_aliases[brand])
        if not table:
            return tokens
        out: list[str] = []
        i, n = 0, len(tokens)
        while i < n:
            hit = None
            for scope in (brand or "", ""):
                for said, meant in table.get((scope, tokens[i]), ()):
                    if tuple(tokens[i : i + len(said)]) == said:
                        hit = (said, meant)
                        break
                if hit or not scope:
                    break
            if hit is None:
                out.append(tokens[i])
                i += 1
            else:
                out.extend(hit[1])
                i += len(hit[0])
        return out

    def apply(self, brands: BrandIndex) -> BrandIndex:
        """A copy of ``brands`` that also reads the taught aliases, and carries this knowledge.

        An alias of a brand the catalog does not have is ignored; a taught alias wins over an
        alias derived from the catalog's names (a reviewer confirmed it).
        """
        aliases = dict(brands.aliases)
        for text, target in self.brand_aliases.items():
            key = brand_key(target)
            if key not in brands.own or not text:
                continue
            aliases[text] = key
            aliases[text.replace(" ", "")] = key
        taught = dataclasses.replace(
            brands,
            aliases=aliases,
            max_words=max((len(a.split()) for a in aliases), default=1),
            learned=self,
        )
        taught._prepare()
        return taught


def _without(tokens: list[str], spans: list[tuple[str, ...]]) -> list[str]:
    """``tokens`` without any occurrence of these word spans (longest first); never empty."""
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        for span in spans:
            if tuple(tokens[i : i + len(span)]) == span:
                i += len(span)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out or tokens


def normalize(kind: str, text: str, target: str, brand: str = "") -> Lesson:
    """A lesson from what a person typed; ``ValueError`` when a part is empty or unknown."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    said = words(text)
    if not said:
        raise ValueError(f"{text!r} has no words")
    if kind == BRAND:
        if not target.strip():
            raise ValueError("a brand alias needs the catalog brand it stands for")
        return Lesson(BRAND, said, target.strip(), "")
    meant = words(target)
    if not meant:
        raise ValueError(f"nickname {text!r} needs the name it stands for")
    return Lesson(NICKNAME, said, meant, brand_key(brand) if brand else "")


class Taught(Protocol):
    """What ``teach`` changes: an index's brand index (``matching.CatalogIndex``'s)."""

    brands: BrandIndex


_Index = TypeVar("_Index", bound=Taught)


def teach(index: _Index, learned: LearnedKnowledge) -> _Index:
    """The run's catalog index, made to read the taught knowledge (its brand index replaced).

    Every parser later made from the index (``CatalogIndex.parser``: worker processes, Spark
    executors, the store's validity checks) then reads the aliases and nicknames.
    """
    if learned:
        index.brands = learned.apply(index.brands)
    return index
