"""The vocabulary scan: a name's words read as phrases of the domain tables, left to right.

Each phrase is of one kind: a *form* phrase ("cartridge", "live resin") names a product form and
is taken out of the name; a *weak form* ("chocolate", "cookies") hints at one but stays, being
often a product's own word; a *lineage* ("indica", "(H)"), a *marker* ("CBD") and a *noise*
word ("BOGO", "(REC)") are taken out. Words of no phrase are the name's. What each phrase means
comes from the data files (``knowledge.py``); which form words the parse keeps is ``forms.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

from poslink.domain.knowledge import Form, Knowledge

_CBD = frozenset({"cbd"})

# Kinds of phrases, in the order later tables override earlier ones.
NOISE, WEAK, FORM, MARKER, LINEAGE = range(5)


class Scan:
    """A name's words as the vocabulary reads them, in order.

    ``core``: the name's own words (weak form phrases among them); ``named_at``: the positions
    (among the words scanned) of those that are the name's; ``forms``: each form phrase's form,
    ``placed`` with its phrase and where it stood among ``core``, ``spans_at`` its positions
    among the words scanned, ``leading`` those before any name word; ``weak``: the weak forms;
    ``markers`` and ``lineages`` named; ``noise``: noise phrases longer than two letters.
    """

    __slots__ = (
        "core",
        "forms",
        "leading",
        "lineages",
        "markers",
        "named_at",
        "noise",
        "placed",
        "spans_at",
        "weak",
    )

    def __init__(self) -> None:
        # Literals, not dataclass factories: one scan per distinct name parsed.
        self.core: list[str] = []
        self.named_at: set[int] = set()
        self.forms: list[Form] = []
        self.placed: list[tuple[Form, str, int]] = []
        self.spans_at: list[tuple[int, int]] = []
        self.leading: list[tuple[Form, str]] = []
        self.weak: list[Form] = []
        self.markers: set[str] = set()
        self.lineages: set[str] = set()
        self.noise: list[str] = []


def _longest(phrases: Iterable[str]) -> dict[str, int]:
    """Each first word -> the most words a phrase starting with it has."""
    spans: dict[str, int] = {}
    for phrase in phrases:
        first, size = phrase.split(" ", 1)[0], phrase.count(" ") + 1
        spans[first] = max(spans.get(first, 1), size)
    return spans


class Vocabulary:
    """The phrase tables of one knowledge base, indexed for the scan."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.k = knowledge
        self.phrases: dict[str, tuple[int, object]] = {}
        for kind, table in (
            (NOISE, dict.fromkeys(knowledge.noise, "")),
            (WEAK, knowledge.weak_forms),
            (FORM, knowledge.strong_forms),
            (MARKER, knowledge.markers),
            (LINEAGE, knowledge.lineage),
        ):
            for phrase, value in table.items():
                self.phrases[phrase] = (kind, value)
        # Each phrase's first word -> its longest phrase's length in words.
        self.spans = _longest(self.phrases)
        self._nick_spans = _longest(knowledge.nicknames)
        # One-word tags stores put around names: noise, cannabinoids, lineages, form words.
        self.tags = frozenset(
            p for p, (kind, _) in self.phrases.items() if " " not in p and kind != WEAK
        )
        self.form_tags = frozenset(p for p in self.tags if self.phrases[p][0] == FORM)
        # Noise of two words ("Staff Pick"): a tag too, at a name's ends.
        self.tag_pairs = frozenset(p for p in knowledge.noise if p.count(" ") == 1)

    def strain_markers(self, core: list[str]) -> frozenset[str]:
        """The markers a name implies by being a strain bred for CBD ("ACDC"), no cross of
        one ("Harlequin OG")."""
        return _CBD if " ".join(core) in self.k.cbd_strains else frozenset()

    def canonical(self, tokens: list[str]) -> list[str]:
        """The words with strain nicknames and stores' short forms written out ("gdp" ->
        "granddaddy purple", "lr" -> "live resin": ``Knowledge.nicknames`` holds both)."""
        spans = self._nick_spans
        if not any(t in spans for t in tokens):
            return tokens
        out: list[str] = []
        i, n = 0, len(tokens)
        nick = self.k.nicknames
        while i < n:
            span = spans.get(tokens[i])
            if span:
                for size in range(min(span, n - i), 0, -1):
                    full = nick.get(" ".join(tokens[i : i + size]))
                    if full is not None:
                        out += full.split()
                        i += size
                        break
                else:
                    out.append(tokens[i])
                    i += 1
            else:
                out.append(tokens[i])
                i += 1
        return out

    def scan(self, tokens: list[str]) -> Scan:
        """Read the words left to right, the longest phrase first at each word."""
        found = Scan()
        core, named_at, lineages = found.core, found.named_at, found.lineages
        spans, phrases = self.spans, self.phrases
        letters = self.k.lineage_letters
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i]
            span = spans.get(token)
            if span is None:  # starts no phrase: a plain word of the name
                if len(token) == 1 and token in letters:
                    lineages.add(letters[token])  # "Canna-Tsu - H Cartridge"
                else:
                    core.append(token)
                    named_at.add(i)
                i += 1
                continue
            hit = None
            for size in range(min(span, n - i), 0, -1):
                phrase = token if size == 1 else " ".join(tokens[i : i + size])
                entry = phrases.get(phrase)
                if entry is not None:
                    hit = (size, phrase, entry)
                    break
            if hit is None:
                core.append(token)
                named_at.add(i)
                i += 1
                continue
            size, phrase, (kind, value) = hit
            if kind == FORM:
                assert isinstance(value, Form)
                found.forms.append(value)
                found.placed.append((value, phrase, len(core)))
                found.spans_at.append((i, i + size))
                if not core:
                    found.leading.append((value, phrase))
            elif kind == WEAK:
                assert isinstance(value, Form)
                found.weak.append(value)
                core.append(phrase)
            elif kind == MARKER:
                found.markers.add(str(value))
            elif kind == LINEAGE and value:
                lineages.add(str(value))
            elif kind == NOISE:
                found.noise.append(phrase)
            i += size
        return found
