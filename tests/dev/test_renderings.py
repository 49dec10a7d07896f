"""What the generator renders as real menus do: layouts, nicknames, brand columns, product
lines, catalog duplicates; and that every rendering stays something a careful person links."""

from __future__ import annotations

import ast
import random
import re
from functools import cache
from pathlib import Path

import pytest

from poslink_dev import synth
from poslink_dev.synth.catalog import Catalog
from poslink_dev.synth.forms import CONFUSED_WITH, FORM_INDEX, FORMS
from poslink_dev.synth.kushy import load, name_key
from poslink_dev.synth.listings import FeedPlanner, Listing
from poslink_dev.synth.pools import Pools
from poslink_dev.synth.render import BrandAliases
from poslink_dev.synth.shortnames import ShortNames, truncate
from poslink_dev.synth.store_names import EXACT, OTHER_BRAND, STORE, STORE_NONE, StoreName
from poslink_dev.synth.vocab import vocabulary

KUSHY = Path(__file__).resolve().parents[3] / "shared" / "data" / "kushy"


@cache
def pools() -> Pools:
    if not (KUSHY / "products.csv").exists():
        pytest.skip(f"Kushy data set not found at {KUSHY}")
    return Pools(load(KUSHY), random.Random("3:pools"))


@cache
def planned() -> tuple[Catalog, list[Listing]]:
    """A catalog and the listings of a 4000-record feed, straight from the planner."""
    catalog = Catalog(pools(), 4000, random.Random("3:catalog"))
    planner = FeedPlanner(catalog, random.Random("3:feed"), absent_share=0.4, repetition=0.0)
    return catalog, [listing for store in planner.stores(4000) for listing, _ in store]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Girl Scout Cookies", {"GSC", "Girl Scout Cookie"}),
        ("Platinum Girl Scout Cookies", {"Platinum GSC", "Platinum Girl Scout Cookie"}),
        ("Granddaddy Purple", {"GDP", "Granddaddy Purp", "Grand Daddy Purple", "Grandaddy Purple"}),
        ("Gorilla Glue #4", {"GG4", "GG #4", "Gorilla Glue 4"}),
        ("Blue Dream", {None}),
    ],
)
def test_nicknames(name: str, expected: set[str | None]) -> None:
    short = ShortNames(vocabulary())
    rng = random.Random(0)
    assert {short.nickname(name, rng) for _ in range(60)} == expected


def test_a_nickname_reads_as_its_full_name() -> None:
    short = ShortNames(vocabulary())
    assert short.canonical("GDP") == short.canonical("Granddaddy Purple")
    assert short.canonical("Purp Punch") == short.canonical("Purple Punch")
    assert short.canonical("SFV OG Kush") == short.canonical("San Fernando Valley OG Kush")
    assert short.canonical("Blue Dream") == ("blue", "dream")
    # The data set's "GDP" and "Granddaddy Purple" are one strain: one group, never two
    # catalog products of one brand and form, never an absent product read as the other.
    p = pools()
    gdp, purple = p.index[name_key("GDP")], p.index[name_key("Granddaddy Purple")]
    assert p.group[gdp] == p.group[purple]
    assert p.reads_as("GDP", "Granddaddy Purple")
    assert not p.reads_as("Blue Dream", "Granddaddy Purple")


def test_truncation_keeps_a_unique_prefix() -> None:
    rng = random.Random(1)
    cuts = {truncate("Strawberry Cheesecake", rng, lambda key: True) for _ in range(50)}
    assert all(c and c.startswith("Strawberry Chees") for c in cuts)
    assert all(len(c) < len("Strawberry Cheesecake") for c in cuts if c)
    assert truncate("Strawberry Cheesecake", rng, lambda key: False) is None
    assert truncate("Blue Dream", rng, lambda key: True) is None  # "Dream": too short to cut
    assert truncate("Gelato", rng, lambda key: True) is None  # one word: nothing left to read


def test_every_layout_renders_whole_and_without_its_empty_slots() -> None:
    for layout in vocabulary().layouts:
        segments = tuple(
            (seg, tuple(s for s in "BCFW" if "{" + s + "}" in seg)) for seg in layout.segments
        )
        name = StoreName("Vana", layout.sep, segments, "Lava Cake (I)", "Cart", "BOGO", "(REC)")
        full = name.full("1g")
        for part in ("Vana", "Lava Cake (I)", "Cart", "1g"):
            assert part in full, (layout.example, full)
        assert full.startswith("BOGO ") and full.endswith(" (REC)")
        for text in (name.without_brand("1g"), name.full(""), name.body):
            assert "Vana" not in text or text is not name.without_brand("1g")
            assert not re.search(r"\[\]|\(\)|\|\s*\||-\s*-|by\s*$| by (\(|$)", text), text
            assert "  " not in text and text == text.strip()
        assert "Vana" not in name.without_brand("1g") and "Vana" not in name.body
        assert "1g" not in name.full("") and "1g" not in name.body


def test_brand_columns_are_spellings_of_one_brand_only() -> None:
    names = ["HeadSpace Alchemy", "Gonzo Family Farms", "Vana", "Cresco", "Cresco Labs", "ghost."]
    aliases = BrandAliases(names, random.Random(0), frozenset({"family"}))
    fields = [set(aliases[i].fields.values) for i in range(len(names))]
    assert {"HeadSpace Alchemy", "Head Space", "HeadSpace"} <= fields[0]
    assert {"Gonzo Family Farms", "Gonzo", "GFF"} <= fields[1]
    assert any(f.startswith("Vana ") for f in fields[2])  # a corporate suffix added
    assert fields[3] == {"Cresco"}  # "Cresco Inc" could be Cresco Labs too
    assert "Cresco" not in fields[4]
    assert {"ghost", "Ghost"} <= fields[5]
    # No spelling, in a name or a column, is any other brand's.
    keys = [
        {name_key(a) for a in (*aliases[i].fields.values, *aliases[i].aliases.values)}
        for i in range(len(names))
    ]
    for i, own in enumerate(keys):
        for j, other in enumerate(keys):
            assert i == j or not own & other, (names[i], names[j], own & other)


def test_a_first_word_alone_is_never_a_strain_word() -> None:
    aliases = BrandAliases(
        ["Dutch Treat Farms", "Gonzo Family Farms"], random.Random(0), frozenset({"dutch"})
    )
    assert "Dutch" not in aliases[0].fields.values and "Dutch" not in aliases[0].aliases.values
    assert "Gonzo" in aliases[1].fields.values


def test_absent_listings_are_plainly_absent() -> None:
    catalog, listings = planned()
    p = catalog.pools
    absent = [x for x in listings if x.spec.truth is None and not x.spec.outside]
    assert len(absent) > 500
    for listing in absent:
        spec = listing.spec
        assert listing.tier == STORE_NONE
        for name in p.alike(spec.core):  # the brand sells it in no form taken for this one
            for form in CONFUSED_WITH[spec.form]:
                assert not catalog.has(spec.brand, name, form), (listing.names[0], FORMS[form].key)
        assert listing.name.brand  # an absent product always shows its brand
    outside = [x for x in listings if x.spec.outside]
    assert outside and all(x.tier == OTHER_BRAND for x in outside)
    assert not {x.spec.brand for x in outside} & set(catalog.brands)


def test_present_listings_are_exact_or_store_renderings() -> None:
    catalog, listings = planned()
    present = [x for x in listings if x.spec.truth is not None]
    tiers = {x.tier for x in present}
    assert tiers == {EXACT, STORE}
    for listing in present:
        if listing.tier == EXACT:
            assert catalog.exact_ok(listing.spec.slot)
            assert len(listing.rows) == 1
        if not listing.name.brand and listing.tier == STORE:
            assert catalog.alone_in_type(listing.spec.slot)  # nothing else reads like it


def test_product_lines_name_one_form_of_their_brand() -> None:
    catalog, _ = planned()
    assert catalog.lines, "no brand has a product line: the test proves nothing"
    vape = {FORM_INDEX[k] for k in vocabulary().vape_line_forms}
    lined = 0
    for brand, lines in catalog.lines.items():
        for form, word in lines.items():
            for i in range(len(catalog)):
                if catalog.brand[i] != brand:
                    continue
                has = word.lower() in catalog.jane_name(i).split()
                if catalog.form[i] == form and form in vape:
                    assert has, catalog.jane_name(i)  # every product of the line's form
                    lined += 1
                elif catalog.form[i] != form:
                    assert not has, catalog.jane_name(i)  # and no other
    assert lined > 0


def test_renderings_show_what_real_menus_show() -> None:
    _, listings = planned()
    names = [full for x in listings for full, _ in x.names]
    checks = {
        "pipes": r" \| ",
        "size in brackets": r"\[[\d.]+ ?(g|mg)\]",
        "by brand": r" by [A-Z]",
        "lineage initial": r"\((I|S|H)\)",
        "store words": r"\((REC|MED)\)|BOGO|\$\d+",
        "THC percentage": r"\d+\.\d% THC|THC \d+\.\d%",
        "pack count": r"\d+(pk|pc|ct)\b",
    }
    for what, pattern in checks.items():
        assert sum(bool(re.search(pattern, n)) for n in names) >= 20, what
    categories = {x.category for x in listings}
    assert {"Vape Pens", "Flower"} <= categories


def test_the_generator_does_not_read_the_parsers_tables() -> None:
    # The generator renders from its own vocabulary: it imports nothing of poslink, nor of the
    # development package outside poslink_dev.synth (not the parser's tables, not the matcher),
    # so it does not share their blind spots.
    package = Path(synth.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert len(modules) >= 8
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] in {"poslink", "poslink_dev"}:
                    assert name.startswith("poslink_dev.synth"), (module.name, name)


def test_a_pre_roll_packs_record_always_counts_its_pieces() -> None:
    # A pre-roll named without a count is a single, not the brand's pack (the matcher vetoes
    # a single's weight against a pack): every record of a pre-roll pack says how many.
    _, listings = planned()
    counted = re.compile(r"\d+ ?(pk|pc|ct|pack|count)\b|\(\d+-pack\)", re.IGNORECASE)
    packs = [
        x for x in listings if x.form.packs and x.spec.amount.endswith("pk") and x.tier == STORE
    ]
    assert len(packs) >= 20
    for x in packs:
        for full, _ in x.names:
            assert counted.search(full), full
