"""A generated feed rendered as the named POS systems export it (a renderer of the feed files).

``read_feed`` reads a generated workload's three feed files (``menu.json``, ``pos.csv``,
``pos.json``: the same records in the same order) back into listings; ``render`` writes the
same records in the shape one system's API answers (Dutchie, Flowhub, METRC, Weedmaps, Leafly),
``page`` wraps a run of them as that API wraps a page, and ``write_export`` saves the whole
feed as one such document. So every system's source reads the generator's products, each
with the structured fields its system has, and their ids can be compared with the labels.

The system categories are drawn from the store category the generator gives each form.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SYSTEMS = ("dutchie", "dutchie-products", "flowhub", "metrc", "metrc-items", "weedmaps", "leafly")
NESTED = frozenset({"weedmaps", "leafly"})  # one document record per listing, sizes as variants

_OPTION = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-z]+)$")
_UNIT_NAMES = {"g": "Grams", "mg": "Milligrams", "oz": "Ounces", "ml": "Milliliters"}

# The looser store categories of the feed (``data/renderings.toml [store_categories]``) as
# the categories below know them.
_STORE = {
    "Flowers": "Flower",
    "Bud": "Flower",
    "Prerolls": "Pre-Rolls",
    "Vape Pens": "Vape Cartridges",
    "Vapes": "Vape Cartridges",
    "Extracts": "Concentrates",
    "Dabs": "Concentrates",
    "Edible": "Edibles",
    "Topical": "Topicals",
}


def _category(store_category: str) -> str:
    return _STORE.get(store_category, store_category)


# Store category -> (Flowhub category, Flowhub custom category or None).
_FLOWHUB = {
    "Flower": ("PackedBud", None),
    "Pre-Rolls": ("Joint", None),
    "Vape Cartridges": ("Concentrate", "Vape Cartridges"),
    "Disposables": ("Concentrate", "Disposables"),
    "Concentrates": ("Concentrate", None),
    "Edibles": ("Edible", None),
    "Beverages": ("Edible", None),
    "Capsules": ("Capsule", None),
    "Topicals": ("Topical", None),
    "Tinctures": ("Tincture", None),
}
_METRC = {
    "Flower": "Buds",
    "Pre-Rolls": "Pre-Roll Flower",
    "Vape Cartridges": "Vape Cartridge (weight - each)",
    "Disposables": "Vape Cartridge (weight - each)",
    "Concentrates": "Concentrate (each)",
    "Edibles": "Infused Edible (each)",
    "Beverages": "Edible (volume - each)",
    "Capsules": "Capsule (weight - each)",
    "Topicals": "Topical (weight - each)",
    "Tinctures": "Tincture (volume - each)",
}
# Store category -> (Weedmaps parent category, sub-category or None).
_WEEDMAPS = {
    "Flower": ("Flower", None),
    "Pre-Rolls": ("Pre-Rolls", None),
    "Vape Cartridges": ("Vape Pens", "Cartridges"),
    "Disposables": ("Vape Pens", "Disposables"),
    "Concentrates": ("Concentrates", None),
    "Edibles": ("Edibles", None),
    "Beverages": ("Edibles", "Drinks"),
    "Capsules": ("Edibles", "Capsules"),
    "Topicals": ("Topicals", None),
    "Tinctures": ("Tinctures", None),
}
_LEAFLY = {
    "Flower": "flower",
    "Pre-Rolls": "preroll",
    "Vape Cartridges": "vape",
    "Disposables": "vape",
    "Concentrates": "concentrate",
    "Edibles": "edible",
    "Beverages": "edible",
    "Capsules": "capsule",
    "Topicals": "topical",
    "Tinctures": "tincture",
}


@dataclass(frozen=True)
class Record:
    """One feed record: a size (or lot) of a listing."""

    pos_id: str
    short: str  # the name as a store with a brand column writes it
    full: str  # the name with its brand, as the JSON feed has it
    store_category: str
    state_category: str
    option: str  # "3.5g", "100mg"; "" for none
    price: float
    quantity: float

    def amount(self) -> tuple[float, str] | None:
        """The option as (value, unit): (3.5, "g")."""
        found = _OPTION.match(self.option)
        return (float(found.group(1)), found.group(2)) if found else None


@dataclass(frozen=True)
class Listing:
    """One product on the shelf, with its records."""

    id: str
    name: str  # without brand and size
    brand: str
    menu_category: str
    strain: str | None
    lineage: str | None  # "INDICA", "CBD", ...
    records: tuple[Record, ...]


def read_feed(folder: Path) -> list[Listing]:
    """The listings of a generated workload, read from its ``menu.json``, ``pos.csv`` and
    ``pos.json`` (generated with every format)."""
    menu = json.loads((folder / "menu.json").read_text("utf-8"))["products"]
    flat = json.loads((folder / "pos.json").read_text("utf-8"))
    with (folder / "pos.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    listings: list[Listing] = []
    position = 0
    for product in menu:
        records = []
        for variant in product["variants"]:
            row, record = rows[position], flat[position]
            position += 1
            if not (variant["sku"] == row[0] == str(record["productId"])):
                raise ValueError(f"the feed files disagree at record {position}")
            option = "" if variant["option"] == "each" else variant["option"]
            records.append(
                Record(
                    pos_id=row[0],
                    short=row[1],
                    full=record["productName"],
                    store_category=row[3],
                    state_category=record["category"],
                    option=option,
                    price=float(variant["price"]),
                    quantity=float(variant["quantity"]),
                )
            )
        listings.append(
            Listing(
                id=str(product["id"]).removeprefix("p-"),
                name=product["name"],
                brand=product["brand"]["name"],
                menu_category=product["category"],
                strain=product["strain"],
                lineage=product["strainType"],
                records=tuple(records),
            )
        )
    return listings


def render(system: str, listings: Sequence[Listing]) -> list[dict[str, Any]]:
    """The listings as ``system``'s records, in feed order."""
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}: choose from {SYSTEMS}")
    if system in NESTED:
        nest = _weedmaps if system == "weedmaps" else _leafly
        return [nest(listing) for listing in listings]
    flat = {
        "dutchie": _dutchie,
        "dutchie-products": _dutchie_product,
        "flowhub": _flowhub,
        "metrc": _metrc_package,
        "metrc-items": _metrc_item,
    }[system]
    return [flat(listing, record) for listing in listings for record in listing.records]


def page(system: str, records: Sequence[dict[str, Any]], number: int, size: int, total: int) -> Any:
    """Page ``number`` (from 1) of ``total`` records as the system's API answers it."""
    body = list(records)
    if system in ("dutchie", "dutchie-products"):
        return body
    if system == "flowhub":
        return {"status": 200, "data": body}
    if system in ("metrc", "metrc-items"):
        pages = -(-total // size) if size else 1
        return {
            "Data": body,
            "Total": total,
            "TotalRecords": total,
            "PageSize": size,
            "RecordsOnPage": len(body),
            "CurrentPage": number,
            "TotalPages": pages,
        }
    if system == "weedmaps":
        return {"data": body, "links": {}, "meta": {"total": total}}
    return {"items": body}


def write_export(system: str, listings: Sequence[Listing], path: Path) -> Path:
    """The whole feed as one saved document of ``system`` (one page holding everything)."""
    records = render(system, listings)
    document = page(system, records, 1, max(len(records), 1), len(records))
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _title(lineage: str | None) -> str | None:
    return lineage.title() if lineage and lineage != "CBD" else lineage


def _weight(record: Record, key: str, unit_key: str) -> Iterator[tuple[str, Any]]:
    amount = record.amount()
    yield key, amount[0] if amount else None
    yield unit_key, amount[1] if amount else None


def _dutchie(listing: Listing, record: Record) -> dict[str, Any]:
    return {
        "inventoryId": int(record.pos_id),
        "productId": int(listing.id),
        "sku": record.pos_id,
        "productName": record.short,
        "category": record.store_category,
        "masterCategory": listing.menu_category,
        "brandName": listing.brand,
        "strain": listing.strain,
        "strainType": _title(listing.lineage),
        "quantityAvailable": record.quantity,
        **dict(_weight(record, "unitWeight", "unitWeightUnit")),
        "unitPrice": record.price,
    }


def _dutchie_product(listing: Listing, record: Record) -> dict[str, Any]:
    return {
        "productId": int(record.pos_id),
        "sku": record.pos_id,
        "productName": listing.name,
        "masterCategory": listing.menu_category,
        "category": record.store_category,
        "brandName": listing.brand,
        "strain": listing.strain,
        "strainType": _title(listing.lineage),
        "size": record.option or None,
        **dict(_weight(record, "netWeight", "netWeightUnit")),
        "price": record.price,
    }


def _flowhub(listing: Listing, record: Record) -> dict[str, Any]:
    category, custom = _FLOWHUB.get(_category(record.store_category), ("Edible", None))
    amount = record.amount()
    thc = (
        [{"name": "thc", "lowerRange": amount[0], "upperRange": amount[0], "unitOfMeasure": "mg"}]
        if amount and amount[1] == "mg"
        else []
    )
    return {
        "productId": record.pos_id,
        "productName": record.short,
        "parentProductName": listing.name,
        "sku": record.pos_id,
        "brand": listing.brand,
        "category": category,
        "customCategoryName": custom,
        "speciesName": _title(listing.lineage),
        "strainName": listing.strain,
        **dict(_weight(record, "productWeight", "productUnitOfMeasure")),
        "quantity": record.quantity,
        "cannabinoidInformation": thc,
        "variantId": record.pos_id,
        "variantName": record.option,
        "priceInMinorUnits": round(record.price * 100),
    }


def _metrc_item(listing: Listing, record: Record) -> dict[str, Any]:
    amount = record.amount()
    unit = _UNIT_NAMES.get(amount[1]) if amount else None
    weight = amount if amount and amount[1] in ("g", "oz") else None
    volume = amount if amount and amount[1] == "ml" else None
    thc = amount if amount and amount[1] == "mg" else None
    return {
        "Id": int(record.pos_id),
        "Name": record.full,
        "ProductCategoryName": _METRC.get(
            _category(record.store_category), "Infused Edible (each)"
        ),
        "ItemBrandName": listing.brand,
        "StrainName": listing.strain,
        "UnitWeight": weight[0] if weight else None,
        "UnitWeightUnitOfMeasureName": unit if weight else None,
        "UnitVolume": volume[0] if volume else None,
        "UnitVolumeUnitOfMeasureName": unit if volume else None,
        "UnitThcContent": thc[0] if thc else None,
        "UnitThcContentUnitOfMeasureName": unit if thc else None,
    }


def _metrc_package(listing: Listing, record: Record) -> dict[str, Any]:
    return {
        "Id": int(record.pos_id),
        "Label": f"1A4FF0100000022{int(record.pos_id):09d}",
        "PackageType": "Product",
        "Quantity": record.quantity,
        "UnitOfMeasureName": "Each",
        "Item": _metrc_item(listing, record),
    }


def _weedmaps(listing: Listing) -> dict[str, Any]:
    parent, sub = _WEEDMAPS.get(_category(listing.records[0].store_category), ("Edibles", None))
    return {
        "id": listing.id,
        "type": "menu_item",
        "attributes": {
            "name": listing.name,
            "brand_name": listing.brand,
            "parent_category": parent,
            "sub_category": sub,
            "category_name": sub or parent,
            "genetics": listing.lineage.lower() if listing.lineage else None,
            "strain_name": listing.strain,
            "external_id": listing.id,
            "variants": [
                {
                    "external_id": record.pos_id,
                    "weight": dict(_weight(record, "value", "unit")) if record.option else None,
                    "inventory_quantity": record.quantity,
                    "price": {"amount": f"{record.price:.2f}", "currency": "USD"},
                }
                for record in listing.records
            ],
        },
    }


def _leafly(listing: Listing) -> dict[str, Any]:
    return {
        "id": listing.id,
        "type": _LEAFLY.get(_category(listing.records[0].store_category), "edible"),
        "name": listing.name,
        "brand": listing.brand,
        "strain": listing.strain,
        "description": "",
        "variants": [
            {
                "id": record.pos_id,
                "weight": record.option or None,
                "quantity": record.quantity,
                "price": record.price,
            }
            for record in listing.records
        ],
    }
