"""Write the bundled example data (an invented catalog, one POS export per format, labels).

Everything here is made up for poslink's examples: brands, strains and ids. Run it again
after editing the lists below: ``python examples/build_examples.py``.

The three exports are three POS systems' views of one store: ``pos.json`` (the Jane JSON array,
brand and weight inside the name), ``pos.csv`` (a semicolon export with Brand and Unit Weight
columns) and ``menu.json`` (a nested menu API: brand, category, lineage, variants). Each has its
labels file; ``csv.toml`` and ``menu.toml`` beside them say how to read the last two.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

HERE = Path(__file__).resolve().parent / "jane"

# id, amount, brand, lineage, name, product_type, product_subtype
CATALOG = [
    (5001, "", "Emerald Coast Extracts", "hybrid", "lunar lemonade vaporizer cartridge", "vape", "Cartridges"),
    (5002, "", "Emerald Coast Extracts", "indica", "velvet moon vaporizer cartridge", "vape", "Cartridges"),
    (5003, "", "Emerald Coast Extracts", "sativa", "tangerine sky", "extract", "Shatters"),
    (5004, "", "Emerald Coast Extracts", "sativa", "tangerine sky", "vape", "Cartridges"),
    (5005, "300mg", "Emerald Coast Extracts", "", "pacific mist", "vape", "Disposables"),
    (5101, "", "Sunny Valley Farms", "indica", "grape escape", "flower", ""),
    (5102, "", "Sunny Valley Farms", "hybrid", "maple kush #7", "flower", ""),
    (5103, "", "Sunny Valley Farms", "hybrid", "maple kush #9", "flower", ""),
    (5104, "", "Sunny Valley Farms", "sativa", "citrus comet", "pre-roll", "Pre-Rolls"),
    (5105, "", "Sunny Valley Farms", "sativa", "citrus comet", "flower", ""),
    (5201, "10pk", "Highland Canna Co. (HLC)", "", "wild cherry gummies", "edible", "Candies"),
    (5202, "10pk", "Highland Canna Co. (HLC)", "cbd", "1:1 wild cherry gummies", "edible", "Candies"),
    (5203, "", "Highland Canna Co. (HLC)", "", "mint dark chocolate bar", "edible", "Chocolates"),
    (5204, "4pk", "Highland Canna Co. (HLC)", "", "peach tea tonic", "edible", "Drinks"),
    (5301, "", "O'Malley's Botanicals", "", "calm balm", "topical", "Balms"),
    (5302, "", "O'Malley's Botanicals", "hybrid", "river rock rosin", "extract", "Rosins"),
    (5303, "", "O'Malley's Botanicals", "hybrid", "river rock rosin", "extract", "Rosins"),
    (5401, "", "Quartz Labs", "hybrid", "snowcap live resin - quartz", "extract", "Live Resins"),
    (5402, "", "Quartz Labs", "indica", "night owl badder", "extract", "Badders"),
    (5403, "", "Quartz Labs", "hybrid", "granite og vaporizer cartridge - quartz", "vape", "Cartridges"),
]

# category, productId, productName, quantityAvailable, the right catalog id ("" when none)
POS = [
    ("Marijuana Extract for Inhalation", 9001, "Lunar Lemonade Vaporizer CARTRIDGE -500mg- Emerald Coast", 12.0, "5001"),
    ("Marijuana Extract for Inhalation", 9002, "Velvet Moon Vape Cart -1g- EMERALD COAST EXTRACTS", 4.0, "5002"),
    ("Marijuana Extract for Inhalation", 9003, "Tangerine Sky SHATTER -1.0g- Emerald Coast", 7.0, "5003"),
    # no form word: the shatter or the cartridge, nothing tells
    ("Marijuana Extract for Inhalation", 9010, "Tangerine Sky -1.0g- Emerald Coast", 2.0, ""),
    ("Marijuana Extract for Inhalation", 9004, "Tangerine Sky RAW WAX -1.0g- Emerald Coast", 3.0, ""),
    ("Marijuana Extract for Inhalation", 9005, "Pacific Mist DISPOSABLE Vaporizer -300mg- Emerald Coast", 20.0, "5005"),
    ("Marijuana Extract for Inhalation", 9006, "Harbor Haze Vaporizer CARTRIDGE -500mg- Emerald Coast", 9.0, ""),
    ("Usable Marijuana", 9101, "Grape Escape -3.5g- Sunny Valley", 30.0, "5101"),
    ("Usable Marijuana", 9102, "Grape Escape FLOWER -1.0g- Sunny Valley", 18.0, "5101"),
    ("Usable Marijuana", 9103, "Grape Escpae -7.0g- Sunny Valley Farms", 2.0, "5101"),
    ("Usable Marijuana", 9104, "Maple Kush #7 -3.5g- Sunny Valley", 11.0, "5102"),
    ("Usable Marijuana", 9105, "Maple Kush #8 -3.5g- Sunny Valley", 6.0, ""),
    ("Usable Marijuana", 9106, "Citrus Comet PRE-ROLL -1.0g- Sunny Valley", 40.0, "5104"),
    ("Usable Marijuana", 9107, "Citrus Comet SHAKE -7.0g- Sunny Valley", 5.0, ""),
    # No form word under "Usable Marijuana": flower, the category's default type.
    ("Usable Marijuana", 9108, "Citrus Comet -1.0g- Sunny Valley", 8.0, "5105"),
    ("Solid Marijuana Infused Edible", 9201, "Wild Cherry Gummies (10-Pack) -100mg- HLC", 25.0, "5201"),
    ("Solid Marijuana Infused Edible", 9202, "Wild Cherry 1:1 Gummies -CBD- HLC", 14.0, "5202"),
    ("Solid Marijuana Infused Edible", 9203, "Wild Cherry 2:1 Gummies -CBD- HLC", 3.0, ""),
    ("Solid Marijuana Infused Edible", 9204, "Mint Dark Chocolate Bar -100mg- Highland Canna", 9.0, "5203"),
    ("Liquid Marijuana Infused Edible", 9205, "Peach Tea Tonic (4-Pack) -100mg- HLC", 16.0, "5204"),
    ("Marijuana Infused Topicals", 9301, "Calm Balm -500mg- Omalleys Botanicals", 10.0, "5301"),
    ("Marijuana Extract for Inhalation", 9302, "River Rock ROSIN -1.0g- O'Malley's", 6.0, "5302;5303"),
    ("Marijuana Extract for Inhalation", 9401, "Snowcap Live Resin -1.0g- Quartz", 13.0, "5401"),
    ("Marijuana Extract for Inhalation", 9402, "Night Owl BADDER -1.0g- Quartz Labs", 5.0, "5402"),
    ("Marijuana Extract for Inhalation", 9403, "Granite OG Vaporizer CARTRIDGE -500mg- Quartz", 21.0, "5403"),
    ("Marijuana Extract for Inhalation", 9404, "Granite OG Vaporizer CARTRIDGE -500mg- Quartz", 4.0, "5403"),
    ("Usable Marijuana", 9501, "Blue Lagoon -3.5g- Tidewater Gardens", 12.0, ""),
    ("Solid Marijuana Infused Edible", 9502, "=HYPERLINK(\"x\") Gummies -100mg- HLC", 1.0, ""),
    ("Solid Marijuana Infused Edible", 9503, "   ", 1.0, ""),
]


# SKU, Product Name, Brand, Category, Strain, Unit Weight, Qty On Hand, the right catalog id.
# Brand and weight are in their own columns, not in the name: the source passes them on.
CSV = [
    ("A-100", "Lunar Lemonade Vaporizer Cartridge", "Emerald Coast Extracts", "Vape Cartridges", "Lunar Lemonade", "0.5g", "12", "5001"),
    ("A-101", "Velvet Moon Vape Cart", "Emerald Coast", "Vape Cartridges", "Velvet Moon", "1g", "4", "5002"),
    ("A-102", "Tangerine Sky Shatter", "Emerald Coast", "Concentrates", "Tangerine Sky", "1g", "7", "5003"),
    ("A-103", "Grape Escape", "Sunny Valley Farms", "Flower", "Grape Escape", "3.5g", "30", "5101"),
    ("A-104", "Grape Escape", "Sunny Valley Farms", "Flower", "Grape Escape", "1/8 oz", "2", "5101"),
    ("A-105", "Maple Kush #7", "Sunny Valley", "Flower", "Maple Kush", "3.5g", "11", "5102"),
    ("A-106", "Maple Kush #8", "Sunny Valley", "Flower", "Maple Kush", "3.5g", "6", ""),
    ("A-107", "Citrus Comet Pre-Roll", "Sunny Valley", "Pre-Rolls", "Citrus Comet", "1g", "40", "5104"),
    ("A-108", "Wild Cherry Gummies (10-Pack)", "HLC", "Edibles", "", "100mg", "25", "5201"),
    ("A-109", "Wild Cherry 1:1 Gummies CBD", "Highland Canna Co.", "Edibles", "", "", "14", "5202"),
    ("A-110", "Mint Dark Chocolate Bar; 100mg", "Highland Canna Co. (HLC)", "Edibles", "", "", "9", "5203"),
    ("A-111", "Calm Balm", "O'Malley's Botanicals", "Topicals", "", "", "10", "5301"),
    ("A-112", "Snowcap Live Resin ❄", "Quartz Labs", "Concentrates", "Snowcap", "1g", "13", "5401"),
    ("A-113", "Blue Lagoon", "Tidewater Gardens", "Flower", "Blue Lagoon", "3.5g", "12", ""),
    ("", "Granite OG Vaporizer Cartridge", "Quartz Labs", "Vape Cartridges", "Granite OG", "0.5g", "21", ""),
]
# Rows written as they are, to show what the source sets aside: too few fields.
CSV_BROKEN = {7: "A-199;Short Row"}

# The menu: products with variants; each variant is one record and gets its product's id.
MENU = [
    ("m1", "Grape Escape", "Sunny Valley Farms", "FLOWER", "Grape Escape", "INDICA", [("SV-GE-1", "1g", 18), ("SV-GE-35", "3.5g", 30), ("SV-GE-7", "7g", 2)], "5101"),
    ("m2", "Citrus Comet", "Sunny Valley Farms", "PRE_ROLLS", "Citrus Comet", "SATIVA", [("SV-CC-PR", "1g", 40)], "5104"),
    ("m3", "Citrus Comet", "Sunny Valley Farms", "FLOWER", "Citrus Comet", "SATIVA", [("SV-CC-35", "3.5g", 8)], "5105"),
    ("m4", "Tangerine Sky", "Emerald Coast Extracts", "CONCENTRATES", "Tangerine Sky", "SATIVA", [("EC-TS-1", "1g", 7)], "5003"),
    ("m5", "Tangerine Sky", "Emerald Coast Extracts", "VAPORIZERS", "Tangerine Sky", "SATIVA", [("EC-TS-C", "0.5g", 5)], "5004"),
    ("m6", "Velvet Moon", "Emerald Coast Extracts", "VAPORIZERS", "Velvet Moon", "SATIVA", [("EC-VM-C", "0.5g", 4)], "5002"),
    ("m7", "River Rock Rosin", "O'Malley's Botanicals", "CONCENTRATES", "River Rock", "HYBRID", [("OM-RR-1", "1g", 6)], "5302;5303"),
    ("m8", "Peach Tea Tonic (4-Pack)", "Highland Canna Co. (HLC)", "BEVERAGES", "", "", [("HLC-PT-4", "100mg", 16), (None, "100mg", 3)], "5204"),
    ("m9", "Granite OG", "Quartz Labs", "VAPORIZERS", "Granite OG", "HYBRID", [("QL-GO-C", "0.5g", 21)], "5403"),
    ("m10", "Harbor Haze", "Emerald Coast Extracts", "VAPORIZERS", "Harbor Haze", "HYBRID", [("EC-HH-C", "0.5g", 9)], ""),
]


def write_labels(path: Path, rows: list[tuple[object, str, str]]) -> None:
    """A labels file: row, productId, productName, jane_product_id, acceptable, note.

    A truth "a;b" names catalog duplicates: the first is the label, either is accepted."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "productId", "productName", "jane_product_id", "acceptable", "note"])
        for row, (pos_id, name, truth) in enumerate(rows):
            writer.writerow([row, pos_id, name, truth.split(";")[0], truth, ""])


def write_csv() -> None:
    """pos.csv: semicolon-delimited, quoted where needed, with its labels."""
    lines = []
    with (HERE / "pos.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(["SKU", "Product Name", "Brand", "Category", "Strain", "Unit Weight", "Qty On Hand"])
        for n, row in enumerate(CSV):
            if n in CSV_BROKEN:
                handle.write(CSV_BROKEN[n] + "\n")
                lines.append((CSV_BROKEN[n].split(";")[0], CSV_BROKEN[n].split(";")[1], ""))
            writer.writerow(row[:7])
            lines.append((row[0], row[1], row[7]))
    write_labels(HERE / "labels-csv.csv", lines)


def write_menu() -> None:
    """menu.json: one product per entry, its variants inside, with its labels (one per variant)."""
    products = []
    lines = []
    for pid, name, brand, category, strain, lineage, variants, truth in MENU:
        product = {
            "id": pid,
            "name": name,
            "brand": {"name": brand},
            "category": category,
            "strain": strain or None,
            "strainType": lineage or None,
            "variants": [
                {**({"sku": sku} if sku else {}), "option": option, "price": 10.0, "quantity": qty}
                for sku, option, qty in variants
            ],
        }
        products.append(product)
        lines += [(sku or "", name, truth if sku else "") for sku, _, _ in variants]
    data = {"products": products}
    (HERE / "menu.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write_labels(HERE / "labels-menu.csv", lines)


def main() -> None:
    """Write catalog.db, the three exports and their labels under examples/jane."""
    HERE.mkdir(parents=True, exist_ok=True)
    db = HERE / "catalog.db"
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute(
        "CREATE TABLE products (id int primary key, amount text, brand text, lineage text,"
        " name text not null, product_type text, product_subtype text, url text)"
    )
    con.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, '')", CATALOG)
    con.commit()
    con.close()
    records = [
        {"category": c, "productId": i, "productName": n, "quantityAvailable": q}
        for c, i, n, q, _ in POS
    ]
    (HERE / "pos.json").write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    with (HERE / "labels.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "productId", "productName", "jane_product_id", "acceptable", "note"])
        for row, (_, i, n, _, truth) in enumerate(POS):
            writer.writerow([row, i, n, truth.split(";")[0], truth, ""])
    write_csv()
    write_menu()


if __name__ == "__main__":
    main()
