"""Which of a name's words a brand written at one of its ends takes.

A misspelt brand is looked up in windows of the name's first or last words; these are the
windows looked up at the end away from a brand already found there, and how many words of a
window a misspelt brand really takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz


def other_end(tokens: Sequence[str], start: int, end: int, longest: int) -> list[str]:
    """The windows, longest first (at most ``longest`` words, always leaving a word for the
    name), at the end of ``tokens`` away from a brand found at ``tokens[start:end]``."""
    n = len(tokens)
    at_start = start == 0
    room = n - end if at_start else start
    return [
        " ".join(tokens[n - size :] if at_start else tokens[:size])
        for size in range(min(longest, room - 1), 0, -1)
    ]


def fewest(aliases: Iterable[str], window: Sequence[str], at_end: bool) -> int:
    """How many of a misspelt brand's words ``window`` holds: a window one word shorter (on
    the side away from the name's end, ``at_end`` for a brand ending the name) that reads one
    of the brand's ``aliases`` more surely is it, so that the brand does not take a word of
    the name ("CO2 Oil | Whitee Label Extracts")."""
    names = list(aliases)

    def sureness(part: Sequence[str]) -> float:
        text = " ".join(part)
        return max((fuzz.ratio(text, a) for a in names), default=0.0)

    size = len(window)
    best = sureness(window)
    while size > 1:
        part = window[len(window) - size + 1 :] if at_end else window[: size - 1]
        score = sureness(part)
        if score <= best:
            break
        size, best = size - 1, score
    return size
