"""Category tables: built-in per source, or a TOML file; one may extend another."""

from __future__ import annotations

from pathlib import Path

import pytest

from poslink.domain.categories import read_category
from poslink.domain.knowledge import CategoryTypes, load_category_table, load_knowledge
from poslink.exceptions import ConfigError


def test_menu_table_extends_the_default_and_overrides_it() -> None:
    menu, default = load_category_table("menu"), load_category_table("default")
    assert menu["usable marijuana"] == default["usable marijuana"]
    assert menu["pre rolls"] == CategoryTypes(frozenset({"pre-roll"}))
    # A store's vaporizers shelf holds batteries too; the menu table keeps it as the default's.
    assert menu["vaporizers"].types == {"vape", "gear"}
    assert default["concentrates"].types == {"extract", "vape"}
    assert menu["concentrates"].types == {"extract"}


def test_a_plain_flower_category_reads_as_flower() -> None:
    # Stores file pre-rolls and blunts under "Flower"; a name naming no form is plain flower.
    store, default = load_category_table("store"), load_category_table("default")
    assert store["flower"] == CategoryTypes(frozenset({"flower", "pre-roll"}), "flower")
    assert default["flower"] == store["flower"]
    assert load_category_table("menu")["flower"] == store["flower"]


def test_a_table_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'extends = "default"\n"Smalls!" = ["flower"]\n'
        '"dab" = {types = ["extract"], default = "extract"}\n'
    )
    table = load_category_table(str(path))
    assert table["smalls"].types == {"flower"}
    assert table["dab"] == CategoryTypes(frozenset({"extract"}), "extract")
    assert "usable marijuana" in table


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"bud" = "flower"\n', "'bud' must list product types"),
        ('"bud" = [1]\n', "'bud' must list product types"),
        ('"bud" = {types = ["flower"], default = "vape"}\n', "default 'vape' not in types"),
        ('extends = ["default"]\n', "extends must name another table"),
        (
            'extends = "nope"\n',
            "category table 'nope' not found (built-in: default, dutchie, flowhub, leafly, menu,",
        ),
        ('"bud" = [\n', "not valid TOML"),
        ('"bud" = ' + "[" * 3000 + "]" * 3000 + "\n", "not valid TOML"),  # beyond tomllib
    ],
)
def test_bad_tables(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / f"t{abs(hash(text))}.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_category_table(str(path))


@pytest.mark.parametrize("name", ["nope", "../data/forms", "a/b.txt"])
def test_unknown_names(name: str) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_category_table(name)


FLOWER = CategoryTypes(frozenset({"flower", "pre-roll"}), "flower")


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        # The table's own entry, however written.
        ("Flower", FLOWER),
        ("FLOWER", FLOWER),
        ("Pre-Rolls", CategoryTypes(frozenset({"pre-roll"}))),
        # A sub-category after a known category: the category's reading, default included.
        ("Flower - Eighths", FLOWER),
        ("Flower > Smalls", FLOWER),
        ("Edibles: Gummies", CategoryTypes(frozenset({"edible", "tincture"}))),
        # Two categories joined: both types.
        ("Edibles & Topicals", CategoryTypes(frozenset({"edible", "tincture", "topical"}))),
        (
            "Flower / Tinctures",
            CategoryTypes(frozenset({"flower", "pre-roll", "tincture"}), "flower"),
        ),
        # A product form used as a category: its type.
        ("Wax", CategoryTypes(frozenset({"extract"}))),
        ("Carts", CategoryTypes(frozenset({"vape"}))),
        ("Joints", CategoryTypes(frozenset({"pre-roll"}))),
        ("Infused Pre-Rolls", CategoryTypes(frozenset({"pre-roll"}))),
        ("Concentrates - Shatter", CategoryTypes(frozenset({"extract", "vape"}))),
        # Nothing known in it: no reading, as before.
        ("Wellness", None),
        ("Staff Picks - Deals", None),
        ("", None),
        # A hyphen inside a word joins nothing.
        ("X-Mas Specials", None),
    ],
)
def test_a_category_the_table_lacks_is_read_from_its_parts(
    category: str, expected: CategoryTypes | None
) -> None:
    table = load_category_table("default")
    assert read_category(category, table, load_knowledge().strong_forms) == expected
