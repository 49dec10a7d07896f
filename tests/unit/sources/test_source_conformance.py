"""Every built-in source passes the conformance suite, in several shapes of its format."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from poslink.sources.delimited import CsvSource
from poslink.sources.jane_json import JaneJsonSource
from poslink.sources.jsonl import JsonLinesSource
from poslink.sources.menu import MenuSource
from poslink.testing import Bad, Item, SourceConformance

COLUMNS = {"id": "SKU", "name": "Product Name", "brand": "Brand", "category": "Category"}


class TestJaneJson(SourceConformance):
    source = JaneJsonSource
    suffix = ".json"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        data = [
            {"category": "x", "productId": 1, "productName": None, "quantityAvailable": 1}
            if isinstance(item, Bad)
            else {
                "category": item.category,
                "productId": item.pos_id,
                "productName": item.name,
                "quantityAvailable": item.quantity,
            }
            for item in items
        ]
        path.write_text(json.dumps(data), encoding="utf-8")
        return {}


class TestJsonLines(SourceConformance):
    """One object a line; a line that is not JSON is the bad record."""

    source = JsonLinesSource
    suffix = ".jsonl"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        lines = [
            '{"productId": 9, "productName": "cut off'
            if isinstance(item, Bad)
            else json.dumps(
                {
                    "category": item.category,
                    "productId": item.pos_id,
                    "productName": item.name,
                    "quantityAvailable": item.quantity,
                }
            )
            for item in items
        ]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return {}


def _csv_rows(items: Sequence[Item], bad: list[str]) -> list[list[str]]:
    rows = [["SKU", "Product Name", "Brand", "Category", "Qty On Hand"]]
    for item in items:
        if isinstance(item, Bad):
            rows.append(bad)
        else:
            qty = "" if item.quantity is None else str(item.quantity)
            rows.append([item.pos_id, item.name, item.brand, item.category, qty])
    return rows


class TestCsvComma(SourceConformance):
    """Comma-delimited UTF-8, a row with too few fields as the bad record."""

    source = CsvSource
    suffix = ".csv"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(_csv_rows(items, ["77", "Short Row"]))
        return {"delimiter": ",", "columns": {**COLUMNS, "quantity": "Qty On Hand"}}


class TestCsvTabUtf16(SourceConformance):
    """Tab-delimited UTF-16 (as spreadsheet programs save 'Unicode text'), an empty id."""

    source = CsvSource
    suffix = ".tsv"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        with path.open("w", newline="", encoding="utf-16") as handle:
            csv.writer(handle, delimiter="\t").writerows(
                _csv_rows(items, ["", "No Id Kush", "B", "C", "1"])
            )
        return {"delimiter": "tab", "encoding": "utf-16", "columns": COLUMNS}


class TestCsvSemicolonSniffed(SourceConformance):
    """Semicolons found by sniffing, a byte-order mark, a decimal comma, a bad quantity."""

    source = CsvSource
    suffix = ".csv"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        rows = _csv_rows(items, ["9", "Bad Qty", "B", "C", "lots"])
        for row in rows[1:]:
            row[4] = row[4].replace(".", ",")
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            csv.writer(handle, delimiter=";").writerows(rows)
        return {"decimal": ",", "columns": {**COLUMNS, "quantity": "qty on hand"}}


def _product(item: Item, n: int) -> dict[str, Any]:
    if isinstance(item, Bad):
        return {"id": f"bad{n}", "name": "No Sku", "variants": [{"option": "1g"}]}
    return {
        "id": f"p{n}",
        "name": item.name,
        "brand": {"name": item.brand},
        "category": item.category,
        "strainType": "HYBRID",
        "variants": [{"sku": item.pos_id, "option": "1g", "price": 10, "quantity": item.quantity}],
    }


class TestMenu(SourceConformance):
    """The default shape: {products: [{..., variants: [{sku, option, quantity}]}]}."""

    source = MenuSource
    suffix = ".json"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        products = [_product(item, n) for n, item in enumerate(items)]
        path.write_text(json.dumps({"products": products}), encoding="utf-8")
        return {}


class TestMenuOtherShape(SourceConformance):
    """Another POS's shape: a deeper path, brand as text, variants keyed by id and weight."""

    source = MenuSource
    suffix = ".json"

    def write(self, path: Path, items: Sequence[Item]) -> Mapping[str, Any]:
        products = []
        for n, item in enumerate(items):
            product = _product(item, n)
            product["brandName"] = product.pop("brand", {}).get("name", "")
            product["children"] = [
                {"variantId": v.get("sku"), "weight": v["option"]} for v in product.pop("variants")
            ]
            products.append(product)
        data = {"data": {"menu": {"products": products}}, "meta": {"count": len(products)}}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return {
            "products": "data.menu.products",
            "variants": "children",
            "variant_id": "variantId",
            "brand": "brandName",
        }
