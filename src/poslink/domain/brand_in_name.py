"""Where a POS name writes its brand: at either end, or between the tags stores put there.

Stores wrap names in tags ("(REC)", "BOGO", "93.6% THC") and end them with form words
("(Distillate)"): "Kuur (MED)" ends with its brand. The brand index (``brands.py``) is asked
for the brand in the whole name, then in the name without its end tags, then without its end
form words too; a tag alone is never a brand written out, but "THC Design" and "Sacred Flower"
are brands.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence

from rapidfuzz import fuzz

from poslink.domain.brands import BrandIndex
from poslink.domain.text import words
from poslink.domain.vocabulary import FORM, WEAK, Vocabulary


class BrandInName:
    """Finds a catalog brand in a name's words with one brand index and one vocabulary."""

    def __init__(self, brands: BrandIndex, vocabulary: Vocabulary) -> None:
        self.brands = brands
        self._tags = vocabulary.tags
        self._pairs = vocabulary.tag_pairs
        # The tags taken off a name's ends, in the order tried: all but form words, then all.
        self._trims = (vocabulary.tags - vocabulary.form_tags, vocabulary.tags)
        # Form phrases of a few words ("Live Rosin", "Pre Roll", "Bar"), taken off a name's
        # start with the form words: a brand is often written after them ("Live Rosin -
        # Brand Strain", "Bar: Brand Flavour").
        self._lead_forms = frozenset(
            p
            for p, (kind, _) in vocabulary.phrases.items()
            if kind in (FORM, WEAK) and p.count(" ") <= 2
        )

    def find(self, tokens: list[str]) -> tuple[str, int, int, str] | None:
        """The brand key, where its words start and end among ``tokens``, and how it was found
        (``BrandIndex.find`` on each of ``spans``, the first not made of tags alone; when that
        one is at the start and a later span finds another brand at the end, the one
        ``BrandIndex.either_end`` prefers). Legal forms right after the brand ("LLC", "Inc",
        "Co") are the brand's words too, while a word of the name is left. The first words of
        a brand followed by a word naming a company that is not the brand's ("Eagle
        Botanicals" of Eagle Packs) are another company's name: no brand."""
        found = self._find(tokens)
        if found is None:
            return None
        key, start, end, how = found
        rules = self.brands.rules
        while end < len(tokens) - 1 and tokens[end] in rules.legal_forms:
            end += 1
        if tokens[start:end] == key.split():
            # After the brand's whole name, a company's word is the brand's ("Moxie Seeds").
            while end < len(tokens) - 1 and tokens[end] in rules.company_tails:
                end += 1
        if _another_company(tokens[start : end + 1], key.split(), rules.company_words):
            return None
        return key, start, end, how

    def _find(self, tokens: list[str]) -> tuple[str, int, int, str] | None:
        tags = self._tags
        chosen = None
        misread = None
        for start, end in self.spans(tokens):
            found = self.brands.find(tokens[start:end])
            if found is not None:
                key, first, last, how = found
                written = tokens[start + first : start + last]
                if all(t in tags for t in written) and (
                    len(written) < 2 or " ".join(written) != key
                ):
                    # A tag ("(H)", "THC 80%") is not a brand written out; a brand's whole
                    # name of tag words is ("Flower by Flowers").
                    continue
                here = key, start + first, start + last, how
                if misread is not None:
                    # Only the same words less the tag, a brand written right, are read again.
                    if (
                        how != "suffix"
                        or key == misread[0]
                        or here[1:3] != (misread[1], misread[2] - 1)
                    ):
                        return misread
                elif how == "fuzzy suffix" and chosen is None and _across_tag(written, key, tags):
                    # A misspelt brand read across a tag at the end ("Cannariginals REC" for
                    # Cannariginals Emu 420): the brand written right before the tag comes first.
                    misread = here
                    continue
                if chosen is None:
                    if how.endswith("suffix"):
                        return here
                    chosen = here  # a brand at the start: is another at the end, behind tags?
                elif how.endswith("suffix") and key != chosen[0] and here[1] >= chosen[2]:
                    # Both ends name a brand: ``BrandIndex.either_end`` says which.
                    return self.brands.either_end(tokens, chosen, here)
        return chosen or misread

    def spans(self, tokens: Sequence[str]) -> list[tuple[int, int]]:
        """The spans ``find`` tries, in order, each once: the whole name, then without its
        end tags (one-letter words too) but form words, then without any. Taking off form
        words, the span after each is tried too: a brand's own name may end with one
        ("Quality Concentrates (Distillate)")."""
        spans = [(0, len(tokens))]
        for tags in self._trims:
            start, end = 0, len(tokens)
            while end - start > 1:
                if tokens[end - 1] in tags or len(tokens[end - 1]) == 1:
                    end -= 1
                elif end - start > 2 and " ".join(tokens[end - 2 : end]) in self._pairs:
                    end -= 2  # "... Dank Tank Staff Pick"
                else:
                    break
                if tags is self._tags and (0, end) not in spans:
                    spans.append((0, end))
            while end - start > 1:
                if tokens[start] in tags or len(tokens[start]) == 1:
                    start += 1
                elif end - start > 2 and " ".join(tokens[start : start + 2]) in self._pairs:
                    start += 2
                elif tags is self._tags and (lead := self._lead_form(tokens, start, end)):
                    start += lead
                else:
                    break
            if (start, end) not in spans:
                spans.append((start, end))
        return spans

    def _lead_form(self, tokens: Sequence[str], start: int, end: int) -> int:
        """How many words of a form phrase begin ``tokens[start:end]``, leaving a word (0:
        none), the longest first."""
        for size in (3, 2, 1):
            if end - start > size and " ".join(tokens[start : start + size]) in self._lead_forms:
                return size
        return 0

    def prefetch(self, names: Iterable[tuple[Sequence[str], str | None]]) -> None:
        """Look up in bulk the misspelt brands that finding the brands of these (words of the
        name, brand field) pairs would look up, so that the parse finds the answers ready."""
        brands = self.brands
        queries: list[str] = []
        for tokens, brand in names:
            if brand and brand.strip():
                written = words(brand)
                if not (
                    brands.aliases.get(written) or brands.aliases.get(written.replace(" ", ""))
                ):
                    queries.append(written)
            for start, end in self.spans(tokens):
                queries += brands.fuzzy_queries(tokens[start:end])
        brands.prefetch(queries)


def _another_company(beside: Sequence[str], named: Sequence[str], company: Container[str]) -> bool:
    """Whether a brand as written with the word after it (``beside``) is the first words of
    the brand ``named`` and then a word naming a company that the brand's name goes on
    without ("eagle botanicals" beside "eagle packs"; "sticky thumb farm" is "sticky thumb
    farms" written singular, "rx trax" is "rxtrax")."""
    own = {w.removesuffix("s") for w in named}
    other = [w for w in beside if w in company and w.removesuffix("s") not in own]
    if not other:
        return False
    written = [w for w in beside if w not in company]
    return 0 < len(written) < len(named) and list(named[: len(written)]) == written


def _across_tag(written: Sequence[str], key: str, tags: Container[str]) -> bool:
    """Whether the words a misspelt brand was read in end with a tag that is no word of the
    brand's name ("rec" of "cannariginals rec"; "blunt" of "Bambino Blunt" is the brand's
    "blunts")."""
    outer = written[-1]
    if outer not in tags:
        return False
    return not any(fuzz.ratio(outer, word) >= _SAME_WORD for word in key.split())


# How alike a tag and a word of the brand's name are for the tag to be that word misspelt.
_SAME_WORD = 80
