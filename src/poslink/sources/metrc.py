"""METRC, the state track-and-trace system: a facility's packages and its items.

Many POS exports carry METRC's fields, and METRC itself answers for every licensed facility:

- ``metrc``: packages (``GET /packages/v2/active?licenseNumber=...``), the inventory on hand:
  ``Id, Label, Quantity, UnitOfMeasureName, Item {Name, ProductCategoryName,
  ProductCategoryType, ItemBrandName, StrainName, UnitWeight, UnitWeightUnitOfMeasureName,
  UnitThcContent, UnitThcContentUnitOfMeasureName, ...}``; the package's ``Label`` is its id.
- ``metrc-items``: items (``GET /items/v2/active``), the product definitions packages are made
  of: ``Id, Name, ProductCategoryName, ItemBrandName, StrainName, UnitWeight, ...``.

PascalCase JSON. Version 2 pages with ``pageNumber`` (from 1) and ``pageSize`` and wraps a
page as ``{Data, Total, TotalRecords, TotalPages, PageSize, RecordsOnPage, ...}``; version 1
(``/packages/v1/active``) answers a bare array in one document, which is read too. HTTP Basic:
the vendor (software) key as the user name, the user key as the password; the facility's
license number is a query parameter.

The item categories ("Buds", "Shake/Trim", "Vape Cartridge (weight - each)", "Concentrate
(each)", "Infused Edible (each)", ...) are the ``metrc`` category table.

Fed to matching: ``ItemBrandName`` (brand), ``ProductCategoryName`` (category), the unit
weight (or volume) and a THC content in mg (weight and potency), ``Quantity``. METRC
keeps no lineage on items.

Not known for every state (each state's METRC instance enables its own fields and
categories): whether ``ItemBrandName`` is filled (older items name the brand only in
``Name``); the largest ``pageSize`` (poslink asks for 20, the documented default).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from poslink.sources.drafts import Draft, joined, mapped, weight_text
from poslink.sources.paging import Numbered, Paging
from poslink.sources.pull import Auth, PullOptions
from poslink.sources.redaction import SecretText
from poslink.sources.system import Secret, SystemSource

SECRETS = (
    Secret("vendor_key", "METRC_VENDOR_KEY", "the vendor (software) API key"),
    Secret("user_key", "METRC_USER_KEY", "the user API key"),
    Secret("license", "METRC_LICENSE_NUMBER", "the facility's license number"),
)


class MetrcOptions(PullOptions):
    """Which field is the POS id, the license and the API keys (else from the environment)."""

    id_key: str = Field("Label", description="the field holding the POS id")
    license: str | None = Field(
        None, description="the facility's license number (or METRC_LICENSE_NUMBER)"
    )
    vendor_key: SecretText = Field(None, description="the vendor API key (or METRC_VENDOR_KEY)")
    user_key: SecretText = Field(None, description="the user API key (or METRC_USER_KEY)")


class MetrcItemsOptions(MetrcOptions):
    """As for packages; an item's id is its ``Id``."""

    id_key: str = Field("Id", description="the field holding the POS id")


class MetrcSource(SystemSource):
    """METRC active packages: a saved export, or pulled from the API."""

    name: ClassVar[str] = "metrc"
    description: ClassVar[str] = (
        "METRC packages (/packages/v2/active): a saved export, or pulled from the API"
    )
    Options: ClassVar[type[BaseModel]] = MetrcOptions
    options: MetrcOptions
    records_at: ClassVar[tuple[str, ...]] = ("Data",)
    endpoint: ClassVar[str] = "/packages/v2/active"
    secrets: ClassVar[tuple[Secret, ...]] = SECRETS
    default_page_size: ClassVar[int] = 20
    category_table = "metrc"

    def auth(self, secrets: Mapping[str, str]) -> Auth:
        """HTTP Basic with the vendor key and the user key; the license as a parameter."""
        vendor, user = secrets["vendor_key"], secrets["user_key"]
        return Auth(
            basic=(vendor, user),
            params={"licenseNumber": secrets["license"]},
            secrets=(vendor, user),
        )

    def paging(self, size: int) -> Paging:
        """``pageNumber`` from 1 and ``pageSize``; the totals from the page; v1: one array."""
        return Numbered(
            "pageNumber",
            "pageSize",
            size,
            pages_at=("TotalPages",),
            records_at=("TotalRecords",),
            bare_is_whole=True,
        )

    def drafts(self, item: dict[str, Any], what: str) -> Iterator[Draft]:
        """One record per package, with its item's fields (older exports: at the top)."""
        yield _draft(item, what, self.options.id_key, quantity="Quantity")


class MetrcItemsSource(MetrcSource):
    """METRC active items: a saved export, or pulled from the API."""

    name: ClassVar[str] = "metrc-items"
    description: ClassVar[str] = (
        "METRC items (/items/v2/active): a saved export, or pulled from the API"
    )
    Options: ClassVar[type[BaseModel]] = MetrcItemsOptions
    endpoint: ClassVar[str] = "/items/v2/active"

    def drafts(self, item: dict[str, Any], what: str) -> Iterator[Draft]:
        """One record per item (no quantity: an item is a definition, not stock)."""
        yield _draft(item, what, self.options.id_key, quantity=None)


def _draft(record: dict[str, Any], what: str, id_key: str, quantity: str | None) -> Draft:
    """A package (its item's fields under ``Item``; at the top in older exports) or an item."""
    inner = record.get("Item")
    at = "Item." if isinstance(inner, dict) else ""
    product = inner if isinstance(inner, dict) else record
    weight = weight_text(product.get("UnitWeight"), product.get("UnitWeightUnitOfMeasureName"))
    volume = weight_text(product.get("UnitVolume"), product.get("UnitVolumeUnitOfMeasureName"))
    potency = weight_text(
        product.get("UnitThcContent"), product.get("UnitThcContentUnitOfMeasureName")
    )
    return mapped(
        record,
        what,
        id_key=id_key,
        name_key=f"{at}Name" if at or "Name" in record else "ProductName",
        weight=joined(weight or volume, potency if potency and potency.endswith("mg") else None),
        category=f"{at}ProductCategoryName",
        brand=(f"{at}ItemBrandName", f"{at}ProductBrandName"),
        quantity=quantity,
    )
