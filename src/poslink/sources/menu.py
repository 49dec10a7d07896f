"""A nested JSON menu, as POS APIs return it: products carrying variants, one record per variant.

::

    {"products": [{"id": 12, "name": "Blue Dream", "brand": {"name": "Gold Leaf"},
                   "category": "Flower", "strain": "Blue Dream", "strainType": "HYBRID",
                   "variants": [{"sku": "GL-BD-1", "option": "1g", "price": 12, "quantity": 4}]}]}

Where each field is found is an option (a dotted path, or a list tried in order), so one module
reads the menus of many POS systems. The output repeats every field, flattened with dotted names:
``product.brand.name``, ``variant.sku``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field, field_validator

from poslink.exceptions import InputError, SkippedRecord
from poslink.records import PosRecord
from poslink.sources.base import Source, SourceOptions
from poslink.sources.json_items import found_at, iter_items
from poslink.sources.validate import kind_of, usable_name
from poslink.sources.values import first_at as _first
from poslink.sources.values import flatten
from poslink.sources.values import get_path as _get
from poslink.sources.values import number_of as _number
from poslink.sources.values import text_at as _text

__all__ = ["MenuOptions", "MenuSource", "flatten"]
Paths = list[str]
# The flattened field names seen, as ordered sets: the products' and the variants'.
Keys = tuple[dict[str, None], dict[str, None]]

# Records the pass that finds the fields keeps for the ``records`` call that follows, at most:
# a menu of up to this many is read and flattened once, not twice (flattening is most of the
# cost); a larger one is read again, so memory stays bounded by this, not by the export.
KEPT_RECORDS = 50_000


def _paths(default: list[str], description: str) -> Any:
    return Field(default_factory=lambda: list(default), description=description)


class MenuOptions(SourceOptions):
    """Where the menu keeps each field: dotted paths, the first one present wins."""

    products: str = Field(
        "products", description="dotted path to the product array ('' when the file is one)"
    )
    variants: str = Field("variants", description="a product's variant array")
    product_id: Paths = _paths(["id", "productId"], "a product's id")
    name: Paths = _paths(["name", "productName"], "a product's name")
    brand: Paths = _paths(["brand.name", "brand", "brandName"], "a product's brand")
    category: Paths = _paths(["category"], "a product's POS category")
    product_type: Paths = _paths(["type", "productType"], "a product's type")
    lineage: Paths = _paths(["strainType", "lineage"], "indica / sativa / hybrid")
    variant_id: Paths = _paths(["sku", "id"], "a variant's id (its POS id)")
    weight: Paths = _paths(["option", "weight", "size"], "a variant's weight or size")
    quantity: Paths = _paths(["quantity", "quantityAvailable"], "a variant's quantity")

    @field_validator(
        "product_id",
        "name",
        "brand",
        "category",
        "product_type",
        "lineage",
        "variant_id",
        "weight",
        "quantity",
        mode="before",
    )
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class MenuSource(Source):
    """Nested JSON menu: products with brand, strain, type, lineage and variants."""

    name: ClassVar[str] = "menu"
    description: ClassVar[str] = (
        "nested JSON menu {products: [{brand, strain, strainType, variants: [...]}]}; "
        "one record per variant"
    )
    Options: ClassVar[type[BaseModel]] = MenuOptions
    category_table = "menu"
    formats: ClassVar[tuple[str, ...]] = ("json-object", "json-array")

    options: MenuOptions

    def __init__(self, path: Path | str, options: BaseModel | Mapping[str, Any] | None = None):
        super().__init__(path, options)
        self._fields: list[str] | None = None
        # The records the fields' pass made, for the next ``records`` (None: read again).
        self._kept: list[PosRecord | SkippedRecord] | None = None

    @property
    def fields(self) -> list[str]:
        """Every flattened field of the menu, product ones first, in first-seen order.

        Found by a first pass over the file, which also proves the whole file is valid JSON
        before any output is written. That pass makes the records as it goes, and keeps them
        for the next ``records`` call (up to ``KEPT_RECORDS``).
        """
        if self._fields is None:
            keys: Keys = ({}, {})
            kept: list[PosRecord | SkippedRecord] | None = []
            for record in self._read(keys):
                if kept is not None:
                    kept.append(record)
                    if len(kept) > KEPT_RECORDS:
                        kept = None
            self._fields = [*keys[0], *keys[1]]
            self._kept = kept
        return list(self._fields)

    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """One record per variant (a product without variants is one record), in file order.

        Those the fields' pass kept come from there, once (of the file that pass read: a run
        checks that it did not change before publishing, ``check_unchanged``); else, and at a
        later call, they are read from the file, and a read to its end gives the fields too
        (a sync reads a store ahead, then asks for its fields).
        """
        kept, self._kept = self._kept, None
        if kept is not None:
            yield from kept
            return
        keys: Keys = ({}, {})
        yield from self._read(keys)
        if self._fields is None:
            self._fields = [*keys[0], *keys[1]]

    def _read(self, keys: Keys | None = None) -> Iterator[PosRecord | SkippedRecord]:
        """The file's records; each flattened field name noted in ``keys`` on the way."""
        row = 0
        for number, product in enumerate(self._products(), start=1):
            for record in self._product_records(row, number, product, keys):
                yield record
                row += 1

    # -- one product -------------------------------------------------------------------------

    def _product_records(
        self, row: int, number: int, product: Any, keys: Keys | None
    ) -> Iterator[PosRecord | SkippedRecord]:
        where = f"{self.path.name} product {number}"
        if not isinstance(product, dict):
            yield SkippedRecord(f"{where} is {kind_of(product)}, not an object", row=row, raw={})
            return
        opts = self.options
        raw = self._product_raw(product)
        if keys is not None:
            keys[0].update(dict.fromkeys(raw))
        product_id = _text(product, opts.product_id)
        if product_id:
            where += f" (id {product_id})"
        shared = {
            "category": _text(product, opts.category),
            "brand": _text(product, opts.brand),
            "product_type": _text(product, opts.product_type),
            "lineage": _text(product, opts.lineage),
        }
        category = shared["category"] or ""
        variants = _get(product, opts.variants)
        if variants is not None and not isinstance(variants, list):
            reason = f"{where}: {opts.variants} is {kind_of(variants)}, not a list"
            yield SkippedRecord(
                reason, row=row, pos_id=product_id or "", raw=raw, category=category
            )
            return
        name = _text(product, opts.name)
        if not variants:
            yield self._record(row, where, raw, product_id, name, shared, None, keys)
            return
        for offset, variant in enumerate(variants):
            if isinstance(variant, dict):
                what = f"{where} variant {offset + 1}"
                yield self._record(row + offset, what, raw, product_id, name, shared, variant, keys)
            else:
                reason = f"{where} variant {offset + 1} is {kind_of(variant)}, not an object"
                yield SkippedRecord(reason, row=row + offset, raw=raw, category=category)

    def _record(
        self,
        row: int,
        what: str,
        product_raw: dict[str, Any],
        product_id: str | None,
        name: str | None,
        shared: dict[str, str | None],
        variant: dict[str, Any] | None,
        keys: Keys | None,
    ) -> PosRecord | SkippedRecord:
        """One variant (or a product without variants) with its product's fields."""
        opts = self.options
        if variant is None:
            raw, pos_id, id_paths = product_raw, product_id, opts.product_id
        else:
            own = flatten(variant, "variant.")
            if keys is not None:
                keys[1].update(dict.fromkeys(own))
            raw = {**product_raw, **own}
            pos_id, id_paths = _text(variant, opts.variant_id), opts.variant_id
        category = shared["category"] or ""
        if not pos_id:
            reason = f"{what}: no id (looked for {', '.join(id_paths)})"
            return SkippedRecord(reason, row=row, raw=raw, category=category)
        if name is None or not usable_name(name):
            reason = f"{what}: no usable name (looked for {', '.join(opts.name)})"
            return SkippedRecord(reason, row=row, pos_id=pos_id, raw=raw, category=category)
        quantity: float | None = None
        if variant is not None:
            value = _first(variant, opts.quantity)
            quantity = _number(value)
            if value is not None and quantity is None:
                shown = repr(value) if isinstance(value, str) else kind_of(value)
                reason = f"{what}: quantity must be a number, found {shown}"
                return SkippedRecord(reason, row=row, pos_id=pos_id, raw=raw, category=category)
        return PosRecord(
            row=row,
            source=self.name,
            pos_id=pos_id,
            name=name,
            category=category,
            quantity=quantity,
            brand=shared["brand"],
            product_type=shared["product_type"],
            lineage=shared["lineage"],
            weight=_text(variant, opts.weight) if variant is not None else None,
            raw=raw,
        )

    def _product_raw(self, product: dict[str, Any]) -> dict[str, Any]:
        rest = {k: v for k, v in product.items() if k != self.options.variants}
        return flatten(rest, "product.")

    # -- the file ----------------------------------------------------------------------------

    def _products(self) -> Iterator[Any]:
        """The elements of the product array, parsed one at a time as the file streams in."""
        self.check_readable()
        prefix = f"{self.options.products}.item" if self.options.products else "item"
        done = 0
        for product in iter_items(self.path, prefix, self.open_bytes):
            done += 1
            yield product
        if not done:
            self._check_array()

    def _check_array(self) -> None:
        """An empty result must be an empty array, not a wrong path: say what is there."""
        path = self.options.products
        if found_at(self.path, path, self.open_bytes) == "array":
            return
        where = f"at {path!r}" if path else "at the top level"
        problem = f"{self.path}: expected an array of products {where} (option products)"
        # A top-level array is most often another source's export (the run's own hint,
        # sniff.format_hint, names none: this source reads arrays too, with products '').
        if path and found_at(self.path, "", self.open_bytes) == "array":
            problem += (
                "; the file is an array: a jane-style export is read by --source jane-json,"
                " a bare array of menu products with option products set to ''"
            )
        raise InputError(problem)
