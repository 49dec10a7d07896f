"""Table-driven tests of the name parser over real POS and catalog name shapes."""

from __future__ import annotations

import pytest

from poslink.domain import BrandIndex, Parser, load_knowledge
from poslink.records import CatalogProduct

BRANDS = [
    "Gold Leaf",
    "Nature's Grace and Wellness",
    "Cresco Labs",
    "Progressive Treatment Solutions (PTS)",
    "ieso",
    "PharmaCannis",
    "Grassroots",
    "SCCS",
    "Bedford Grow",
]


@pytest.fixture(scope="module")
def parser() -> Parser:
    k = load_knowledge()
    return Parser(k, BrandIndex.build(BRANDS, k.brand_rules))


POS_CASES = [
    # name, category, brand, core, types, subtypes, extras
    (
        "Blueberry Boost Vaporizer CARTRIDGE -500mg- IESO",
        "Marijuana Extract for Inhalation",
        "ieso",
        "blueberry boost",
        {"vape"},
        {"cartridge"},
        {"potency_mg": 500.0},
    ),
    (
        "Dead Cherries -3.5g- Grassroots",
        "Usable Marijuana",
        "grassroots",
        "dead cherries",
        # No form word: the category's types, read as plain flower where the brand sells it.
        {"flower", "pre-roll"},
        set(),
        {"weight_g": 3.5, "prefer": "flower"},
    ),
    (
        "Dead Cherries FLOWER -1.0g- Grassroots",
        "Usable Marijuana",
        "grassroots",
        "dead cherries",
        {"flower"},
        {"bud"},
        {"weight_g": 1.0},
    ),
    (
        "Chem 4 - 1.0g - Grassroots",
        "Usable Marijuana",
        "grassroots",
        "chem 4",
        {"flower", "pre-roll"},
        set(),
        {"digits": ("4",), "prefer": "flower"},
    ),
    (
        "Apple Jack DISPOSABLE Vaporizer - Natures Grace",
        "Marijuana Extract for Inhalation",
        "natures grace and wellness",
        "apple jack",
        {"vape"},
        {"disposable"},
        {},
    ),
    (
        "Birthday Cake DISPOSABLE Vaporizer - Nature's Grace",
        "",
        "natures grace and wellness",
        "birthday cake",
        {"vape"},
        {"disposable"},
        {},
    ),
    (
        "ATF Vaporizer CARTRIDGE - Pharmacann",
        "Marijuana Extract for Inhalation",
        "pharmacannis",
        "atf",
        {"vape"},
        {"cartridge"},
        {},
    ),
    (
        "Agave Lime Lozenges (5-Pack) -100mg - PTS",
        "Solid Marijuana Infused Edible",
        "progressive treatment solutions pts",
        "agave lime",
        {"edible"},
        {"hard candy"},
        {"pack": 5, "potency_mg": 100.0},
    ),
    (
        "Green Apple 2:1 Gummies -CBD- Gold Leaf",
        "Solid Marijuana Infused Edible",
        "gold leaf",
        "green apple",
        {"edible"},
        {"gummy"},
        {"ratio": "2:1", "markers": frozenset({"cbd"})},
    ),
    (
        "Dark Chocolate Sea Salt -SATIVA- Gold Leaf",
        "Solid Marijuana Infused Edible",
        "gold leaf",
        "dark chocolate sea salt",
        {"edible"},
        set(),
        {"lineage": "sativa"},
    ),
    (
        "Golden Glue Honey (INDICA) -100mg- IGF",
        "Liquid Marijuana Infused Edible",
        None,
        "golden glue honey igf",
        {"edible", "tincture"},
        set(),
        {"lineage": "indica"},
    ),
    (
        "Bruce Banner #3 RAW WAX -1.0g- Gold Leaf",
        "Marijuana Extract for Inhalation",
        "gold leaf",
        "bruce banner 3",
        {"extract"},
        {"wax"},
        {"digits": ("3",)},
    ),
    (
        "GG4 SHATTER -1.0g- PTS",
        "Marijuana Extract for Inhalation",
        "progressive treatment solutions pts",
        "gorilla glue 4",
        {"extract"},
        {"shatter"},
        {"digits": ("4",)},
    ),
    (
        "CBN Capsules (10-Pack) -75mg- Cresco",
        "Solid Marijuana Infused Edible",
        "cresco labs",
        # Nothing names a product but its cannabinoid and form: the core is empty.
        "",
        {"edible"},
        {"capsule"},
        {"pack": 10, "markers": frozenset({"cbn"})},
    ),
    # A count of pieces per package: "10 capsules per pack", "20 per box", "pieces / package".
    (
        "Sleepy Time Capsules 25mg - 10 capsules per pack (250mg THC total) Cresco",
        "Solid Marijuana Infused Edible",
        "cresco labs",
        "sleepy time",
        {"edible"},
        {"capsule"},
        {"pack": 10, "potency_mg": 250.0},
    ),
    (
        "Gold Leaf Watermelon Chews 5mg - 20 per box",
        "Solid Marijuana Infused Edible",
        "gold leaf",
        "watermelon",
        {"edible"},
        {"chew"},
        {"pack": 20, "potency_mg": 5.0},
    ),
    (
        "Cresco Mango Gummies (20 pieces / package)",
        "",
        "cresco labs",
        "mango",
        {"edible"},
        {"gummy"},
        {"pack": 20},
    ),
    (
        "Fruit Punch B12 (4-PACK) - Powdered Tonic Mix -100mg- PTS",
        "Solid Marijuana Infused Edible",
        "progressive treatment solutions pts",
        "fruit punch",
        {"edible"},
        {"drink mix"},
        {"pack": 4},
    ),
    (
        "Bath Bombs (2-Pack) -100mg- IESO",
        "Marijuana Infused Topicals",
        "ieso",
        "",
        {"topical"},
        {"bath bomb"},
        {},
    ),
    (
        "Clementine POPCORN -14.0g- Cresco",
        "Usable Marijuana",
        "cresco labs",
        "clementine",
        {"flower"},
        {"popcorn"},
        {"weight_g": 14.0},
    ),
    (
        "Bubble Gum SHAKE -7.0g- Natures Grace",
        "Usable Marijuana",
        "natures grace and wellness",
        "bubble gum",
        {"flower"},
        {"shake"},
        {},
    ),
    (
        "Chocolate Mint FLOWER -1.0g- SCCS",
        "Usable Marijuana",
        "sccs",
        "chocolate mint",
        {"flower"},
        {"bud"},
        {},
    ),
    (
        "Brownie Pop CBD (4-Pack) - SCCS",
        "Solid Marijuana Infused Edible",
        "sccs",
        "brownie pop",
        {"edible"},
        set(),
        {"markers": frozenset({"cbd"}), "pack": 4},
    ),
    # Named beside a device, what a product holds is of its name (as in the catalog's names),
    # unless it is what the device holds anyway; a bare type word stays a form word.
    (
        "IESO - Cherrygasm Live Resin Cart 0.5g",
        "",
        "ieso",
        "cherrygasm live resin",
        {"vape"},
        {"cartridge"},
        {"weight_g": 0.5},
    ),
    (
        "GOLD LEAF Ghost Train Haze 1/8 oz",
        "Flower",
        "gold leaf",
        "ghost train haze",
        {"flower", "pre-roll"},
        set(),
        {"weight_g": 3.5, "prefer": "flower"},
    ),
    ("Euphurkle ROSIN -1.0g- SCCS", "", "sccs", "euphurkle", {"extract"}, {"rosin"}, {}),
    # Form words with their vowels dropped; a fraction of a gram; a price's note after the brand.
    (
        "Snow OG Shttr -1/2G- SCCS",
        "",
        "sccs",
        "snow og",
        {"extract"},
        {"shatter"},
        {"weight_g": 0.5},
    ),
    (
        "Orange Dream Crmbl half gram - Grassroots Tax Incl",
        "",
        "grassroots",
        "orange dream",
        {"extract"},
        {"crumble"},
        {"weight_g": 0.5},
    ),
    (
        "IESO Harle-Tsu CART 1/2 g",
        "",
        "ieso",
        "harle tsu",
        {"vape"},
        {"cartridge"},
        {"weight_g": 0.5},
    ),
    # Lineage cut to three letters.
    (
        "| HYB | Dead Cherries -3.5g- Grassroots",
        "",
        "grassroots",
        "dead cherries",
        set(),
        set(),
        {"lineage": "hybrid", "weight_g": 3.5},
    ),
    # The first word of "Bedford Grow" followed by another company's word: another company.
    (
        "Cherry WU SHAKE - Bedford Botanicals",
        "",
        None,
        "cherry wu bedford botanicals",
        {"flower"},
        {"shake"},
        {},
    ),
    (
        "Bedford Farms - Cherry WU SHAKE",
        "",
        None,
        "bedford farms cherry wu",
        {"flower"},
        {"shake"},
        {},
    ),
    # ... but the brand's own word written singular is the brand.
    ("Cresco Lab - Mango Gummies", "", "cresco labs", "mango", {"edible"}, {"gummy"}, {}),
    # Short forms of form words.
    (
        "Grassroots | Dispo | True OG | .5G",
        "",
        "grassroots",
        "true og",
        {"vape"},
        {"disposable"},
        {"weight_g": 0.5},
    ),
    ("Tangie PR 1g - SCCS", "", "sccs", "tangie", {"pre-roll"}, {"preroll"}, {"weight_g": 1.0}),
    ("Tangie Infused PR 1g - SCCS", "", "sccs", "tangie", {"pre-roll"}, {"infused preroll"}, {}),
    ("Tangie LR 1g - SCCS", "", "sccs", "tangie", {"extract"}, {"live resin"}, {}),
    # Deals, a store's pick, a potency given as total active cannabinoids: no name's words.
    (
        "SCCS Tangie Cart 1g 2/$40 TAC 88.9% Staff Pick",
        "",
        "sccs",
        "tangie",
        {"vape"},
        {"cartridge"},
        {"weight_g": 1.0, "digits": ()},
    ),
    # A kind of the family named beside it is the form: a crumble.
    ("SCCS OG Kush Crumble Wax 1g", "", "sccs", "og kush", {"extract"}, {"crumble"}, {}),
    ("SCCS OG Kush Live Rosin", "", "sccs", "og kush", {"extract"}, {"live rosin"}, {}),
    # A brand is found behind a tag of two words ("Staff Pick") and "AU" (adult use).
    ("Tangie Crumble 1g - SCCS Staff Pick", "", "sccs", "tangie", {"extract"}, {"crumble"}, {}),
    ("Tangie Wax | 1g | SCCS AU", "", "sccs", "tangie", {"extract"}, {"wax"}, {}),
    # An eighth as menus write it.
    ("Tangie Flower 8th - SCCS", "", "sccs", "tangie", {"flower"}, {"bud"}, {"weight_g": 3.5}),
    # What a company makes, after the brand's whole name, is the brand's word ("Seeds",
    # "Extracts"); a company word is not ("Gardens": maybe another company). "T:" labels THC.
    ("Grassroots Seeds Tangie Crumble", "", "grassroots", "tangie", {"extract"}, {"crumble"}, {}),
    ("SCCS Extracts LLC | Tangie Shatter", "", "sccs", "tangie", {"extract"}, {"shatter"}, {}),
    ("SCCS Gardens Tangie Shatter", "", "sccs", "gardens tangie", {"extract"}, {"shatter"}, {}),
    ("SCCS Labs Tangie Shatter", "", "sccs", "tangie", {"extract"}, {"shatter"}, {}),
    ("SCCS Tangie Flower 3.5g T: 22.9%", "", "sccs", "tangie", {"flower"}, {"bud"}, {}),
    # A count alone in brackets beside an amount is the pack's; without one, a number.
    ("SCCS Tangie Gummies (10) 100mg", "", "sccs", "tangie", {"edible"}, {"gummy"}, {"pack": 10}),
    ("SCCS Gelato (33) Flower", "", "sccs", "gelato 33", {"flower"}, {"bud"}, {"pack": None}),
    ("SCCS Tangie Live Rez 1g", "", "sccs", "tangie", {"extract"}, {"live resin"}, {}),
    # A kind named with its family's word is that kind; menus' short and joined forms.
    ("SCCS Crumble Wax Tangie 1g", "", "sccs", "tangie", {"extract"}, {"crumble"}, {}),
    ("SCCS Tangie Cured Rosin 1g", "", "sccs", "tangie", {"extract"}, {"rosin"}, {}),
    ("Shat: SCCS Tangie 1g", "", "sccs", "tangie", {"extract"}, {"shatter"}, {}),
    ("SCCS Dmnds - Tangie 1g", "", "sccs", "tangie", {"extract"}, {"diamonds"}, {}),
    ("SCCS LiveResin - Tangie", "", "sccs", "tangie", {"extract"}, {"live resin"}, {}),
    # A PAX Era pod is a pod, as a pod cartridge is; a concentration per gram is no size.
    ("SCCS Tangie Pod Cartridge 0.5g", "", "sccs", "tangie", {"vape"}, {"pod"}, {}),
    ("SCCS Tangie PAX Pod 0.5g", "", "sccs", "tangie", {"vape"}, {"pod"}, {"weight_g": 0.5}),
    (
        "SCCS Tangie Wax 1g THC 678mg/g",
        "",
        "sccs",
        "tangie",
        {"extract"},
        {"wax"},
        {"weight_g": 1.0, "potency_mg": None},
    ),
    ("SCCS Tangie Flower T23 3.5g", "", "sccs", "tangie", {"flower"}, {"bud"}, {"digits": ()}),
    # A ratio written with a dash; not a range, a count or a strain's number before a size.
    ("SCCS 2-1 Warming Balm 500mg", "", "sccs", "warming", {"topical"}, {"balm"}, {"ratio": "2:1"}),
    ("SCCS Tangie Gummies 5-10mg", "", "sccs", "tangie 5", {"edible"}, {"gummy"}, {"ratio": None}),
    (
        "SCCS GG #4 Flower -1/2 oz",
        "",
        "sccs",
        "gorilla glue 4",
        {"flower"},
        {"bud"},
        {"ratio": None},
    ),
    # Deals: a day's and an hour's.
    ("[Daily Deal] SCCS - Tangie - Shatter", "", "sccs", "tangie", {"extract"}, {"shatter"}, {}),
    ("Happy Hour SCCS Tangie Shatter 1g", "", "sccs", "tangie", {"extract"}, {"shatter"}, {}),
    # A brand written after a form phrase at the name's start.
    (
        "Live Rosin - Grassroots Tangie 1g",
        "",
        "grassroots",
        "tangie",
        {"extract"},
        {"live rosin"},
        {},
    ),
    ("Pre Roll - SCCS Tangie .5G TAC 22.8%", "", "sccs", "tangie", {"pre-roll"}, {"preroll"}, {}),
    # A half or quarter with no unit is grams; a version stays the strain's number.
    ("SCCS | Tangie Flower | 3.5", "", "sccs", "tangie", {"flower"}, {"bud"}, {"weight_g": 3.5}),
    ("SCCS .5 Cartridge Tangie", "", "sccs", "tangie", {"vape"}, {"cartridge"}, {"weight_g": 0.5}),
    (
        "SCCS Tangie 2.0 Flower 3.5g",
        "",
        "sccs",
        "tangie 2 0",
        {"flower"},
        {"bud"},
        {"weight_g": 3.5, "digits": ("0", "2")},
    ),
    # Short forms of POS systems: CRT, FLWR, Disp, Bdr, Tinc, Live Res.
    ("Disp Tangie 0.3g SCCS", "", "sccs", "tangie", {"vape"}, {"disposable"}, {}),
    ("SCCS Tangie Bdr 1g", "", "sccs", "tangie", {"extract"}, {"badder"}, {}),
    ("SCCS Tangie Live Res 1g", "", "sccs", "tangie", {"extract"}, {"live resin"}, {}),
    ("SCCS Sleep Tinc 30ml", "", "sccs", "sleep", {"tincture"}, set(), {}),
    ("CRT: Tangie (SCCS) 1000mg", "", "sccs", "tangie", {"vape"}, {"cartridge"}, {}),
    ("FLWR: Tangie (SCCS) Eighth", "", "sccs", "tangie", {"flower"}, {"bud"}, {}),
    ("SCCS Tangie Crumble 20% OFF ** DEAL **", "", "sccs", "tangie", {"extract"}, {"crumble"}, {}),
    (
        "SCCS Girl Scout Cookies LR Cart",
        "",
        "sccs",
        "girl scout cookies live resin",
        {"vape"},
        {"cartridge"},
        {},
    ),
    ("SCCS | 0.5g LR Cart | Tangie", "", "sccs", "live resin tangie", {"vape"}, {"cartridge"}, {}),
    (
        "SCCS Tangie LR Cart",
        "Concentrates",
        "sccs",
        "tangie live resin",
        {"vape"},
        {"cartridge"},
        {},
    ),
    ("SCCS Tangie Distillate Cart", "", "sccs", "tangie", {"vape"}, {"cartridge"}, {}),
    ("SCCS Tangie Flower Rosin 1g", "", "sccs", "tangie", {"extract"}, {"rosin"}, {}),
    # A count of pieces written with "x" beside the amount.
    (
        "OG Pre-Roll 0.5g x 5 Grassroots",
        "",
        "grassroots",
        "og",
        {"pre-roll"},
        {"preroll"},
        {"weight_g": 0.5, "pack": 5},
    ),
    # After milligrams the count may touch the "x" (a strain's "X13" follows a weight).
    (
        "Bedford Grow Mango Gummies 10mg x10",
        "",
        "bedford grow",
        "mango",
        {"edible"},
        {"gummy"},
        {"pack": 10, "potency_mg": 10.0},
    ),
    # "Rsn" is rosin; "Live Rsn" live resin.
    (
        "Cherry Wu Rsn 1g - Bedford Grow",
        "",
        "bedford grow",
        "cherry wu",
        {"extract"},
        {"rosin"},
        {},
    ),
    (
        "Bedford Grow | Cherry Wu | Live Rsn 0.5g",
        "",
        "bedford grow",
        "cherry wu",
        {"extract"},
        {"live resin"},
        {},
    ),
    # "Live Ros." is live rosin, "Dist." distillate (what a cartridge holds), "WW" White Widow.
    (
        "Bedford Grow | Cherry Wu | Live Ros. 1g",
        "",
        "bedford grow",
        "cherry wu",
        {"extract"},
        {"live rosin"},
        {},
    ),
    (
        "Bedford Grow Cherry Wu Dist. Cartridge 1g",
        "",
        "bedford grow",
        "cherry wu",
        {"vape"},
        {"cartridge"},
        {},
    ),
    (
        "Bedford Grow - WW - Shatter 1g",
        "",
        "bedford grow",
        "white widow",
        {"extract"},
        {"shatter"},
        {},
    ),
    (
        "Goldcaps 8 X -10 MG- SCCS",
        "",
        "sccs",
        "goldcaps",
        set(),
        set(),
        {"potency_mg": 10.0, "pack": 8},
    ),
    # ... not a strain's name beside a size, nor a cross.
    (
        "1.0g X13 FLOWER by SCCS",
        "",
        "sccs",
        "x13",
        {"flower"},
        {"bud"},
        {"weight_g": 1.0, "pack": None},
    ),
    (
        "Gelato x Runtz 3.5g Grassroots",
        "",
        "grassroots",
        "gelato runtz",
        set(),
        set(),
        {"weight_g": 3.5, "pack": None},
    ),
    # A legal form after the brand is the brand's word.
    ("Grassroots LLC Dead Cherries 3.5g", "", "grassroots", "dead cherries", set(), set(), {}),
    ("SCCS Inc. - Euphurkle Rosin", "", "sccs", "euphurkle", {"extract"}, {"rosin"}, {}),
    (
        "Cherry WU SHAKE -14.0g- Bedford Grow",
        "",
        "bedford grow",
        "cherry wu",
        {"flower"},
        {"shake"},
        {},
    ),
    (
        "Eazy Peezy Pre-Roll (5pk) - bedford",
        "",
        "bedford grow",
        "eazy peezy",
        {"pre-roll"},
        {"preroll"},
        {"pack": 5},
    ),
    # A store's price tier and a state's compliance tags name nothing ("Tier 2", "I-502",
    # "OLCC"): no strain's number; "Conc" is a concentrate, "Tinct." a tincture.
    (
        "Tier 2 - Cherry Wu - 3.5g (Bedford Grow)",
        "Flower",
        "bedford grow",
        "cherry wu",
        {"flower", "pre-roll"},
        set(),
        {"digits": (), "weight_g": 3.5},
    ),
    (
        "Bedford Grow | Cherry Wu | 3.5g (I-502)",
        "Flower",
        "bedford grow",
        "cherry wu",
        {"flower", "pre-roll"},
        set(),
        {"digits": ()},
    ),
    (
        "Bud - Cherry Wu - 1/8 (Bedford Grow) - OLCC",
        "",
        "bedford grow",
        "cherry wu",
        {"flower"},
        {"bud"},
        {"weight_g": 3.5},
    ),
    (
        "Conc - Shatter - Cherry Wu - 1G (Bedford Grow)",
        "",
        "bedford grow",
        "cherry wu",
        {"extract"},
        {"shatter"},
        {},
    ),
    (
        "Cherry Wu Sativa Tinct. 100 mg - Bedford Grow",
        "",
        "bedford grow",
        "cherry wu",
        {"tincture"},
        set(),
        {},
    ),
    # Stores' short forms and misspellings of forms: a "J" is a joint, "Keif" kief, "Rick
    # Simpson Oil" RSO, a "Choc Bar" a chocolate bar, "Gummys" gummies; "N. Lights" and
    # "PB & J" written out (the "J" of "PB & J" is no joint).
    (
        "Cherry Wu J 1g - Bedford Grow",
        "",
        "bedford grow",
        "cherry wu",
        {"pre-roll"},
        {"preroll"},
        {},
    ),
    (
        "Bedford Grow | Cherry Wu | Infused J 0.5g",
        "",
        "bedford grow",
        "cherry wu",
        {"pre-roll"},
        {"infused preroll"},
        {},
    ),
    (
        "Extract - Keif - Cherry Wu - 2 g (Bedford Grow)",
        "",
        "bedford grow",
        "cherry wu",
        {"extract"},
        {"kief"},
        {},
    ),
    (
        "Bedford Grow | Cherry Wu | Rick Simpson Oil",
        "",
        "bedford grow",
        "cherry wu",
        {"extract"},
        {"rso"},
        {},
    ),
    (
        "Bedford Grow Salted Pretzel Choc Bar 100mg",
        "",
        "bedford grow",
        "salted pretzel",
        {"edible"},
        {"chocolate"},
        {},
    ),
    ("Bedford Grow Mango Gummys 100mg", "", "bedford grow", "mango", {"edible"}, {"gummy"}, {}),
    # A price tier marked with dollar signs is no word of the name.
    (
        "Cherry Wu Shatter 1g - Bedford Grow - $$ Mid",
        "",
        "bedford grow",
        "cherry wu",
        {"extract"},
        {"shatter"},
        {},
    ),
    (
        "Bedford Grow N. Lights 3.5g",
        "Flower",
        "bedford grow",
        "northern lights",
        {"flower", "pre-roll"},
        set(),
        {},
    ),
    (
        "Bedford Grow - PB & J Blondie 100mg",
        "Infused Edible",
        "bedford grow",
        "peanut butter jelly blondie",
        set(),
        set(),
        {},
    ),
    (
        "Señor Tangie Vaporizer Cartridge — Gold Leaf",
        "",
        "gold leaf",
        "senor tangie",
        {"vape"},
        {"cartridge"},
        {},
    ),
]


@pytest.mark.parametrize(
    ("name", "category", "brand", "core", "types", "subtypes", "extras"), POS_CASES
)
def test_pos_names(
    parser: Parser,
    name: str,
    category: str,
    brand: str | None,
    core: str,
    types: set[str],
    subtypes: set[str],
    extras: dict[str, object],
) -> None:
    item = parser.parse_pos(name, category)
    assert item.brand == brand
    assert item.core == core
    assert set(item.types) == types
    assert set(item.subtypes) == subtypes
    for key, value in extras.items():
        assert getattr(item, key) == value, key


CATALOG_CASES = [
    # name, brand, type, subtype, lineage, amount -> core, subtypes, markers, ratio
    # What a cartridge holds is of its name wherever it stands, as in a record's.
    (
        "girl scout cookies live resin cartridge",
        "Gold Leaf",
        "vape",
        "Cartridges",
        "",
        "1g",
        "girl scout cookies live resin",
        {"cartridge"},
        set(),
        None,
    ),
    (
        "g6 vaporizer cartridge - gold leaf",
        "Gold Leaf",
        "vape",
        "Cartridges",
        "hybrid",
        "",
        "g6",
        {"cartridge"},
        set(),
        None,
    ),
    (
        "atf vaporizer cartridge - pharmacann",
        "PharmaCannis",
        "vape",
        "Cartridges",
        "sativa",
        "",
        "atf",
        {"cartridge"},
        set(),
        None,
    ),
    (
        "1:1 orange gummy",
        "Gold Leaf",
        "edible",
        "Capsules",
        "cbd",
        "40pk",
        "orange",
        {"capsule", "gummy"},
        set(),
        "1:1",
    ),
    (
        "cbn capsules (10-pack) -75mg- cresco",
        "Cresco Labs",
        "edible",
        "Capsules",
        "",
        "",
        "",
        {"capsule"},
        {"cbn"},
        None,
    ),
    (
        "pts live sauce",
        "Progressive Treatment Solutions (PTS)",
        "extract",
        "Live Resins",
        "sativa",
        "",
        "",
        {"live resin", "sauce"},
        set(),
        None,
    ),
    (
        "chocolate penny thc/cbn",
        "SCCS",
        "edible",
        "Chocolates",
        "",
        "",
        "chocolate penny",
        {"chocolate"},
        {"cbn"},
        None,
    ),
    (
        "dead cherries",
        "Grassroots",
        "flower",
        "",
        "indica",
        "",
        "dead cherries",
        {"bud"},
        set(),
        None,
    ),
    (
        "gg#4",
        "Progressive Treatment Solutions (PTS)",
        "extract",
        "Live Resins",
        "hybrid",
        "",
        "gorilla glue 4",
        {"live resin"},
        set(),
        None,
    ),
    (
        "blockhead",
        "Bedford Grow",
        "extract",
        "Other",
        "hybrid",
        "",
        "blockhead",
        set(),
        set(),
        None,
    ),
]


@pytest.mark.parametrize(
    (
        "name",
        "brand",
        "ptype",
        "subtype",
        "lineage",
        "amount",
        "core",
        "subtypes",
        "markers",
        "ratio",
    ),
    CATALOG_CASES,
)
def test_catalog_names(
    parser: Parser,
    name: str,
    brand: str,
    ptype: str,
    subtype: str,
    lineage: str,
    amount: str,
    core: str,
    subtypes: set[str],
    markers: set[str],
    ratio: str | None,
) -> None:
    product = CatalogProduct("1", name, brand, ptype, subtype, lineage, amount)
    item = parser.parse_catalog(product)
    assert item.core == core
    assert set(item.types) == {ptype}
    assert set(item.subtypes) == subtypes
    assert set(item.markers) == markers
    assert item.ratio == ratio


def test_structured_brand_field_wins(parser: Parser) -> None:
    item = parser.parse_pos("Blue Dream Cart 1g", "Vapes", brand="Cresco")
    assert item.brand == "cresco labs"
    assert item.brand_source == "field alias"
    assert item.core == "blue dream"


def test_unknown_structured_brand_is_kept_apart(parser: Parser) -> None:
    item = parser.parse_pos("Blue Dream Cart 1g", "Vapes", brand="Tidewater")
    assert item.brand == "tidewater"
    assert "not in catalog" in item.brand_source


def test_lineage_and_ratio_imply_cbd(parser: Parser) -> None:
    product = CatalogProduct("1", "1:1 orange gummy", "Gold Leaf", "edible", "Candies", "cbd")
    item = parser.parse_catalog(product)
    assert (set(item.markers), set(item.implied)) == (set(), {"cbd"})
    pos = parser.parse_pos("Orange Gummies 1:1 Gold Leaf", "")
    assert (set(pos.markers), set(pos.implied)) == (set(), {"cbd"})


def test_name_lineage_contradicting_the_catalog_is_unsure(parser: Parser) -> None:
    product = CatalogProduct(
        "1", "cherry bomb sativa", "Gold Leaf", "vape", "Disposables", "hybrid"
    )
    assert parser.parse_catalog(product).lineage is None


def test_category_default_type(parser: Parser) -> None:
    item = parser.parse_pos("Dead Cherries -3.5g- Grassroots", "Usable Marijuana")
    assert (set(item.types), set(item.subtypes)) == ({"flower", "pre-roll"}, set())
    assert item.prefer == "flower"  # the matcher reads it as plain flower where the brand sells it
    item = parser.parse_pos("Dead Cherries PRE-ROLL Grassroots", "Usable Marijuana")
    assert (set(item.types), set(item.subtypes)) == ({"pre-roll"}, {"preroll"})


def test_a_store_made_category_is_read_from_its_parts(parser: Parser) -> None:
    # "Flower - Eighths" is no table's category; its first part is.
    item = parser.parse_pos("Dead Cherries -3.5g- Grassroots", "Flower - Eighths")
    assert (set(item.types), item.prefer) == ({"flower", "pre-roll"}, "flower")
    assert set(parser.parse_pos("Dead Cherries Grassroots", "Carts").types) == {"vape"}


def test_category_wins_over_a_contradicting_form_word(parser: Parser) -> None:
    item = parser.parse_pos(
        "Cherry Pie Hash Bar (10-Pack) - SCCS", "Solid Marijuana Infused Edible"
    )
    assert set(item.types) == {"edible"}


# A catalog product whose name names its form only is the brand's generic product of that form
# (core ""); a name holding words that say which one it is is not.
GENERIC_CASES = [
    ("vape cart", "vape", "Cartridges", ""),
    ("live resin badder", "extract", "Badders", ""),
    ("natural tincture", "tincture", "", ""),
    ("natural", "tincture", "", "natural"),
    ("pk", "flower", "", "pk"),
    ("natural cartridge", "vape", "Cartridges", "natural"),
    ("mix popcorn", "flower", "Popcorn", "mix"),
    ("rso wax", "extract", "Waxes", "rso"),
    ("shatter wax", "extract", "Waxes", "shatter"),
]


@pytest.mark.parametrize(("name", "ptype", "subtype", "core"), GENERIC_CASES)
def test_generic_catalog_products(
    parser: Parser, name: str, ptype: str, subtype: str, core: str
) -> None:
    product = CatalogProduct("1", name, "Gold Leaf", ptype, subtype)
    assert parser.parse_catalog(product).core == core


def test_a_brand_behind_tags_at_the_end_beats_a_weaker_one_at_the_start() -> None:
    k = load_knowledge()
    parser = Parser(
        k, BrandIndex.build(["Fire Farms", "Urbols", "Hard Candy Farms"], k.brand_rules)
    )
    item = parser.parse_pos("Fire OG VAPORIZER CARTRIDGE - Urbols THC 91.1%", "")
    assert item.brand == "urbols"
    assert item.core == "fire og"
    # "Hard Candy" is a form's name: the brand at the other end is the brand.
    item = parser.parse_pos("Hard Candy - 2:1 Pineapple - Urbols (REC)", "")
    assert item.brand == "urbols"
    assert item.subtypes == {"hard candy"}


@pytest.mark.parametrize(
    ("name", "brand", "core"),
    [
        # A brand's own name ends with a word that is also a tag ("med", "pack", "vape") or a
        # form word ("concentrates"), and tags follow it at the end of the name.
        (
            "Lemon Drop Vaporizer CARTRIDGE -1.0g - Quality Concentrates (Distillate)",
            "quality concentrates",
            "lemon drop",
        ),
        ("Blue Dream Vape Cart -Hybrid- West Med (Distillate)", "west med", "blue dream"),
        ("SHATTER white widow Loud Pack (REC)", "loud pack", "white widow"),
        ("Medusa Disposable Vape - Pure Vape (Distillate)", "pure vape", "medusa"),
    ],
)
def test_a_brand_ending_with_a_tag_word_is_found_behind_tags(
    name: str, brand: str, core: str
) -> None:
    k = load_knowledge()
    brands = ["Quality Concentrates", "West Med", "Loud Pack", "Pure Vape", "Quality Farms"]
    item = Parser(k, BrandIndex.build(brands, k.brand_rules)).parse_pos(name, "")
    assert (item.brand, item.core) == (brand, core)


@pytest.mark.parametrize(
    ("name", "brand"),
    [
        # A brand whose name begins another's ("Verdantines", "Verdantines Medics"), written
        # before a tag: the brand written, not the longer one misread across the tag ...
        ("Peppermint Bath Bomb (Verdantines) (MED)", "verdantines"),
        ("Vanilla Tincture 1:1 -300mg- Verdantines MED", "verdantines"),
        ("Emu Rub 250mg - Verdantines Medics", "verdantines medics"),
        # ... and a tag word that is a word of the brand's name stays the brand's.
        ("Kush Berry Smalls 3.5g - Bambino Blunt", "bambino blunts"),
    ],
)
def test_a_brand_written_before_a_tag_is_not_a_longer_one_misread(name: str, brand: str) -> None:
    k = load_knowledge()
    brands = ["Verdantines", "Verdantines Medics", "Bambino Blunts", "Gold Leaf"]
    parser = Parser(k, BrandIndex.build(brands, k.brand_rules))
    assert parser.parse_pos(name).brand == brand
