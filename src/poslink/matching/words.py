"""What a brand's catalog says about its own words: which tell its products apart.

A word that most of a brand's products carry ("enhanced" of WYLD's "... Enhanced Gummies",
"elite" of The Clear's cartridges) tells nothing about which of them a record is, so a record
may leave it out; a strain or flavour word tells a lot. A word that only one form of the
brand's products carries (a product line: "Las Frescas" disposables, "Twax" infused pre-rolls)
says that form. A product whose name names nothing but its form ("Vape Cart") is the brand's
generic product of that form. All of it is learned from the catalog when first needed, per
brand, not from a hand list.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from poslink.domain.text import words

# A word in at least this share of a brand's products (and in 3 or more) is a line word.
LINE_SHARE = 0.5
LINE_MIN = 3
# What a line word weighs against a word that tells products apart (1.0).
LINE_WEIGHT = 0.2
# What parts a catalog name into a line's name and its product's own ("las frescas - gushaz",
# "sherpa berry rosin - select"): a dash, pipe, colon or slash between spaces, a pipe,
# brackets.
_PARTS = re.compile(r"\s[-\u2013\u2014|:/]\s|[|()\[\]]")


@dataclass(slots=True)
class BrandWords:
    """One brand's products (by index position) and the words of their core names."""

    positions: list[int]
    # The index's core names (shared, not copied): a product's words are split when asked,
    # which few records do; kept split, a million products' words took about 100 MB a process.
    cores: Sequence[str]
    postings: dict[str, list[int]] = field(default_factory=dict)
    # Adjacent words run together ("chem dawg" -> "chemdawg") -> the products having them.
    joined: dict[str, list[int]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    # A line's words (in at least half of the brand's products, and 3): they weigh little.
    lines: frozenset[str] = frozenset()
    # Words that only one form family of the brand's products carries -> that family.
    form_of: dict[str, str] = field(default_factory=dict)
    generic: list[int] = field(default_factory=list)
    vocabulary: list[str] = field(default_factory=list)
    # The form families the brand's products name, and those its products with a name of
    # their own (not generic ones) name.
    families: frozenset[str] = frozenset()
    named_families: frozenset[str] = frozenset()
    # Each product's form families, in ``positions``' order; the words of the products of
    # each family, worked out when first asked (``own_line``: few records ask).
    product_families: list[frozenset[str]] = field(default_factory=list)
    _family_words: dict[str, frozenset[str]] | None = None

    @classmethod
    def build(
        cls,
        positions: Iterable[int],
        cores: list[str],
        families: list[frozenset[str]],
        names: Sequence[str] = (),
    ) -> BrandWords:
        """The statistics of the products at ``positions``; ``families[i]`` is the form
        families of the product at ``positions``' i-th place, ``names[i]`` its catalog name,
        from which parts shared by several products are read as lines' names (none without
        names)."""
        places = list(positions)
        tokens = {p: tuple(cores[p].split()) for p in places}
        postings: dict[str, list[int]] = defaultdict(list)
        joined: dict[str, list[int]] = defaultdict(list)
        forms: dict[str, set[str]] = defaultdict(set)
        generic: list[int] = []
        for pos, fams in zip(places, families, strict=True):
            words = tokens[pos]
            if not words:
                generic.append(pos)
            for word in dict.fromkeys(words):
                postings[word].append(pos)
                # A product naming no family leaves the word's form open.
                forms[word].update(fams or {""})
            for a, b in itertools.pairwise(words):
                joined[a + b].append(pos)
        least = max(LINE_MIN, LINE_SHARE * len(places))
        lines = frozenset(w for w, ps in postings.items() if len(ps) >= least)
        lines |= _named_lines([tokens[p] for p in places], names)
        weights = {
            w: LINE_WEIGHT if w in lines else 1.0 / (1.0 + math.log(len(ps)))
            for w, ps in postings.items()
        }
        # A line's word: in at least two of the brand's products of one form, and in at least
        # half of them ("dark" of two chocolates among five is a flavour, not a line).
        of_family: dict[str, int] = defaultdict(int)
        for fams in families:
            for f in fams:
                of_family[f] += 1
        form_of = {
            w: next(iter(fams))
            for w, fams in forms.items()
            if len(fams) == 1
            and "" not in fams
            and len(postings[w]) >= 2
            and len(postings[w]) >= LINE_SHARE * of_family[next(iter(fams))]
        }
        return cls(
            positions=places,
            cores=cores,
            postings=dict(postings),
            joined=dict(joined),
            weights=weights,
            lines=lines,
            form_of=form_of,
            generic=generic,
            vocabulary=sorted(postings),
            families=frozenset(f for fams in families for f in fams),
            named_families=frozenset(
                f for p, fams in zip(places, families, strict=True) if tokens[p] for f in fams
            ),
            product_families=families,
        )

    def own_line(self, record: Iterable[str], pos: int, families: Iterable[str]) -> bool:
        """Whether the record shares with the product at ``pos`` a line's word (one that
        several of the brand's products carry) that none of its products of ``families``
        carries: the product is of a line of its own, which the brand's naming of those forms
        says nothing about ("Calma - Rest" beside "Orbit Gummies - Lime"). A word of one
        product (a flavour) is no line."""
        shared = set(record).intersection(self.words_of(pos))
        if not shared:
            return False
        if self._family_words is None:
            of: dict[str, set[str]] = defaultdict(set)
            for place, fams in zip(self.positions, self.product_families, strict=True):
                for f in fams:
                    of[f].update(self.words_of(place))
            self._family_words = {f: frozenset(ws) for f, ws in of.items()}
        by_family = self._family_words
        taken = frozenset().union(*(by_family.get(f, frozenset()) for f in families))
        return any(len(self.postings.get(w, ())) >= 2 for w in shared - taken)

    def words_of(self, pos: int) -> tuple[str, ...]:
        """The words of the core name of the product at ``pos``."""
        return tuple(self.cores[pos].split())

    def weight(self, word: str) -> float:
        """How much a product's word tells it apart from the brand's other products: 1 for a
        word of one product, less for a word several share, little for a line's word."""
        return self.weights.get(word, 1.0)

    def line(self, word: str) -> bool:
        """Whether the word is a line's: in at least half of the brand's products (and 3)."""
        return word in self.lines

    def unique(self, word: str) -> bool:
        """Whether only one of the brand's products has the word."""
        return len(self.postings.get(word, ())) == 1

    def with_prefix(self, stem: str) -> list[str]:
        """The brand's words that begin with ``stem`` (a name cut short: "Strawberry Shortc")."""
        i = bisect.bisect_left(self.vocabulary, stem)
        out = []
        while i < len(self.vocabulary) and self.vocabulary[i].startswith(stem):
            out.append(self.vocabulary[i])
            i += 1
        return out


def _named_lines(tokens: Sequence[tuple[str, ...]], names: Sequence[str]) -> frozenset[str]:
    """The words of a part of a catalog name that two or more of the brand's names have beside
    parts that differ: a line's name ("sanchitos - blueberry kush", "sanchitos - horchata"),
    however few of the brand's products carry it. A part beside the same other parts is one
    product's name in several forms ("tarantula - fire og" and "tarantula - fire og -
    pre-roll"), not a line. Only a name's core words count (the brand, sizes and form words
    are read apart)."""
    beside: defaultdict[tuple[str, ...], set[frozenset[tuple[str, ...]]]] = defaultdict(set)
    for own, name in zip(tokens, names, strict=False):
        pieces = _PARTS.split(name)
        if len(pieces) < 2:
            continue
        have = set(own)
        parts = {
            kept for part in pieces if (kept := tuple(w for w in words(part).split() if w in have))
        }
        if len(parts) >= 2:
            for part in parts:
                beside[part].add(frozenset(parts - {part}))
    return frozenset(w for part, others in beside.items() if len(others) >= 2 for w in part)
