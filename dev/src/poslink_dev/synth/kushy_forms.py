"""How the Kushy data set's categories and words read as the generator's forms.

Kushy product categories, words in product names and brand categories say which forms
(:data:`~poslink_dev.synth.forms.FORMS`, by key) and families a product or brand is of; some
of its strain "names" are form or lineage words, never strains. Only ``kushy.py`` reads the
maps; the word sets also keep such words out of the names the generator renders.
"""

from __future__ import annotations

# Kushy `products.category` -> form key; product categories not listed here are classified
# by words in the product's name (see kushy.py), or skipped.
KUSHY_CATEGORIES: dict[str, str] = {
    "Concentrate,Shatter,": "shatter",
    "Concentrate,Wax,": "wax",
    "Concentrate,Crumble,Wax,": "wax",
    "Concentrate,Oil,": "oil",
    "Concentrate,Bubble Hash,": "hash",
    "Concentrate,Kief,": "kief",
    "Vapes,Vape Cartidge,": "cartridge",  # sic: the data set's own spelling
    "Vapes,Disposable Vape,": "disposable",
    "Flowers,Pre-Roll": "preroll",
    "Edibles,Candy,": "candies",
    "Edibles,Chocolate,": "chocolates",
    "Edibles,Snack,": "baked",
    "Edibles,Drink,": "drinks",
    "Edibles,Pill": "capsules",
    "Topical,": "lotions",
    "Topical,Bath,": "bath_bombs",
    "Tincture,": "tincture",
}

# fmt: off
# Words in a Kushy topical's name that say which topical it is.
TOPICAL_WORDS: dict[str, str] = {
    "balm": "balms", "salve": "balms", "rub": "balms", "bath": "bath_bombs", "bomb": "bath_bombs",
}

# fmt: on

# Kushy `brands.category` entries -> the families a brand of that kind sells.
KUSHY_BRAND_FAMILIES: dict[str, tuple[str, ...]] = {
    "Flower": ("flower", "pre-roll"),
    "Concentrates": ("extract", "vape"),
    "Shatter": ("extract",),
    "Budder": ("extract",),
    "Vapes": ("vape",),
    "Vape Pens": ("vape",),
    "Vape Pens CBD": ("vape",),
    "Vape Pens Hybrid": ("vape",),
    "Edibles": ("edible",),
    "Baked Goods": ("edible",),
    "Medical": ("tincture", "topical", "edible"),
    "Tinctures": ("tincture",),
}

# fmt: off
# Strain names that are form or lineage words, not strains: never used as product names.
NOT_STRAINS: frozenset[str] = frozenset(
    {
        "indica", "sativa", "hybrid", "cbd", "thc", "flower", "flowers", "wax", "shatter", "hash",
        "rosin", "kief", "oil", "cart", "cartridge", "vape", "pre-roll", "preroll", "shake",
        "trim", "popcorn", "edible", "tincture", "unknown", "none", "n/a", "other",
    }
)

# Form words that end some Kushy strain names ("Sour Diesel Rosin"): such names are products,
# not strains, and would read as another form ("sour diesel" + "rosin").
FORM_WORDS: frozenset[str] = frozenset(
    {
        "wax", "shatter", "rosin", "resin", "hash", "oil", "cartridge", "cart", "badder",
        "batter", "budder", "sauce", "distillate", "crumble", "kief", "flower", "shake",
        "popcorn", "pre-roll", "preroll", "joint", "vape", "pod", "sugar", "diamonds",
        "concentrate", "extract", "bho", "co2", "tincture", "edible", "bud", "buds",
    }
)
# fmt: on
