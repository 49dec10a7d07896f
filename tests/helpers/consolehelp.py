"""An invented catalog and two stores' feeds for the review console's tests and screenshots.

Written for these tests (no row comes from shared data): a brand the catalog spells in full
that the stores shorten ("Daddy" for Big Daddy Edibles, whose products another brand also
makes), shortened strain names ("Granddaddy Prp", "Pineapple Exp"), a product the catalog
lists twice, near misses, and products no catalog has (the gaps), over two stores.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from helpers import make_catalog, poslink_here

# (id, amount, brand, lineage, name, type, subtype)
CATALOG = [
    (7001, "", "Big Daddy Edibles", "", "gelato gummies", "edible", "Candies"),
    (7002, "", "Big Daddy Edibles", "", "sour peach gummies", "edible", "Candies"),
    (7003, "", "Big Daddy Edibles", "", "dark chocolate bar", "edible", "Chocolates"),
    (7101, "", "Sunny Valley Farms", "sativa", "pineapple express", "flower", ""),
    (7102, "", "Sunny Valley Farms", "indica", "granddaddy purple", "flower", ""),
    (7103, "", "Sunny Valley Farms", "hybrid", "blue dream", "flower", ""),
    (7104, "", "Sunny Valley Farms", "hybrid", "wedding cake", "flower", ""),
    (7201, "", "Comet Extracts", "hybrid", "lunar lemonade", "vape", "Cartridges"),
    (7202, "", "Comet Extracts", "hybrid", "lunar lemonade", "vape", "Cartridges"),
    (7203, "", "Comet Extracts", "indica", "velvet moon", "vape", "Cartridges"),
    (7204, "", "Comet Extracts", "sativa", "tangerine sky", "extract", "Shatters"),
    (7301, "", "Happy Bites", "", "gelato gummies", "edible", "Candies"),
    (7302, "", "Happy Bites", "", "sour peach gummies", "edible", "Candies"),
]

# Each store's listings: (POS id, name, category, quantity).
NORTH = [
    ("n1", "Daddy Gelato Gummies 100mg", "Edibles", 40),
    ("n2", "Pineapple Exp 3.5g | Sunny Valley", "Flower", 25),
    ("n3", "Lunar Lemonade Cart 1g | Comet", "Vape Pens", 30),
    ("n4", "Granddaddy Prp 3.5g | Sunny Valley", "Flower", 18),
    ("n5", "Bloo Dream 3.5g | Sunny Valley", "Flower", 22),
    ("n6", "Moonrise Farms | Blue Dream 3.5g", "Flower", 12),
    ("n7", "Velvet Moon Cart 1g | Comet", "Vape Pens", 9),
    ("n8", "Wedding Cake Shake 7g | Sunny Valley", "Flower", 6),
    ("n9", "Tangerine Sky Shatter 1g | Comet", "Concentrates", 5),
]
SOUTH = [
    ("s1", "Daddy Sour Peach Gummies 100mg", "Edibles", 20),
    ("s2", "Pineapple Exp 1g | Sunny Valley", "Flower", 15),
    ("s3", "Lunar Lemonade Cart 1g | Comet", "Vape Pens", 14),
    ("s4", "Daddy Gelato Gummies 100mg", "Edibles", 11),
    ("s5", "Moonrise Farms | Blue Dream 3.5g", "Flower", 8),
    ("s6", "Granddaddy Prp 1g | Sunny Valley", "Flower", 7),
    ("s7", "Nova Glow | Citrus Haze Cart 1g", "Vape Pens", 4),
]


@dataclass(frozen=True)
class Demo:
    """The demo's files: a catalog, two feeds and a decision store they were run into."""

    folder: Path
    catalog: Path
    feeds: dict[str, Path]
    decisions: str

    def run(self, store: str, out: Path) -> str:
        """``poslink run`` one store's feed with the decision store; its summary line.

        In the test's process (``poslink_here``): these runs fill the store the console reads,
        or show what the next run makes of what was reviewed; no test here is about the process,
        and ten demos spent half a minute starting ``poslink``."""
        result = poslink_here(
            "run", "--pos", self.feeds[store], "--catalog", self.catalog, "--out", out,
            "--decisions", self.decisions, "--store-id", store, "--workers", "1",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout


def _feed(path: Path, rows: list[tuple[str, str, str, int]]) -> Path:
    records = [
        {"category": c, "productId": i, "productName": n, "quantityAvailable": float(q)}
        for i, n, c, q in rows
    ]
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    return path


def demo(folder: Path, decisions: str | None = None) -> Demo:
    """Write the demo's catalog and feeds into ``folder`` and run both feeds into a store."""
    folder.mkdir(parents=True, exist_ok=True)
    catalog = make_catalog(folder / "catalog.db", CATALOG)
    feeds = {
        "north": _feed(folder / "north.json", NORTH),
        "south": _feed(folder / "south.json", SOUTH),
    }
    made = Demo(folder, catalog, feeds, decisions or str(folder / "decisions.db"))
    for store in feeds:
        made.run(store, folder / f"{store}-0.csv")
    return made
