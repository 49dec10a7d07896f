"""The words names are made of besides form words: flavors, cannabinoid markers, tags.

Catalog products of the edible, topical and tincture forms are named after a flavor or product
phrase (:data:`FLAVORS`), and edibles of one flavor are told apart by a ratio or a cannabinoid
marker. Absent products one word away from a catalog strain take one of
:data:`STRAIN_SUFFIXES` or :data:`STRAIN_PREFIXES`. POS names print lineage, weight and pack
tags in the layouts of :data:`LINEAGE_TAGS`, :data:`WEIGHT_TAGS` and :data:`PACK_TAGS`. The
orders are part of the output: the generator draws from them by position.
"""

from __future__ import annotations

# fmt: off
# Flavors and product phrases that name edibles, topicals and tinctures (before the noun).
FLAVORS: dict[str, tuple[str, ...]] = {
    "candy": (
        "Grape", "Orange", "Green Apple", "Strawberry", "Watermelon", "Blue Raspberry", "Mango",
        "Cherry", "Lemon", "Lime", "Peach", "Pineapple", "Sour Apple", "Tropical Punch",
        "Agave Lime", "Cinnamon Apple", "Wild Berry", "Pomegranate", "Passion Fruit", "Tangerine",
        "Blackberry", "Raspberry Lemonade", "Pink Lemonade", "Sour Cherry", "Guava", "Lychee",
        "Cotton Candy", "Root Beer", "Honeydew", "Blood Orange", "Huckleberry", "Marionberry",
        "Prickly Pear", "Yuzu", "Dragon Fruit", "Kiwi Strawberry", "Sour Watermelon", "Apricot",
        "Cranberry", "Peppermint",
    ),
    "chocolate": (
        "Dark Chocolate Sea Salt", "Milk Chocolate", "Dark Chocolate", "Mint Chocolate",
        "Peanut Butter Cup", "Espresso", "Toffee Crunch", "Salted Caramel", "Cookies and Cream",
        "Chocolate Penny", "Almond Crunch", "Raspberry Dark", "Orange Dark", "White Chocolate",
        "Chocolate Dipped Tart Cherries", "Hazelnut",
    ),
    "baked": (
        "Chocolate Chip", "Double Fudge", "Peanut Butter", "Snickerdoodle", "Berry Cherry",
        "Oatmeal Raisin", "Salted Caramel", "Brownie Pop", "Lemon Bar", "Ginger Molasses",
        "Blondie", "Birthday Cake",
    ),
    "drink": (
        "Fruit Punch", "Lemon Ginger", "Black Cherry", "Grapefruit", "Cola", "Ginger Ale",
        "Iced Tea", "Hibiscus", "Blueberry Acai", "Cucumber Mint", "Orange Cream", "Root Beer",
        "Mango Chili", "Pomegranate", "Arnold Palmer", "Sparkling Lemon",
    ),
    "capsule": (
        "CBN", "CBD", "THC", "Sleep", "Calm", "Relief", "Energy", "Focus", "Balance", "Night",
        "Daytime", "Full Spectrum",
    ),
    "topical": (
        "Lavender", "Eucalyptus", "Peppermint", "Unscented", "Rose Geranium", "Tea Tree",
        "Citrus", "Cooling", "Warming", "Arnica", "Coconut", "Sandalwood", "Vanilla", "Relief",
        "Recovery", "Sport", "Hemp Seed", "Cedar",
    ),
    "tincture": (
        "Peppermint", "Unflavored", "Lemon Ginger", "Cinnamon", "Natural", "Orange", "Vanilla",
        "Sleep", "Relief", "Full Spectrum", "Spearmint", "Berry", "Olive Oil", "MCT",
    ),
}

# fmt: on

# Cannabinoid markers that make distinct edibles out of one flavor ("1:1 orange", "penny cbd").
RATIOS: tuple[str, ...] = ("1:1", "2:1", "1:2", "20:1", "3:1")
MARKERS: tuple[str, ...] = ("CBD", "THC", "CBN")

# fmt: off
# Words that turn a catalog strain into a different, absent one ("Blue Dream" -> "Blue Dream Haze").
STRAIN_SUFFIXES: tuple[str, ...] = (
    "Haze", "Kush", "OG", "Cookies", "Dream", "Glue", "Cake", "Punch", "Diesel", "Sherbet",
    "Auto", "Express", "Sour", "Special",
)
STRAIN_PREFIXES: tuple[str, ...] = (
    "Super", "Blue", "Purple", "Sour", "Lemon", "Platinum", "Golden", "White", "Cherry", "Mega",
)

# Lineage tags as POS names print them; {L} is the lineage word.
LINEAGE_TAGS: tuple[tuple[str, float], ...] = (
    ("-{L}-", 3.0), ("({L})", 3.0), ("[{L}]", 0.5),
)
# Weight / potency tags; {W} is the printed weight.
WEIGHT_TAGS: tuple[tuple[str, float], ...] = (
    ("-{W}-", 6.0), ("- {W} -", 2.0), ("({W})", 1.5), ("-{W} -", 1.0), ("{W}", 1.0),
)
PACK_TAGS: tuple[tuple[str, float], ...] = (
    ("({N}-Pack)", 4.0), ("({N}-PACK)", 2.0), ("{N}pk", 1.0), ("{N} Pack", 1.0),
)
# fmt: on
