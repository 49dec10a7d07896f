"""A brand's own words in names: a catalog name's own brand taken off it, and a record's words
of its brand dropped (``BrandIndex`` has these from ``OwnWords``).

A catalog writes its brand into product names ("Kiva - Camino Gummies", "... | Acme Live
Vape"), sometimes misspelt; a store repeats the brand's words ("INJOY" of "Cure Injoy", "Head
Space" for "HeadSpace"). Neither tells products apart.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from rapidfuzz import fuzz

from poslink.caching import BoundedCache
from poslink.domain.knowledge import BrandRules


class OwnWords:
    """What ``BrandIndex`` keeps for these (its fields; see ``BrandIndex._prepare``)."""

    rules: BrandRules
    own: dict[str, frozenset[str]]
    brand_words: dict[str, frozenset[str]]
    _own_sizes: dict[str, tuple[int, ...]]
    _own_fuzzy: BoundedCache[tuple[str, str], bool]

    def drop_brand_words(
        self, key: str, tokens: list[str], keep: Container[str] = frozenset()
    ) -> list[str]:
        """A name's words without the words of its brand's names, alone or run together
        ("Head Space" for "HeadSpace"), wherever they stand; words in ``keep`` (the parser's
        vocabulary: "Chocolates" of "Zuma Chocolates") stay."""
        own = self.brand_words.get(key)
        if not own:
            return tokens
        out: list[str] = []
        i, n = 0, len(tokens)
        while i < n:
            if tokens[i] in own and tokens[i] not in keep:
                i += 1
            elif i + 1 < n and tokens[i] + tokens[i + 1] in own:
                i += 2
            else:
                out.append(tokens[i])
                i += 1
        return out

    def strip_own(self, key: str, tokens: Sequence[str]) -> list[str]:
        """A catalog name's words without its own brand's aliases (at the end or the start)."""
        own = self.own.get(key, frozenset())
        sizes = self._own_sizes.get(key, ())
        toks = list(tokens)
        for _ in range(2):
            n = len(toks)
            for size in sizes:
                if size > n:
                    continue
                if " ".join(toks[n - size :]) in own:
                    toks = toks[: n - size]
                    break
                if " ".join(toks[:size]) in own:
                    toks = toks[size:]
                    break
            else:
                if n > 1 and self._fuzzy_own(key, toks[-1], own):
                    toks = toks[:-1]
                break
        return toks

    def _fuzzy_own(self, key: str, token: str, own: frozenset[str]) -> bool:
        if len(token) < self.rules.fuzzy_min_length:
            return False
        known = self._own_fuzzy.get((key, token))
        if known is None:
            cutoff = self.rules.fuzzy_min_score
            known = self._own_fuzzy.put(
                (key, token), any(fuzz.ratio(token, alias, score_cutoff=cutoff) for alias in own)
            )
        return known
