"""Weights, potency, packs and ratios in a name: read out of folded text, and taken out of it.

"Blue Dream -3.5g-" weighs 3.5 g, "Gummies 100mg (10-Pack)" holds 100 mg in 10 pieces, "1:1"
is a ratio; the units and their factors come from ``data/vocab.toml``.
"""

from __future__ import annotations

import re

from poslink.domain.knowledge import Knowledge
from poslink.domain.text import words
from poslink.records import ParsedItem, value_class

_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
_RATIO = re.compile(r"(?<![\d.])(\d{1,3})\s*:\s*(\d{1,3})(?![\d.])")
# A ratio written with a dash ("2-1 Warming Balm", "1-1 Lemon Gummies"): one side is 1, the
# other at most 30, nothing but space beside it (not "#4 -1/2 oz"), and no unit or count
# after it (``MeasureReader``: "5-10mg" is a range, "1-5 Pack" a count).
_DASH_RATIO = r"(?<![\w.#-])(1\s*-\s*(?:[1-9]|[12]\d|30)|(?:[1-9]|[12]\d|30)\s*-\s*1)(?![\w./-])"
# The words of a count of pieces ("5pk", "10 Pack", "20 ct").
_PIECES = r"pack|pk|ct|count|pcs|pc|piece|pieces|pices|each|ea"
# A fraction of an ounce ("1/8", "1/4 oz", "1/8th"), or of a gram when it says so ("1/2g").
_FRACTION = re.compile(r"(?<![\d.])(\d+)\s*/\s*(\d+)\s*(?:(th|oz|ounce)|(g|gm|gram|grams))?\b")
# What a count of pieces is per: "10 pills per pack", "20 pcs / box".
_PER = r"(?:\bper\s+|/\s*)(?:pack|package|pkg|box|bag|jar|tin)\b"
_PACK = re.compile(
    rf"(?<![a-z0-9.])(\d+)\s*-?\s*(?:{_PIECES})s?\b"
    rf"(?:\s*{_PER})?"
)
# A count of other pieces per package ("10 pills per pack", "20 per box"): the word stays.
_PER_PACK = re.compile(rf"(?<![a-z0-9.])(\d+)\s+([a-z]+\s*)?{_PER}")
# A count alone in brackets ("Gummies (10) 100mg", "Joint - (7) 1g"): the pack's pieces.
_COUNT = re.compile(r"[(\[]\s*(\d{1,3})\s*[)\]]")
# A THC figure written "T23" (``vocab.toml [drop]``): the drop patterns are tried for it too.
_T_DIGITS = re.compile(r"\bt\d")
# Units and packs need a digit: most names have none left when they are looked for.
_DIGIT = re.compile(r"\d")
# A half or quarter with no unit ("Malibu 3.5", "Cavi Cone | 1.5 Infused Pre-Roll", ".5
# Cartridge"): grams left unwritten, as such sizes are sold. A strain's own number is whole
# ("Chem 91") or a version ("Haze 2.0", "Swiss Tsu 4.1"), which stays a number; so does a
# ratio's ("1.5:1").
_BARE = re.compile(r"(?<![\w.])(\d{0,2}\.(?:5|25|75))(?![\w.%:])")
BARE_GRAMS_MAX = 28.0


@value_class
class Measures:
    """Weights, potency, pack and ratio read from a name."""

    weight_g: float | None
    potency_mg: float | None
    pack: int | None
    ratio: str | None


class MeasureReader:
    """Reads the measures of folded text with one knowledge base's units."""

    def __init__(self, knowledge: Knowledge) -> None:
        self._k = knowledge
        unit_alt = "|".join(
            sorted(
                (
                    re.escape(u)
                    for u in (
                        *knowledge.weight_units,
                        *knowledge.potency_units,
                        *knowledge.volume_units,
                    )
                ),
                key=len,
                reverse=True,
            )
        )
        self._unit = re.compile(rf"(?<![a-z0-9.]){_NUM}\s*({unit_alt})\b")
        self._dash_ratio = re.compile(rf"{_DASH_RATIO}(?!\s*(?:{unit_alt}|{_PIECES}|x)\b)")
        # A count of pieces written with "x" beside an amount ("0.5g x 5", "2 x 1g", "10mg
        # x 10"), read as the amount and a pack.
        self._times = re.compile(
            rf"(?<![a-z0-9.])(?:(\d+)\s*x\s*[-(\[]?\s*{_NUM}\s*({unit_alt})\b"
            # After the amount, the count stands apart from the "x" ("1.0g X13" is a strain).
            rf"|{_NUM}\s*({unit_alt})(?:[-)\]]?x|\s*[-)\]]?\s*x\s+)(\d+)"
            rf"(?![\d.]|\s*({unit_alt})\b))"
        )
        # After a potency the count may touch the "x" ("10mg x10"): a strain's "X13" follows
        # a weight, never milligrams.
        potency = sorted(map(re.escape, knowledge.potency_units), key=len, reverse=True)
        self._times_potency = re.compile(
            rf"(?<![a-z0-9.]){_NUM}\s*({'|'.join(potency)})\s*x\s*(\d+)(?![\d.])"
        )
        named = "|".join(
            re.escape(w) for w in sorted(knowledge.named_weights, key=len, reverse=True)
        )
        self._named = re.compile(rf"\b({named})\b") if named else None
        self._named_starts = tuple({(w.split() or [""])[0] for w in knowledge.named_weights})
        self._drop = re.compile("|".join(f"(?:{p})" for p in knowledge.drop_patterns))
        letters = "|".join(sorted(map(re.escape, knowledge.lineage_letters)))
        self._letters = re.compile(
            rf"[(\[]\s*((?:{letters})(?:\s*[/,]\s*(?:{letters}))*)\s*[)\]]"
            rf"|(?<=\s-\s)((?:{letters}))(?=\s*(?:-|\(|$))"
        )

    def read(self, text: str) -> tuple[str, Measures]:
        """Take weights, potency, packs and ratios out of folded text."""
        weight = potency = None
        pack = None
        ratio = None
        if "(" in text or "[" in text or " - " in text:
            # "(I)", "[H]" and "- S" are lineages: written out, so that the lineage words read
            # them.
            text = self._letters.sub(self._lineage_words, text)
        if "%" in text or "$" in text or ":" in text or "/" in text or _T_DIGITS.search(text):
            text = self._drop.sub(" ", text)
        if "-" in text and ":" not in text:
            text = self._dash_ratio.sub(lambda m: f" {m.group(1).replace('-', ':')} ", text, 1)
        if ":" in text:
            found = _RATIO.search(text)
            if found:
                ratio = f"{int(found.group(1))}:{int(found.group(2))}"
                text = _RATIO.sub(" ", text)
        if "/" in text:
            found = _FRACTION.search(text)
            if found and int(found.group(2)):
                whole = 1.0 if found.group(4) else 28.0  # a gram, else an ounce
                weight = whole * int(found.group(1)) / int(found.group(2))
                text = _FRACTION.sub(" ", text)
        if _DIGIT.search(text):
            units: list[re.Match[str]] = []

            def take(found: re.Match[str]) -> str:
                units.append(found)
                return " "

            if "x" in text:
                text = self._times.sub(_as_pack, text)
                text = self._times_potency.sub(r" \1\2 \3pk ", text)
            # One pass takes the amounts out and keeps them, in the order written.
            text = self._unit.sub(take, text)
            for found in units:
                value, unit = float(found.group(1)), found.group(2)
                if unit in self._k.potency_units:
                    # "25mg ... (250mg total)": the largest amount stated is the package's.
                    potency = max(potency or 0.0, value * self._k.potency_units[unit])
                elif unit in self._k.weight_units:
                    weight = weight or value * self._k.weight_units[unit]
            found = _PACK.search(text)
            if found:
                pack = int(found.group(1))
                text = _PACK.sub(" ", text)
            # Beside an amount only: "Gelato (33)" is a strain's number.
            count = _COUNT.search(text) if units else None
            if count and pack in (None, int(count.group(1))):
                pack = int(count.group(1))
                text = text[: count.start()] + " " + text[count.end() :]
            if pack is None and (" per " in text or "/" in text):
                found = _PER_PACK.search(text)
                if found:
                    pack = int(found.group(1))
                    text = _PER_PACK.sub(r" \2 ", text)
            if weight is None and "." in text:
                found = _BARE.search(text)
                if found and 0 < float(found.group(1)) <= BARE_GRAMS_MAX:
                    weight = float(found.group(1))
                    text = text[: found.start()] + " " + text[found.end() :]
        # A named weight holds its first word: most names hold none, and the search is skipped.
        if self._named is not None and any(w in text for w in self._named_starts):
            named = self._named.search(text)
            if named:
                weight = weight or self._k.named_weights[words(named.group(1))]
                text = self._named.sub(" ", text)
        return text, Measures(weight, potency, pack, ratio)

    def _lineage_words(self, found: re.Match[str]) -> str:
        letters = re.split(r"\s*[/,]\s*", found.group(1) or found.group(2))
        return " " + " ".join(self._k.lineage_letters[x] for x in letters) + " "


def _as_pack(found: re.Match[str]) -> str:
    """ "0.5g x 5" and "5 x 0.5g" written as "0.5g 5pk"."""
    count, value, unit = found.group(1), found.group(2), found.group(3)
    if count is None:
        value, unit, count = found.group(4), found.group(5), found.group(6)
    return f" {value}{unit} {count}pk "


def measured(item: ParsedItem, m: Measures) -> ParsedItem:
    """``item`` with the measures ``m``: what parsing its words with ``m`` gives."""
    if (item.weight_g, item.potency_mg, item.pack) == (m.weight_g, m.potency_mg, m.pack):
        return item
    return ParsedItem(
        brand=item.brand,
        core=item.core,
        types=item.types,
        subtypes=item.subtypes,
        hints=item.hints,
        lineage=item.lineage,
        ratio=item.ratio,
        markers=item.markers,
        implied=item.implied,
        digits=item.digits,
        weight_g=m.weight_g,
        potency_mg=m.potency_mg,
        pack=m.pack,
        prefer=item.prefer,
        declared=item.declared,
        exact=item.exact,
        brand_source=item.brand_source,
        lineage_soft=item.lineage_soft,
    )
