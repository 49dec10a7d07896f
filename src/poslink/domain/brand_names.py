"""How brands are written: a catalog brand's key, the aliases its name gives, and the forms a
store's written brand may stand for.

The rules ("LLC" and "Labs" are dropped, "The Green Heart" is "TGH") live in ``data/brands.toml``;
``brands.BrandIndex`` resolves the aliases of every catalog brand to one key.
"""

from __future__ import annotations

import re

from poslink.domain.knowledge import BrandRules
from poslink.domain.text import words

_PARENS = re.compile(r"\(([^)]*)\)")
STOP_WORDS = frozenset({"and", "of", "the", "for", "by"})


def brand_key(brand: str) -> str:
    """The canonical key of a catalog brand: its normalized words."""
    return words(brand)


def derive_aliases(brand: str, rules: BrandRules) -> tuple[set[str], set[str]]:
    """Aliases of one brand: (strong, weak). Weak ones are kept only where unambiguous."""
    full = words(brand)
    strong = {full} if full else set()
    outer = words(_PARENS.sub(" ", brand))
    if outer:
        strong.add(outer)
    for inner in _PARENS.findall(brand):
        # "Cannavis (CO)": a corporate word or a state is no name of the brand's own.
        if words(inner) and words(inner) not in rules.suffixes:
            strong.add(words(inner))
    for alias in list(strong):
        strong |= _stripped(alias, rules)
    strong |= {a.replace(" ", "") for a in strong if " " in a}
    weak: set[str] = set()
    base = min(_stripped(outer, rules) | {outer}, key=len) if outer else ""
    parts = [p for p in outer.split() if p not in STOP_WORDS]
    if len(parts) >= 3:
        weak.add("".join(p[0] for p in parts))
    every = outer.split()
    if len(every) >= 3 and len(every) > len(parts):
        weak.add("".join(p[0] for p in every))  # "TGH" of "The Green Heart"
    # Stores drop the tail of a long name: "Sacred Mind" for "Sacred Mind & Body".
    if len(parts) >= 3 and " ".join(parts[:2]) not in strong:
        weak.add(" ".join(parts[:2]))
    first = base.split()[0] if base else ""
    if (
        len(first) >= rules.first_word_min_length
        and " " in outer
        and first not in rules.common_first_words
    ):
        weak.add(first)
    return strong, weak - strong


def _stripped(alias: str, rules: BrandRules) -> set[str]:
    out: set[str] = set()
    current = alias
    for prefix in rules.prefixes:
        if current.startswith(prefix + " "):
            current = current[len(prefix) + 1 :]
            out.add(current)
    changed = True
    while changed:
        changed = False
        for suffix in rules.suffixes:
            if current.endswith(" " + suffix):
                current = current[: -len(suffix) - 1].strip()
                # "Herbal Edibles & Extracts": the "and" left by a suffix goes with it.
                while current.rsplit(" ", 1)[-1] in STOP_WORDS and " " in current:
                    current = current.rsplit(" ", 1)[0]
                out.add(current)
                changed = True
                break
    return {a for a in out if a}


def initials(key: str) -> frozenset[str]:
    """A brand's initials as stores write them in a name ("EB's" of Enchanted Botanicals)."""
    parts = [p for p in key.split() if p not in STOP_WORDS]
    if len(parts) < 2:
        return frozenset()
    initials = "".join(p[0] for p in parts)
    return frozenset({initials, initials + "s"})


def written_forms(written: str, rules: BrandRules) -> list[str]:
    """The forms a brand as a store wrote it may stand for, most literal first: the words,
    without a parenthesis, the parenthesis alone, and each without corporate suffixes
    ("Vana LLC" -> "vana", "Elevated Edibles" -> "elevated", "Lift (90002)" -> "lift")."""
    forms = [words(written)]
    outer = words(_PARENS.sub(" ", written))
    forms += [outer] + [words(inner) for inner in _PARENS.findall(written)]
    for form in list(forms):
        forms += sorted(_stripped(form, rules), key=len, reverse=True)
    return [f for f in dict.fromkeys(forms) if f]
