"""The matcher's rules for names as stores type them, one table row a rule (docs/matching.md).

The catalog is invented for these tests; each row is a store's rendering and the id a careful
catalog manager gives it (None: no id), with the rule it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from poslink.domain import load_knowledge
from poslink.matching import Matcher
from poslink.matching.align import PREFIX, TYPO, align, word_similarity
from poslink.matching.score import form_relation
from poslink.records import ParsedItem, Status

Build = Callable[[Sequence[tuple[object, ...]]], Matcher]

# (id, amount, brand, lineage, name, product_type, product_subtype)
CATALOG = [
    (
        1,
        "1g",
        "Acme Live Vape",
        "",
        "acme live vape | granddaddy purple | 1g",
        "vape",
        "Cartridges",
    ),
    (2, "1g", "Acme Live Vape", "", "acme live vape | tangie | 1g", "vape", "Cartridges"),
    (3, "", "Acme Live Vape", "", "tangie disposable", "vape", "Disposables"),
    (10, "", "Kettle Creek", "", "blue razz enhanced gummies", "edible", "Candies"),
    (11, "", "Kettle Creek", "", "huckleberry enhanced gummies", "edible", "Candies"),
    (12, "", "Kettle Creek", "", "sour cherry enhanced gummies", "edible", "Candies"),
    (13, "", "Kettle Creek", "", "pomegranate enhanced gummies", "edible", "Candies"),
    (20, "", "Mesa Verde Extracts", "", "peach haze", "extract", "Waxes"),
    (21, "", "Mesa Verde Extracts", "", "lemon og", "extract", "Shatter"),
    (22, "", "Mesa Verde Extracts", "", "lemon og", "extract", "Live Resins"),
    (23, "", "Mesa Verde Extracts", "", "tropic thunder", "extract", "Oils"),
    (30, "", "Sol Farms", "", "vape cart", "vape", "Cartridges"),
    (31, "", "Sol Farms", "", "sunset sherbet", "flower", ""),
    (
        40,
        "",
        "Clearwater",
        "",
        "zapp infused pre-roll | blueberry",
        "pre-roll",
        "Infused Pre-Rolls",
    ),
    (
        41,
        "",
        "Clearwater",
        "",
        "zapp infused pre-roll | grapevine",
        "pre-roll",
        "Infused Pre-Rolls",
    ),
    (42, "", "Clearwater", "", "clearwater elite cart | moonshine", "vape", "Cartridges"),
    (50, "", "Other Co", "", "blue dream", "flower", ""),
    (51, "", "Other Co", "", "purple pineapple express", "flower", ""),
    (60, "", "Dupe Co", "", "lemon cake", "flower", ""),
    (61, "", "Dupe Co", "", "lemon cake", "flower", ""),
    (62, "", "Dupe Co", "", "jelly roll sativa", "edible", "Baked Goods"),
    (63, "", "Dupe Co", "", "jelly roll indica", "edible", "Baked Goods"),
    (70, "", "Gonzo Family Farms", "", "sour tangie", "flower", ""),
    (80, "", "Tart Co", "", "1:1 lime twist 5mg", "edible", "Candies"),
    (81, "", "Tart Co", "", "1:1 mango tango 5mg", "edible", "Candies"),
    (90, "", "Peak Extracts", "", "exclusive og", "extract", "Shatters"),
    (91, "", "Peak Extracts", "", "sunrise og", "extract", "Shatters"),
    (92, "", "O.G. Cannabis", "", "og kush", "flower", ""),
    (95, "", "Kiln Co", "", "vape cart", "vape", "Cartridges"),
    (96, "", "Kiln Co", "", "blue dream cart", "vape", "Cartridges"),
    (97, "", "Moonfield", "", "orbit gummies - guava", "edible", "Candies"),
    (98, "", "Moonfield", "", "orbit gummies - lime", "edible", "Candies"),
    (99, "", "Moonfield", "", "calma - rest", "edible", ""),
    (100, "", "Moonfield", "", "calma - focus", "edible", ""),
    (101, "", "Moonfield", "", "honey oat snack bar", "edible", ""),
    (110, "", "Hilltop Farms", "", "harlequin", "flower", ""),
    (111, "", "Hilltop Farms", "", "acdc cbd", "extract", "Shatters"),
    (112, "", "Hilltop Farms", "", "lemon haze", "flower", ""),
    (113, "", "Hilltop Farms", "", "harlequin og", "extract", "Waxes"),
    (120, "", "Hilltop Farms", "", "lemon haze hemp blunt", "pre-roll", "Blunts"),
    (121, "", "Hilltop Farms", "", "a-dub", "flower", "Shake"),
    (122, "", "Hilltop Farms", "", "dub shake", "flower", "Shake"),
    # Catalog fields that disagree with the product's own name.
    (130, "", "Cocoa Hollow", "", "cocoa hollow sea salt truffles", "edible", "Baked Goods"),
    (131, "", "Cocoa Hollow", "", "topical - calm relief - 300mg", "gear", ""),
    # One product in two volumes.
    (140, "", "Riverbend", "", "rescue rub - 120 ml", "topical", ""),
    (141, "", "Riverbend", "", "rescue rub - 50 ml", "topical", ""),
    (142, "30ml", "Riverbend", "", "daily drops", "tincture", ""),
    # One name, punctuation aside, of three brands.
    (150, "", "Summit Extracts", "", "og kush - crumble", "extract", "Waxes"),
    (151, "", "Valley Labs", "", "og kush - crumble", "extract", "Waxes"),
    (152, "", "Canyon Co", "", "og kush crumble", "extract", "Waxes"),
    (160, "", "Harbor Extracts", "", "tangie - oil", "extract", "Oils"),
    (161, "", "Harbor Extracts", "", "tangie - shatter", "extract", "Shatters"),
    (162, "", "Harbor Extracts", "", "tangie kush - oil", "extract", "Oils"),
    (170, "1g", "Juniper Farms", "", "purple kush - pre-roll", "pre-roll", "Pre-Rolls"),
    (171, "3.5g", "Juniper Farms", "", "gelato pre-roll pack", "pre-roll", "Pre-Roll Packs"),
    (172, "0.5g", "Juniper Farms", "", "sour diesel pre-roll 10pk", "pre-roll", "Pre-Rolls"),
    (
        240,
        "1g",
        "Quartz Hill",
        "",
        "alien og - live resin vaporizer cartridge",
        "vape",
        "Cartridges",
    ),
    (241, "1g", "Quartz Hill", "", "distillate cartridge | lemon haze", "vape", "Cartridges"),
    (242, "1g", "Quartz Hill", "", "distillate cartridge | blue dream", "vape", "Cartridges"),
    (243, "1g", "Quartz Hill", "", "gelato - live resin vaporizer cartridge", "vape", "Cartridges"),
    (244, "1g", "Quartz Hill", "", "tangie - live resin vaporizer cartridge", "vape", "Cartridges"),
    (245, "1g", "Quartz Hill", "", "mimosa - live resin vaporizer cartridge", "vape", "Cartridges"),
    (
        246,
        "1g",
        "Quartz Hill",
        "",
        "zkittlez - live resin vaporizer cartridge",
        "vape",
        "Cartridges",
    ),
    (220, "1g", "Cedar Ridge", "", "lemon haze live resin cartridge", "vape", "Cartridges"),
    (221, "1g", "Cedar Ridge", "", "tangie live resin cartridge", "vape", "Cartridges"),
    (222, "1g", "Cedar Ridge", "", "gelato live resin cartridge", "vape", "Cartridges"),
    (230, "0.5g", "Birch Hollow", "", "birch hollow 0.5g preroll - tangie", "pre-roll", ""),
    (223, "", "Cedar Ridge", "", "lemon haze", "flower", ""),
    (224, "", "Cedar Ridge", "", "tangie", "flower", ""),
    (225, "", "Cedar Ridge", "", "gelato", "flower", ""),
    (226, "", "Cedar Ridge", "", "sour diesel", "flower", ""),
    (180, "", "Orchard Bakery", "", "chocolate chip protein bar", "edible", "Baked Goods"),
    (181, "", "Orchard Bakery", "", "cookies and cream chocolate bar", "edible", "Chocolates"),
    (182, "", "Orchard Bakery", "", "haute chocolate", "edible", "Drinks"),
    (200, "1g", "Pinecrest", "", "tangie vaporizer cartridge", "vape", "Cartridges"),
    (201, "1g", "Pinecrest", "", "tangie live resin cartridge", "vape", "Cartridges"),
    (202, "1g", "Pinecrest", "", "gelato vaporizer cartridge", "vape", "Cartridges"),
    (210, "1g", "Pinecrest", "", "tangie rosin", "extract", "Rosins"),
    (211, "1g", "Pinecrest", "", "tangie live rosin", "extract", "Rosins"),
    (213, "1g", "Pinecrest", "", "mango live rosin", "extract", "Rosins"),
    (214, "1g", "Pinecrest", "", "tangie crumble", "extract", "Crumbles"),
    (212, "30ml", "Pinecrest", "", "citrus tincture", "tincture", ""),
    (215, "500mg", "Pinecrest", "", "peppermint drops", "tincture", ""),
    (190, "", "Lumen Labs", "", "dream caps", "edible", "Capsules"),
    (191, "10mg", "Lumen Labs", "", "dream caps - 10mg", "edible", "Capsules"),
    (192, "50mg", "Lumen Labs", "", "dream caps - 50mg", "edible", "Capsules"),
]

CASES = [
    # Layouts: brand first, pipes, dashes and brackets, size first, "by Brand"; nicknames
    # and words cut short; lineage letters.
    ("Acme | 1g Cart | Granddaddy Purp (I)", "", "1"),
    ("Acme - Cartridge - [1g] - GDP", "", "1"),
    ("1g Granddaddy Purple Cart by Acme", "", "1"),
    ("ACME LIVE VAPE Tangie 1g Cartridge (REC) $35", "", "2"),
    # Sizes both stated and different; another form family of the same type.
    ("Acme | 0.5g Cart | Granddaddy Purple", "", None),
    ("Acme | 1g Disposable | Granddaddy Purple", "", None),
    ("Acme Tangie Disposable", "", "3"),
    # Words most of a brand's products carry (a line's) may be left out; a sibling's word or a
    # flavour the product lacks rules it out; two kinds of one family are near, never given.
    ("Kettle Creek Huckleberry Gummies 100mg", "", "11"),
    ("Kettle Creek - Pomegranate - 10pk", "Edibles", "13"),
    ("Kettle Creek Sour Apple Gummies", "", None),
    ("Kettle Creek Huckleberry Chews", "", None),
    # Form families: a kind of the catalog's family is it (badder of "Waxes", sugar of "Live
    # Resins"); another family is not (shatter is not wax; oil is not shatter).
    ("Mesa Verde Peach Haze Badder 1g", "", "20"),
    ("Mesa Verde Peach Haze Shatter", "", None),
    ("Mesa Verde - Lemon OG - Sugar", "", "22"),
    ("Mesa Verde Lemon OG Shatter 1g", "", "21"),
    ("Mesa Verde Tropic Thunder Shatter", "", None),
    # A brand's generic product stands for a record of its form that names a strain; not for
    # another form.
    ("Sol Farms Tangie Cart 1g", "", "30"),
    ("Sol Farms Tangie Gummies", "", None),
    # ... unless the brand lists strains of that form by name: a strain it does not list is
    # not its generic product.
    ("Kiln Co Tangie Cart 1g", "", None),
    ("Kiln Co Blue Dream Cart 1g", "", "96"),
    ("Kiln Co Vape Cart", "", "95"),
    # No brand named: a word only one brand's products use (a product line) names the brand,
    # and the record must then name the product in full.
    ("Zapp - Blueberry infused prerolls", "", "40"),
    ("Zapp - Strawberry infused prerolls", "", None),
    # No brand named: a name the whole trade uses gives nothing; a unique name its product.
    ("Blue Dream 3.5g", "Flower", None),
    ("Purple Pineapple Express 3.5g", "Flower", "51"),
    # The catalog's duplicates: the first listed; a lineage named tells products apart.
    ("Dupe Co Lemon Cake 3.5g", "", "60"),
    ("Dupe Co Jelly Roll Sativa", "", "62"),
    ("Dupe Co Jelly Roll", "", None),
    # A brand as stores write it: its first word alone.
    ("Gonzo - Sour Tangie - 3.5g", "", "70"),
    # An edible named by part of its name, adding nothing: its flavour; a flavour the product
    # lacks is another product.
    ("Tart Co Lime 1:1 Gummies", "", "80"),
    ("Tart Co Lychee 1:1 Gummies", "", None),
    ("Tart Co Lime Lychee 1:1 Gummies", "", None),
    # A brand at each end: the longer written one ("OG" is O.G. Cannabis' alias and a strain's
    # word). A whole name that is a product's text is that product, whatever brand's alias
    # one of its words is.
    ("Peak Extracts | 1g Shatter | Sunrise OG", "", "91"),
    ("Exclusive OG", "", "90"),
    # A brand that names its gummies as such: a product of its naming no form is not a gummy,
    # unless it is of a line (a word several products carry) none of its gummies belong to.
    ("Moonfield Orbit Gummies - Lime", "Edibles", "98"),
    ("Moonfield Calma Rest Gummies", "Edibles", "99"),
    ("Moonfield Gummies - Honey Oat", "Edibles", None),
    # A strain bred for CBD names a CBD product whether or not the name says so; a THC
    # strain's product, or a cross of a CBD strain's, is not its CBD version.
    ("Hilltop Farms - Harlequin (CBD) - 3.5g", "", "110"),
    ("Hilltop Farms ACDC Shatter 1g", "", "111"),
    ("Hilltop Farms - Lemon Haze (CBD) - 3.5g", "", None),
    ("Hilltop Farms - Harlequin OG Wax (CBD)", "", None),
    ("Hilltop Farms - Harlequin OG Wax", "", "113"),
    # "Hemp" of a hemp blunt says its wrap, on either side.
    ("Hilltop Farms | Blunt | Lemon Haze", "", "120"),
    ("Hilltop Farms Lemon Haze Hemp Blunt", "", "120"),
    # A letter hyphened to a word is the word's first letter: "A-Dub" is not "Dub".
    ("Hilltop Farms - Dub Shake - 7g", "", "122"),
    ("Hilltop Farms A-Dub Shake 7g", "", "121"),
    # A whole name equal to a product's is that product, even where the catalog's type or
    # form field says otherwise than the name's own form words.
    ("Cocoa Hollow Sea Salt Truffles", "Edibles", "130"),
    ("Topical - Calm Relief - 300mg", "Other", "131"),
    # A volume is a size: stated on both sides, it tells one product's sizes apart (one fluid
    # ounce is 30 ml, within the tolerance).
    ("Riverbend Rescue Rub - 50 ML", "Topicals", "141"),
    ("Riverbend Rescue Rub 120ml", "", "140"),
    ("Riverbend Rescue Rub 25ml", "", None),
    ("Riverbend Daily Drops 1 fl oz", "", "142"),
    ("Riverbend Daily Drops 15ml", "", None),
    # A whole name several brands' products have (punctuation aside) is none's in particular
    # when the record names no brand; naming one, it is that brand's.
    ("OG Kush CRUMBLE", "Concentrates", None),
    ("OG Kush - Crumble", "Concentrates", None),
    ("Valley Labs OG Kush - Crumble", "", "151"),
    ("Canyon Co OG Kush Crumble", "Concentrates", "152"),
    # "Cannabis" says what every product is, not which.
    ("Harbor Extracts Tangie Cannabis Oil 1g", "Concentrates", "160"),
    # ... nor "dab", what a concentrate is for.
    ("Dab Oil: Tangie (Harbor Extracts) 1g", "Concentrates", "160"),
    ("Dabs - Oil - Tangie - 1g (Harbor Extracts)", "", "160"),
    # A CO2 syringe holds CO2 oil: the brand's oil, not a distillate it may be near.
    ("Harbor Extracts | Tangie | CO2 Syringe 1g", "", "160"),
    # A flavour the product lacks is another edible.
    ("Kettle Creek Huckleberry Enhanced Gummies", "Edibles", "11"),
    ("Kettle Creek Lavender Huckleberry Enhanced Gummies", "Edibles", None),
    # Milligrams of a pre-roll are its weight, as a cartridge's are.
    ("Juniper Farms Purple Kush 500mg Pre-Roll", "", None),
    ("Juniper Farms Purple Kush 1000mg Pre-Roll", "", "170"),
    # A pack of pre-rolls is not the single the catalog lists; a pack whose weight is a
    # pack's may be the brand's pack.
    ("Juniper Farms Purple Kush Pre-Roll 5pk", "", None),
    ("Purple Kush Pre-Roll (2-Pack) - Juniper Farms", "", None),
    ("Juniper Farms Gelato Pre-Roll 7pk", "", "171"),
    # A cartridge whose name says it holds distillate is no live resin one, and the reverse,
    # under a vape category as without one.
    ("Quartz Hill Alien OG Distillate Cart 1g", "Vapes", None),
    ("Quartz Hill Alien OG Distillate Cart 1g", "", None),
    ("Quartz Hill Alien OG Live Resin Cart 1g", "Vapes", "240"),
    ("Quartz Hill Lemon Haze Live Resin Cart 1g", "Vapes", None),
    ("Quartz Hill Lemon Haze Distillate Cart 1g", "Vapes", "241"),
    # A pack weighed whole is the catalog's pack of pieces weighed each, the same count.
    ("Juniper Farms Sour Diesel Pre-Roll 5g (10pk)", "", "172"),
    ("PR 10 pk - 5g total Sour Diesel - Juniper Farms", "", "172"),
    ("Juniper Farms Sour Diesel Pre-Roll 3.5g (7pk)", "", None),
    # A pre-roll weighing what a single weighs, with no count, is no pack; one stating no
    # weight may be the pack the catalog names.
    ("Juniper Farms Sour Diesel Pre-Roll 0.5g", "", None),
    ("Juniper Farms Sour Diesel Pre-Roll", "", "172"),
    # What a brand's cartridges all hold ("live resin") is no line its form says: a plain
    # cartridge is not its live resin one.
    ("Cedar Ridge Lemon Haze Vape Cartridge 1g", "", None),
    ("Cedar Ridge Lemon Haze Live Resin Cart 1g", "", "220"),
    # A catalog's plain "preroll" (no subtype) is no infused one ("Inf." written out).
    ("Birch Hollow Tangie PR 0.5g", "", "230"),
    ("Birch Hollow Tangie Infused Pre-Roll 0.5g", "", None),
    ("Birch Hollow Tangie Inf. PR 0.5g", "", None),
    # A flavour word of an edible's name is no form against its catalog subtype when the
    # product's own name has it: the catalog files this "chocolate" bar under baked goods.
    ("Orchard Bakery Chocolate Chip Protein Bar 50mg", "Edibles", "180"),
    ("ORCHARD BAKERY HAUTE CHOCOLATE -10mg-", "Edibles", "182"),
    # ... but brownies the product's name does not say are another form than its chocolate.
    ("Orchard Bakery Cookies and Cream Brownies", "Edibles", None),
    # Of the catalog's variants of one name by potency, a record stating none is the one
    # stating none; one stating its potency is that one.
    ("Lumen Labs Dream Caps", "Edibles", "190"),
    ("Dream Caps 50mg - Lumen Labs", "Edibles", "192"),
    # A live resin cartridge is not the brand's plain (distillate) one.
    ("PINECREST | Tangie | Live Resin Cart | 1g", "Vapes", "201"),
    ("Pinecrest Tangie LR Cart 1g", "Concentrates", "201"),
    ("Pinecrest Tangie Distillate Cart 1g", "Concentrates", "200"),
    ("Pinecrest Gelato Live Resin Cart 1g", "Concentrates", None),
    # A live rosin is a kind of rosin: the brand's own of each is told apart.
    ("Pinecrest Tangie Rosin 1g", "Concentrates", "210"),
    ("Pinecrest Tangie Live Rosin 1g", "Concentrates", "211"),
    # A rosin pressed from flower is a rosin; a rosin is not the brand's live one.
    ("Pinecrest Tangie Flower Rosin 1g", "Concentrates", "210"),
    ("Pinecrest Gelato Live Rosin 1g", "Concentrates", None),
    ("Pinecrest Mango Rosin 1g", "Concentrates", None),
    # A plain wax is not the brand's crumble; a budder is a kind of a catalog's "Waxes".
    ("Pinecrest Tangie Wax 1g", "Concentrates", None),
    ("Pinecrest Tangie Wx 1g", "Concentrates", None),
    ("Pinecrest Tangie Crmbl 1g", "Concentrates", "214"),
    ("Mesa Verde Extracts Peach Haze Budder", "Concentrates", "20"),
    ("Mesa Verde Extracts Peach Haze Bdr", "Concentrates", "20"),
    # A tincture's ounce is a fluid ounce: 1 oz is its 30 ml, 2 oz is not.
    ("Pinecrest Citrus Tincture 1oz", "Tinctures", "212"),
    ("Pinecrest Citrus Tincture 2oz", "Tinctures", None),
]


@pytest.mark.parametrize(("name", "category", "expected"), CASES)
def test_store_renderings(
    matcher_for: Build, name: str, category: str, expected: str | None
) -> None:
    matcher = matcher_for(CATALOG)
    item = matcher.index.parser().parse_pos(name, category)
    match = matcher.match(0, item)
    assert match.jane_product_id == expected, (match.status, match.reason, item)
    if expected is not None:
        assert match.status is Status.MATCHED and 0.5 <= match.score <= 1.0


def test_the_kinds_of_one_family_are_shown_for_review_never_given(matcher_for: Build) -> None:
    matcher = matcher_for(CATALOG)
    item = matcher.index.parser().parse_pos("Kettle Creek Huckleberry Chews")
    shown = matcher.candidates(item, floor=0.1)
    near = [c for c in shown if c.form == "near"]
    assert [matcher.index.product_id(c.position) for c in near] == ["11"]
    assert matcher.match(0, item).jane_product_id is None


# A big grower's catalog (invented): 60 of its 130 flowers are a "... Diesel", 50 a "... Haze",
# 20 a "... Kush": no word is in half of them, so none is a line's word.
_SHADES = ("amber", "azure", "cobalt", "copper", "ember", "ivory", "jade", "scarlet")
_THINGS = ("comet", "falcon", "harbor", "lantern", "meadow", "orchid", "summit", "willow")
_PAIRS = [f"{a} {b}" for a in _SHADES for b in _THINGS]
BIG_GROWER = [
    (i, "", "Ridgeline Growers", "", name, "flower", "")
    for i, name in enumerate(
        [f"{p} diesel" for p in _PAIRS[:60]]
        + [f"{p} haze" for p in _PAIRS[14:]]
        + [f"{p} kush" for p in _PAIRS[40:60]],
        start=1,
    )
]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ridgeline Growers Amber Comet Diesel 3.5g", "amber comet diesel"),
        ("Ridgeline Growers | Scarlet Willow Haze | 1/8 oz", "scarlet willow haze"),
        # A strain word many of a big brand's strains share still names a strain: "Amber
        # Comet" is not "Amber Comet Diesel", the brand's only "Amber Comet".
        ("Ridgeline Growers Amber Comet 3.5g", None),
    ],
)
def test_a_word_many_strains_share_is_no_line_word(
    matcher_for: Build, name: str, expected: str | None
) -> None:
    matcher = matcher_for(BIG_GROWER)
    words = matcher.index.brand_words("ridgeline growers")
    assert words is not None and len(words.postings["diesel"]) == 60 and not words.line("diesel")
    ids = {row[4]: str(row[0]) for row in BIG_GROWER}
    match = matcher.match(0, matcher.index.parser().parse_pos(name, "Flower"))
    assert match.jane_product_id == (ids[expected] if expected else None), match.reason


def test_a_brand_read_from_its_products_words_takes_its_initials_too(matcher_for: Build) -> None:
    # No brand written but its initials ("MB's"); "Velvet Thunder" is only Moonlit Botanicals'
    # product: the brand is read from it, and "MB's" is then that brand's word, not the name's.
    matcher = matcher_for(
        [
            (1, "", "Moonlit Botanicals", "", "moonlit botanicals - velvet thunder", "flower", ""),
            (2, "", "Moonlit Botanicals", "", "moonlit botanicals - amber comet", "flower", ""),
            (3, "", "Ridgeline Growers", "", "scarlet willow", "flower", ""),
        ]
    )
    item = matcher.index.parser().parse_pos("MB's - Velvet Thunder - 3.5g (I)", "Flower")
    assert item.brand is None
    match = matcher.match(0, item)
    assert match.jane_product_id == "1", match.reason


def _form(types: set[str], subtypes: set[str]) -> ParsedItem:
    return ParsedItem(brand="b", core="x", types=frozenset(types), subtypes=frozenset(subtypes))


@pytest.mark.parametrize(
    ("record", "product", "relation"),
    [
        (("extract", "wax"), ("extract", "wax"), "same"),
        (("extract", "badder"), ("extract", "wax"), "related"),
        # A record's plain "wax" is not the brand's badder: shown for review, never given.
        (("extract", "wax"), ("extract", "badder"), "near"),
        (("extract", "sugar"), ("extract", "live resin"), "related"),
        (("extract", "wax"), ("extract", "live resin"), "near"),
        (("extract", "hash"), ("extract", "kief"), "near"),
        (("extract", "oil"), ("vape", "cartridge"), "near"),
        (("edible", "gummy"), ("edible", "chew"), "near"),
        (("extract", "shatter"), ("extract", "wax"), ""),
        (("extract", "oil"), ("extract", "shatter"), ""),
        (("vape", "cartridge"), ("vape", "disposable"), ""),
        (("vape", "cartridge"), ("flower", "bud"), ""),
        (("pre-roll", "preroll"), ("pre-roll", "plain preroll"), "same"),
        (("pre-roll", "preroll"), ("pre-roll", "infused preroll"), "near"),
        (("extract", ""), ("extract", "wax"), "unknown"),
    ],
)
def test_form_relations(record: tuple[str, str], product: tuple[str, str], relation: str) -> None:
    k = load_knowledge()
    r = _form({record[0]}, {record[1]} - {""})
    p = _form({product[0]}, {product[1]} - {""})
    assert form_relation(r, p, k) == relation


@pytest.mark.parametrize(
    ("written", "word", "similarity"),
    [
        ("zkittlez", "zkittles", TYPO),
        ("braveherat", "braveheart", TYPO),
        ("oog", "og", TYPO),  # a letter doubled
        ("haez", "haze", TYPO),  # two letters swapped
        ("straw", "strawberry", PREFIX),
        ("shortc", "shortcake", TYPO),  # most of the word: a typo's worth
        ("cream", "dream", 0.0),  # another first letter: another word
        ("chem", "chemdawg", PREFIX),
        ("lemon", "lemonade", 0.0),  # a word of its own is not a longer one cut short
        ("jack", "jacks", TYPO),  # ... but its plural is it
        ("4", "91", 0.0),
        ("og23", "og13", 0.0),  # a word's numbers are equal or it is another word
        ("oog18", "og18", TYPO),
        ("pink", "pine", 0.0),  # four letters, one other: two words more often than a slip
        ("lime", "line", 0.0),
        ("kuhs", "kush", TYPO),  # ... but two swapped are a slip
        ("chery", "cherry", TYPO),
        # Written without its vowels, as POS systems shorten names: a word cut short's worth.
        ("dsl", "diesel", PREFIX),
        ("jmcn", "jamaican", PREFIX),
        ("brwn", "brownie", PREFIX),
        ("bx", "box", 0.0),  # too short to say
        ("dsl", "dense", 0.0),  # other consonants
    ],
)
def test_word_similarity(written: str, word: str, similarity: float) -> None:
    assert word_similarity(written, word, frozenset({"lemon", "jack"})) == similarity


def test_words_run_together_or_split_align() -> None:
    found = align(("chemdawg", "sour"), ("chem", "dawg"))
    assert found.product == [1.0, 1.0] and found.extra == ["sour"]
    split = align(("head", "space", "mints"), ("headspace", "mints"))
    assert split.product == [1.0, 1.0] and split.extra == []


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Lantern Labs | 1g Wax | Ember Comet Falcon Haze", "brand", "1"),
        # Three of its strain's four words: a strain named in part is its own kind of evidence,
        # calibrated apart, and ids of it are mostly wrong (another strain the catalog lacks).
        ("Lantern Labs | 1g Wax | Ember Comet Falcon", "strain part", None),
        # An edible named by part of its name is its flavour: no strain left unnamed.
        ("Lantern Labs Lime Gummies", "brand", "3"),
    ],
)
def test_a_strain_named_in_part_is_calibrated_apart(
    matcher_for: Build, name: str, kind: str, expected: str | None
) -> None:
    matcher = matcher_for(
        [
            (1, "", "Lantern Labs", "", "ember comet falcon haze", "extract", "Waxes"),
            (2, "", "Lantern Labs", "", "jade orchid", "extract", "Waxes"),
            (3, "", "Lantern Labs", "", "lime twist fruit gummies", "edible", "Candies"),
        ]
    )
    item = matcher.index.parser().parse_pos(name, "")
    assert matcher.assess(item).kind == kind
    match = matcher.match(0, item)
    assert match.jane_product_id == expected
    # The reason says how the id was found: for one not given, the kind of its probability.
    assert match.reason.endswith(f"; {kind}") or f"; {kind} probability" in match.reason


def test_a_tinctures_drops_are_its_form_word(matcher_for: Build) -> None:
    # "drops" names a tincture (no family): a record naming the tincture names them, so the
    # product's name is named whole.
    matcher = matcher_for(CATALOG)
    item = matcher.index.parser().parse_pos("Pinecrest Peppermint Tincture 500mg", "Tinctures")
    found = {c.position: c for c in matcher.candidates(item)}
    drops = next(p for p, product in enumerate(matcher.index.products) if product.id == "215")
    assert found[drops].covered == 1.0
