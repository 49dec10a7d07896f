"""The product forms the generator renders, as data: their words, sizes and categories.

One :class:`Form` is one catalog product kind, i.e. one (``product_type``, ``product_subtype``)
pair of the Jane-style catalog, together with everything a POS prints for it: form words, weights,
packs, a state-regulatory category, a store category and a menu category. Form indexes into
:data:`FORMS` are what the catalog arrays store, so the table order is part of the output.

The other words names are made of are in ``name_words.py``; how the Kushy data set's categories
read as forms is in ``kushy_forms.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Weight:
    """One size a product is sold in: the menu option and the ways names print it."""

    option: str
    displays: tuple[str, ...]
    price: float


@dataclass(frozen=True, slots=True)
class Form:
    """One catalog product kind and how catalogs and POS systems write it."""

    key: str
    family: str
    product_type: str
    subtype: str | None
    strain_based: bool  # named after a strain; else after a flavor or product phrase + a noun
    share: float  # relative frequency inside its family
    catalog_words: tuple[str, ...]  # words a Jane name appends to a strain ("" = none)
    pos_words: tuple[tuple[str, float], ...]  # POS form words and their weights ("" = none)
    nouns: tuple[tuple[str, str], ...]  # product forms: (singular, plural) noun ending the name
    flavors: str  # product forms: key into FLAVORS
    weights: tuple[Weight, ...]
    catalog_amounts: tuple[str, ...]  # Jane `amount` values ("10pk" = a pack of 10)
    packs: tuple[int, ...]  # pack sizes drawn, and no longer printed, for a single pre-roll
    state_category: str
    store_category: str
    menu_category: str


def _w(option: str, *displays: str, price: float) -> Weight:
    return Weight(option, displays or (option,), price)


# Sizes shared by several forms.
_FLOWER_WEIGHTS = (
    _w("1g", "1.0g", "1g", "1 g", price=12.0),
    _w("3.5g", "3.5g", "1/8 oz", "3.5 g", "3.5G", price=40.0),
    _w("7g", "7.0g", "1/4 oz", "7g", price=75.0),
    _w("14g", "14.0g", "1/2 oz", price=140.0),
    _w("28g", "28.0g", "1 oz", "28g", price=260.0),
)
_SHAKE_WEIGHTS = _FLOWER_WEIGHTS[2:]
_BLUNT_WEIGHTS = (_w("1g", "1g", "1.0g", price=14.0), _w("2g", "2g", "2.0g", price=25.0))
_CONCENTRATE_WEIGHTS = (
    _w("0.5g", "0.5g", ".5g", "500mg", price=30.0),
    _w("1g", "1.0g", "1g", "1 g", price=50.0),
    _w("2g", "2.0g", "2g", price=90.0),
)
_CART_WEIGHTS = (
    _w("300mg", "300mg", "0.3g", price=30.0),
    _w("500mg", "500mg", "0.5g", ".5g", price=45.0),
    _w("1g", "1.0g", "1g", "1000mg", price=75.0),
)
_EDIBLE_WEIGHTS = (
    _w("10mg", "10mg", price=5.0),
    _w("50mg", "50mg", price=12.0),
    _w("100mg", "100mg", "100 mg", "100MG", price=20.0),
    _w("200mg", "200mg", price=35.0),
)
_TOPICAL_WEIGHTS = (
    _w("100mg", "100mg", price=25.0),
    _w("250mg", "250mg", price=45.0),
    _w("2oz", "2 oz", "2oz", price=40.0),
)
_TINCTURE_WEIGHTS = (
    _w("300mg", "300mg", price=40.0),
    _w("500mg", "500mg", price=60.0),
    _w("30ml", "30ml", "1 oz", price=50.0),
)

USABLE = "Usable Marijuana"
INHALATION = "Marijuana Extract for Inhalation"
SOLID_EDIBLE = "Solid Marijuana Infused Edible"
LIQUID_EDIBLE = "Liquid Marijuana Infused Edible"
TOPICALS = "Marijuana Infused Topicals"
TINCTURES = "Tinctures"


# The tables below are data, laid out by hand to read as tables.
# fmt: off
def _strain_form(
    key: str,
    family: str,
    product_type: str,
    subtype: str | None,
    share: float,
    catalog_words: tuple[str, ...],
    pos_words: tuple[tuple[str, float], ...],
    weights: tuple[Weight, ...],
    catalog_amounts: tuple[str, ...],
    state: str,
    store: str,
    menu: str,
    packs: tuple[int, ...] = (),
) -> Form:
    return Form(
        key, family, product_type, subtype, True, share, catalog_words, pos_words, (), "",
        weights, catalog_amounts, packs, state, store, menu,
    )


def _product_form(
    key: str,
    family: str,
    product_type: str,
    subtype: str | None,
    share: float,
    nouns: tuple[tuple[str, str], ...],
    flavors: str,
    weights: tuple[Weight, ...],
    catalog_amounts: tuple[str, ...],
    packs: tuple[int, ...],
    state: str,
    store: str,
    menu: str,
) -> Form:
    return Form(
        key, family, product_type, subtype, False, share, ("",), (("", 1.0),), nouns, flavors,
        weights, catalog_amounts, packs, state, store, menu,
    )


FORMS: tuple[Form, ...] = (
    _strain_form(
        "flower", "flower", "flower", None, 0.8, ("",),
        (("", 6.0), ("FLOWER", 3.0), ("Flower", 1.5), ("Bud", 0.5)),
        _FLOWER_WEIGHTS, ("3.5g", "1g"), USABLE, "Flower", "Flower",
    ),
    _strain_form(
        "shake", "flower", "flower", "Shake", 0.1, ("shake",),
        (("SHAKE", 3.0), ("Shake", 2.0)),
        _SHAKE_WEIGHTS, ("7g",), USABLE, "Flower", "Flower",
    ),
    _strain_form(
        "popcorn", "flower", "flower", "Popcorn", 0.1, ("popcorn",),
        (("POPCORN", 3.0), ("Popcorn", 1.0), ("Smalls", 1.0), ("Popcorn Buds", 0.5)),
        _FLOWER_WEIGHTS[1:4], ("14g",), USABLE, "Flower", "Flower",
    ),
    _strain_form(
        "preroll", "pre-roll", "pre-roll", "Pre-Rolls", 0.75, ("pre-roll", "preroll"),
        (("PRE-ROLL", 3.0), ("Pre-Roll", 3.0), ("Preroll", 2.0), ("Pre Roll", 1.0), ("Joint", 0.5)),
        (*_FLOWER_WEIGHTS[:1], _w("0.5g", "0.5g", ".5g", price=7.0)), ("1g", "5pk", "2pk"),
        USABLE, "Pre-Rolls", "Pre-Rolls", packs=(2, 5, 10),
    ),
    _strain_form(
        "infused_preroll", "pre-roll", "pre-roll", "Infused Pre-Rolls", 0.25,
        ("infused pre-roll",),
        (("Infused PRE-ROLL", 2.0), ("Infused Pre-Roll", 2.0), ("INFUSED Preroll", 1.0)),
        _FLOWER_WEIGHTS[:1], ("1g",), USABLE, "Pre-Rolls", "Pre-Rolls", packs=(2, 3),
    ),
    _strain_form(
        "blunt", "pre-roll", "pre-roll", "Blunts", 0.1, ("blunt", "hemp blunt"),
        (("Blunt", 2.0), ("BLUNT", 1.0), ("Hemp Blunt", 0.5)),
        _BLUNT_WEIGHTS, ("1g", "2g"), USABLE, "Pre-Rolls", "Pre-Rolls", packs=(2,),
    ),
    _strain_form(
        "cartridge", "vape", "vape", "Cartridges", 0.65, ("vaporizer cartridge", "cartridge"),
        (
            ("Vaporizer CARTRIDGE", 4.0), ("VAPORIZER CARTRIDGE", 1.0), ("Cart", 2.0),
            ("510 Cartridge", 1.0), ("Vape Cart", 2.0), ("Cartridge", 2.0),
        ),
        _CART_WEIGHTS, ("500mg", "1g", "300mg"), INHALATION, "Vape Cartridges", "Vaporizers",
    ),
    _strain_form(
        "disposable", "vape", "vape", "Disposables", 0.25,
        ("disposable vaporizer", "disposable", "all-in-one vape"),
        (
            ("DISPOSABLE Vaporizer", 3.0), ("Disposable Pen", 2.0), ("Disposable Vape", 2.0),
            ("Disposable", 1.0), ("All-In-One", 0.5),
        ),
        (_w("200mg", "200mg", price=25.0), *_CART_WEIGHTS[:2]), ("200mg", "300mg", "500mg"),
        INHALATION, "Disposables", "Vaporizers",
    ),
    _strain_form(
        "pod", "vape", "vape", "Pods", 0.1, ("pod",),
        (("Pod", 2.0), ("POD", 1.0), ("Vape Pod", 1.0)),
        _CART_WEIGHTS[1:], ("500mg",), INHALATION, "Vape Cartridges", "Vaporizers",
    ),
    _strain_form(
        "wax", "extract", "extract", "Waxes", 0.2, ("wax",),
        (
            ("Wax", 2.0), ("WAX", 1.0), ("RAW WAX", 1.0), ("Sugar Wax", 1.0), ("Crumble", 1.0),
            ("Honeycomb", 0.3),
        ),
        _CONCENTRATE_WEIGHTS, ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _strain_form(
        "shatter", "extract", "extract", "Shatters", 0.2, ("shatter",),
        (("SHATTER", 2.0), ("Shatter", 2.0)),
        _CONCENTRATE_WEIGHTS, ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _strain_form(
        "rosin", "extract", "extract", "Rosins", 0.1, ("rosin",),
        (("Rosin", 2.0), ("ROSIN", 1.0), ("Live Rosin", 1.0)),
        _CONCENTRATE_WEIGHTS[:2], ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _strain_form(
        "live_resin", "extract", "extract", "Live Resins", 0.15, ("live resin",),
        (("Live Resin", 3.0), ("LIVE RESIN", 1.0)),
        _CONCENTRATE_WEIGHTS[:2], ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _strain_form(
        "badder", "extract", "extract", "Badders", 0.1, ("badder",),
        (("Badder", 2.0), ("BADDER", 1.0), ("Batter", 1.0), ("Budder", 1.0)),
        _CONCENTRATE_WEIGHTS[:2], ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _strain_form(
        "sauce", "extract", "extract", "Sauces", 0.08, ("sauce", "live sauce"),
        (("Sauce", 2.0), ("Live Sauce", 2.0), ("SAUCE", 1.0)),
        _CONCENTRATE_WEIGHTS[:2], ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _strain_form(
        "distillate", "extract", "extract", "Distillates", 0.1, ("distillate",),
        (("Distillate", 2.0), ("DISTILLATE", 1.0), ("Distillate Syringe", 1.0)),
        _CONCENTRATE_WEIGHTS[:2], ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _strain_form(
        "hash", "extract", "extract", "Hash", 0.07, ("hash",),
        (("Hash", 2.0), ("HASH", 1.0), ("Bubble Hash", 1.0), ("Ice Water Hash", 0.5)),
        _CONCENTRATE_WEIGHTS[:2], ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _strain_form(
        "kief", "extract", "extract", "Kief", 0.05, ("kief", "dry sift"),
        (("Kief", 2.0), ("KIEF", 1.0), ("Dry Sift", 1.0)),
        _CONCENTRATE_WEIGHTS[:2], ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _strain_form(
        "oil", "extract", "extract", "Oils", 0.08, ("oil", "co2 oil"),
        (("Oil", 2.0), ("OIL", 1.0), ("CO2 Oil", 1.0)),
        _CONCENTRATE_WEIGHTS[:2], ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _strain_form(
        "diamonds", "extract", "extract", "Diamonds", 0.06, ("diamonds", "thca diamonds"),
        (("Diamonds", 2.0), ("DIAMONDS", 1.0), ("THCa Diamonds", 1.0)),
        _CONCENTRATE_WEIGHTS[:2], ("1g",), INHALATION, "Concentrates", "Concentrate",
    ),
    _product_form(
        "candies", "edible", "edible", "Candies", 0.4,
        (("Gummy", "Gummies"), ("Chew", "Chews"), ("Lozenge", "Lozenges"),
         ("Hard Candy", "Hard Candy")),
        "candy", _EDIBLE_WEIGHTS, ("10pk", "20pk", "100mg"), (2, 5, 10, 20),
        SOLID_EDIBLE, "Edibles", "Edible",
    ),
    _product_form(
        "chocolates", "edible", "edible", "Chocolates", 0.2,
        (("Chocolate Bar", "Chocolate Bars"), ("Chocolate", "Chocolates"), ("Truffle", "Truffles")),
        "chocolate", _EDIBLE_WEIGHTS, ("10pk", "4pk", "100mg"), (4, 10),
        SOLID_EDIBLE, "Edibles", "Edible",
    ),
    _product_form(
        "baked", "edible", "edible", "Baked Goods", 0.12,
        (("Brownie", "Brownies"), ("Cookie", "Cookies"), ("Granola Bar", "Granola Bars")),
        "baked", _EDIBLE_WEIGHTS, ("4pk", "2pk"), (2, 4),
        SOLID_EDIBLE, "Edibles", "Edible",
    ),
    _product_form(
        "drinks", "edible", "edible", "Drinks", 0.1,
        (("Soda", "Soda"), ("Tonic", "Tonic"), ("Seltzer", "Seltzer"), ("Lemonade", "Lemonade")),
        "drink", _EDIBLE_WEIGHTS[:3], ("100mg", "10mg"), (4,),
        LIQUID_EDIBLE, "Beverages", "Edible",
    ),
    _product_form(
        "drink_mixes", "edible", "edible", "Drink Mixes", 0.06,
        (("Drink Mix", "Drink Mix"), ("Powdered Tonic Mix", "Powdered Tonic Mix")),
        "drink", _EDIBLE_WEIGHTS[2:], ("4pk",), (4, 10),
        SOLID_EDIBLE, "Edibles", "Edible",
    ),
    _product_form(
        "capsules", "edible", "edible", "Capsules", 0.12,
        (("Capsule", "Capsules"), ("Softgel", "Softgels"), ("Tablet", "Tablets")),
        "capsule", _EDIBLE_WEIGHTS, ("10pk", "30pk", "40pk"), (10, 20, 30),
        SOLID_EDIBLE, "Capsules", "Edible",
    ),
    _product_form(
        "lotions", "topical", "topical", "Lotions", 0.45,
        (("Lotion", "Lotion"), ("Body Lotion", "Body Lotion"), ("Cream", "Cream")),
        "topical", _TOPICAL_WEIGHTS, ("100mg", "2oz"), (),
        TOPICALS, "Topicals", "Topicals",
    ),
    _product_form(
        "balms", "topical", "topical", "Balms", 0.4,
        (("Balm", "Balm"), ("Salve", "Salve"), ("Muscle Balm", "Muscle Balm")),
        "topical", _TOPICAL_WEIGHTS, ("100mg", "250mg"), (),
        TOPICALS, "Topicals", "Topicals",
    ),
    _product_form(
        "bath_bombs", "topical", "topical", "Bath Bombs", 0.15,
        (("Bath Bomb", "Bath Bombs"),),
        "topical", _TOPICAL_WEIGHTS[:1], ("2pk",), (2, 4),
        TOPICALS, "Topicals", "Topicals",
    ),
    _product_form(
        "tincture", "tincture", "tincture", None, 1.0,
        (("Tincture", "Tincture"), ("Tincture Drops", "Tincture Drops")),
        "tincture", _TINCTURE_WEIGHTS, ("300mg", "500mg"), (),
        TINCTURES, "Tinctures", "Tinctures",
    ),
)

# fmt: on

FORM_INDEX: dict[str, int] = {form.key: i for i, form in enumerate(FORMS)}

# Forms a careful reader may take for one another when the exact one is missing: a wax for a
# live resin, a budder for a wax, a kief for a hash, an oil for a cartridge. A product the
# catalog lacks is never rendered in a form of its catalog product's group (it would not be
# plainly absent); forms in no group (shatter, rosin, flower, pre-roll) are told apart.
CONFUSABLE: tuple[frozenset[str], ...] = (
    frozenset({"wax", "badder", "live_resin", "sauce", "diamonds"}),
    frozenset({"hash", "kief"}),
    frozenset({"oil", "distillate", "cartridge"}),
)
CONFUSED_WITH: list[tuple[int, ...]] = [
    tuple(sorted({i} | {FORM_INDEX[k] for group in CONFUSABLE if form.key in group for k in group}))
    for i, form in enumerate(FORMS)
]

# How often each family appears in a brand's line-up when the data set says nothing about it.
FAMILY_WEIGHTS: dict[str, float] = {
    "flower": 0.30,
    "pre-roll": 0.12,
    "vape": 0.22,
    "extract": 0.20,
    "edible": 0.10,
    "topical": 0.03,
    "tincture": 0.03,
}

LINEAGES: tuple[str, ...] = ("", "indica", "sativa", "hybrid", "cbd")
