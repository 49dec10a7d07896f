"""Dutchie POS (formerly LeafLogix): its inventory report and its product list.

Two sources, one per endpoint of the Dutchie POS API (``https://api.pos.dutchie.com``):

- ``dutchie``: ``GET /reporting/inventory``, one record per inventory item (a lot of a
  product): ``inventoryId, productId, sku, productName, category, masterCategory, brandName,
  strain, strainType, quantityAvailable, unitWeight, unitWeightUnit, ...``; paged with
  ``Skip`` / ``Take``.
- ``dutchie-products``: ``GET /products``, one record per product: ``productId, sku,
  productName, masterCategory, category, strain, strainType, size, netWeight, netWeightUnit,
  productGrams, brandName, ...``; paged with ``offset`` / ``limit``.

Both answer camelCase JSON as a bare array (an object wrapping the array under ``data`` or
``items`` is read too) and authenticate with HTTP Basic: the location's API key as the user
name, the integrator key (where Dutchie issued one) as the password.

Fed to matching: ``brandName`` (brand), ``masterCategory`` (type, looked up before the
store's own ``category``), ``category``, ``strainType`` (lineage), the unit or net
weight with its unit (weight), ``quantityAvailable`` (quantity).

Not publicly documented, so following the documented style of the API: the largest page
size (5,000 is used by integrators; poslink asks for 1,000); whether ``/products`` pages at
all (``offset`` / ``limit`` is sent, and a short page ends the pull); the units
``unitWeightUnit`` and ``netWeightUnit`` take (grams, milligrams and ounces, by name or
abbreviation, are read; others give no weight).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from poslink.sources.drafts import Draft, mapped, weight_text
from poslink.sources.paging import Offset, Paging
from poslink.sources.pull import Auth, PullOptions
from poslink.sources.redaction import SecretText
from poslink.sources.system import Secret, SystemSource
from poslink.sources.values import text_of

API_KEY = Secret("api_key", "DUTCHIE_API_KEY", "the location's API key")
INTEGRATOR_KEY = Secret(
    "integrator_key", "DUTCHIE_INTEGRATOR_KEY", "the integrator key", required=False
)


class DutchieOptions(PullOptions):
    """Which field is the POS id, and the API credentials (else from the environment)."""

    id_key: str = Field("inventoryId", description="the field holding the POS id")
    api_key: SecretText = Field(None, description="the location key (or DUTCHIE_API_KEY)")
    integrator_key: SecretText = Field(
        None, description="the integrator key (or DUTCHIE_INTEGRATOR_KEY), if issued"
    )


class DutchieProductsOptions(DutchieOptions):
    """As for the inventory report; the POS id is the product's."""

    id_key: str = Field("productId", description="the field holding the POS id")


class _Dutchie(SystemSource):
    """What both Dutchie endpoints share: the answer's shape, credentials and fields."""

    records_at: ClassVar[tuple[str, ...]] = ("data", "items")
    secrets: ClassVar[tuple[Secret, ...]] = (API_KEY, INTEGRATOR_KEY)
    default_page_size: ClassVar[int] = 1000
    category_table = "dutchie"
    options: DutchieOptions

    def auth(self, secrets: Mapping[str, str]) -> Auth:
        """HTTP Basic: the location key, and the integrator key as password."""
        key = secrets["api_key"]
        integrator = secrets.get("integrator_key", "")
        return Auth(basic=(key, integrator), secrets=(key, integrator))

    def draft(self, item: dict[str, Any], what: str, weight: str | None) -> Draft:
        """The record: both endpoints name their fields alike."""
        return mapped(
            item,
            what,
            id_key=self.options.id_key,
            name_key="productName",
            weight=weight,
            category="category",
            brand="brandName",
            product_type="masterCategory",
            lineage="strainType",
            quantity="quantityAvailable",
        )


class DutchieSource(_Dutchie):
    """Dutchie POS inventory report (``/reporting/inventory``): one record per item."""

    name: ClassVar[str] = "dutchie"
    description: ClassVar[str] = (
        "Dutchie POS inventory (/reporting/inventory): a saved export, or pulled from the API"
    )
    Options: ClassVar[type[BaseModel]] = DutchieOptions
    endpoint: ClassVar[str] = "/reporting/inventory"

    def paging(self, size: int) -> Paging:
        """``Skip`` / ``Take``."""
        return Offset("Skip", "Take", size)

    def drafts(self, item: dict[str, Any], what: str) -> Iterator[Draft]:
        """One record per inventory item; its weight is the unit weight."""
        weight = weight_text(item.get("unitWeight"), item.get("unitWeightUnit"))
        yield self.draft(item, what, weight)


class DutchieProductsSource(_Dutchie):
    """Dutchie POS products (``/products``): one record per product."""

    name: ClassVar[str] = "dutchie-products"
    description: ClassVar[str] = (
        "Dutchie POS products (/products): a saved export, or pulled from the API"
    )
    Options: ClassVar[type[BaseModel]] = DutchieProductsOptions
    endpoint: ClassVar[str] = "/products"

    def paging(self, size: int) -> Paging:
        """``offset`` / ``limit``."""
        return Offset("offset", "limit", size)

    def drafts(self, item: dict[str, Any], what: str) -> Iterator[Draft]:
        """One record per product; its weight is the net weight, the size, or its grams."""
        weight = (
            weight_text(item.get("netWeight"), item.get("netWeightUnit"))
            or text_of(item.get("size"))
            or weight_text(item.get("productGrams"), "g")
        )
        yield self.draft(item, what, weight)
