"""Which of a name's words a brand written at one of its ends takes.

A misspelt brand is looked up in windows of the name's first or last words; these are the
windows that may hold a misspelt brand outweighing one already found (at the same end, longer;
at the other end), the brand names a longer window is compared with, and how many words of a
window a misspelt brand really takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from rapidfuzz import fuzz, process

from poslink.caching import BoundedCache

# Windows ``LongerNames.find`` remembers (``BoundedCache``: the oldest tenth goes when full).
_MEMO_LIMIT = 200_000


def other_end(tokens: Sequence[str], start: int, end: int, longest: int) -> list[str]:
    """The windows, longest first (at most ``longest`` words not counting an "and" between
    them, as ``end_windows``'s; always leaving a word for the name), at the end of ``tokens``
    away from a brand found at ``tokens[start:end]``."""
    n = len(tokens)
    at_start = start == 0
    room = n - end if at_start else start
    plain = _JOINING not in tokens
    found = []
    for count in range(min(longest, room - 1), 0, -1):
        size = count if plain else _holding(tokens, count, at_start)
        if size is not None and size < room:
            found.append(" ".join(tokens[n - size :] if at_start else tokens[:size]))
    return found


def rivals(
    tokens: Sequence[str], start: int, end: int, longest: int, other: bool
) -> list[tuple[str, bool, bool]]:
    """The windows where a misspelt brand may be written that outweighs the brand found
    exactly at ``tokens[start:end]``, in the order tried, each with whether it ends the name
    and whether the brand takes it whole: at the same end, windows holding the found words
    and more ("Golden Goddess Botanicls" against "Golden Goddess"), longest first, taken
    whole; then, if ``other``, those at the other end (``fewest`` says how much they take).
    """
    n = len(tokens)
    at_start = start == 0 and end < n
    same = [
        (" ".join(tokens[:size] if at_start else tokens[n - size :]), not at_start, True)
        for size in range(min(longest, n - 1), end - start, -1)
    ]
    if not other:
        return same
    return same + [(text, at_start, False) for text in other_end(tokens, start, end, longest)]


# A brand's "&" ("Black Sheep Herbs & Extracts"), read as a word of its own: not counted in a
# window's length, and never a window's outer word.
_JOINING = "and"


def end_windows(tokens: Sequence[str], longest: int) -> Iterator[tuple[str, int, bool]]:
    """The windows a misspelt brand is looked up in when the name has no brand written right:
    (text, words, whether it ends the name), longest first, the end's before the start's, of
    at most ``longest`` words not counting an "and" between them, always leaving a word for
    the name. Made as they are asked for: a look-up stops at its first hit."""
    n = len(tokens)
    plain = _JOINING not in tokens  # most names: a window's words are its length
    for count in range(min(longest, n - 1), 0, -1):
        for at_end in (True, False):
            size = count if plain else _holding(tokens, count, at_end)
            if size is not None and size < n:
                yield " ".join(tokens[n - size :] if at_end else tokens[:size]), size, at_end


def _holding(tokens: Sequence[str], count: int, at_end: bool) -> int | None:
    """How many words at one end of ``tokens`` hold ``count`` words other than "and"."""
    taken = 0
    order = range(len(tokens) - 1, -1, -1) if at_end else range(len(tokens))
    for size, i in enumerate(order, 1):
        if tokens[i] != _JOINING:
            taken += 1
            if taken == count:
                return size
    return None


class LongerNames:
    """Brand names by their first and by their last word, to tell whether words found to be a
    brand, with more words beside them, are another brand's longer name misspelt ("Golden
    Goddess Botanicls": Golden Goddess Botanicals, not Golden Goddess). Only names sharing the
    window's outer word (the one beside the name's end, spelt right since it was found) are
    compared: a few, where looking the window up among every alias made parsing half as slow
    again (46% more time against 18%)."""

    def __init__(self, aliases: Iterable[str], cutoff: float) -> None:
        self.cutoff = cutoff
        self._first: dict[str, list[str]] = {}
        self._last: dict[str, list[str]] = {}
        for alias in aliases:
            parts = alias.split()
            if len(parts) > 1:
                self._first.setdefault(parts[0], []).append(alias)
                self._last.setdefault(parts[-1], []).append(alias)
        self._memo: BoundedCache[tuple[str, bool], str | None] = BoundedCache(_MEMO_LIMIT)

    def find(self, text: str, at_end: bool) -> str | None:
        """The alias ``text`` (words at the start of a name, or at its end if ``at_end``) is a
        misspelling of, at least ``cutoff`` alike, sharing its outer word; None if none."""
        return self._memo.get_or((text, at_end), self._look_up)

    def _look_up(self, window: tuple[str, bool]) -> str | None:
        text, at_end = window
        words = text.split()
        names = self._last.get(words[-1], ()) if at_end else self._first.get(words[0], ())
        found = process.extractOne(text, names, scorer=fuzz.ratio, score_cutoff=self.cutoff)
        return found[0] if found else None


def holds(alias: str, found: Sequence[str]) -> bool:
    """Whether a longer brand name holds the words a brand was found as, each one whole or
    begun ("px pure xtracts" holds "pur xtracts"): "cookies edibles" does not hold "lol
    edibles", though "cookies lol edibles" misspells it."""
    words = alias.split()
    return all(any(w.startswith(f) for w in words) for f in found)


def fewest(aliases: Iterable[str], window: Sequence[str], at_end: bool) -> int:
    """How many of a misspelt brand's words ``window`` holds: a window one word shorter (on
    the side away from the name's end, ``at_end`` for a brand ending the name) that reads the
    alias ``window`` reads best more surely is it, so that the brand does not take a word of
    the name ("CO2 Oil | Whitee Label Extracts"). Another, shorter alias does not count:
    "Karma Originnals" is Karma Originals misspelt, not its first word "Karma" and a word of
    the name."""
    text = " ".join(window)
    alias = max(aliases, key=lambda a: fuzz.ratio(text, a), default=None)
    if alias is None:
        return len(window)
    size = len(window)
    best = fuzz.ratio(text, alias)
    while size > 1:
        part = window[len(window) - size + 1 :] if at_end else window[: size - 1]
        score = fuzz.ratio(" ".join(part), alias)
        if score <= best:
            break
        size, best = size - 1, score
    return size
