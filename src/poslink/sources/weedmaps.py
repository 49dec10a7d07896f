"""Weedmaps menu items (Menu API v1, JSON:API): a listing's menu, one record per variant.

``GET /wm/v1/listings/{listing id}/menu_items`` answers JSON:API: ``{"data": [{"id", "type":
"menu_item", "attributes": {name, brand_name, category_name, parent_category, sub_category,
genetics, strain_name, external_id, inventory_quantity, variants: [{id, external_id, weight:
{value, unit}, inventory_quantity, price}]}}], "links": {"next": ...}, "meta": {...}}``. A
weight-based item (flower) has variants, one per size; a unit-based one (a vape pen) has none and
is one record. Requests carry an OAuth2 bearer token (client credentials).

Fed to matching: ``brand_name`` (brand), ``sub_category`` or ``category_name`` (type, looked up
before the category), ``parent_category`` (category), ``genetics`` (lineage),
each variant's ``weight`` (weight), ``inventory_quantity`` (quantity). The
POS id of a variant is its ``external_id`` (else its ``id``; a lone variant without either
takes the item's).

Not known from public documentation, so following the documented style (JSON:API, the menu
management guide): the reading side of the v1 menu item shape (the documented request body's
attributes are read as the answer's), the category attribute names (``category_name``,
``parent_category``, ``sub_category``; the documented request links categories by id), the token
endpoint for client credentials (``/auth/token`` on the API's host; option ``token_url``).
Paging follows ``links.next`` and else ``page[offset]`` / ``page[limit]`` (100 a page, the
documented default), ending at a short page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from poslink.sources.drafts import Draft, weight_text
from poslink.sources.paging import NextLink, Offset, Paging
from poslink.sources.pull import Auth
from poslink.sources.system import OAuthOptions, Secret, SystemSource, oauth, oauth_secrets
from poslink.sources.values import first_at, flatten, text_of


class WeedmapsOptions(OAuthOptions):
    """The OAuth2 credentials (else from WEEDMAPS_ACCESS_TOKEN or WEEDMAPS_CLIENT_ID/SECRET)."""

    variant_id: list[str] = Field(
        default_factory=lambda: ["external_id", "id"],
        description="a variant's id fields, the first present wins",
    )


class WeedmapsSource(SystemSource):
    """Weedmaps menu items (JSON:API): a saved export, or pulled from the Menu API."""

    name: ClassVar[str] = "weedmaps"
    description: ClassVar[str] = (
        "Weedmaps menu items (JSON:API data[].attributes, variants): a saved export, or pulled"
        " from the API"
    )
    Options: ClassVar[type[BaseModel]] = WeedmapsOptions
    options: WeedmapsOptions
    records_at: ClassVar[tuple[str, ...]] = ("data",)
    secrets: ClassVar[tuple[Secret, ...]] = oauth_secrets("weedmaps")
    default_page_size: ClassVar[int] = 100
    category_table = "weedmaps"

    def auth(self, secrets: Mapping[str, str]) -> Auth:
        """A bearer token, given or from client credentials."""
        return oauth(self, secrets, "/auth/token")

    def paging(self, size: int) -> Paging:
        """``links.next``; else ``page[offset]`` / ``page[limit]``."""
        return NextLink(Offset("page[offset]", "page[limit]", size))

    def drafts(self, item: dict[str, Any], what: str) -> Iterator[Draft]:
        """One record per variant; an item without variants is one record."""
        attributes = item.get("attributes")
        attrs: dict[str, Any] = attributes if isinstance(attributes, dict) else {}
        variants = attrs.get("variants")
        shared = {k: v for k, v in attrs.items() if k != "variants"}
        raw = flatten({**item, "attributes": shared} if attrs else item)
        item_id = first_at(attrs, ("external_id",)) or item.get("id")
        base = {
            "name": attrs.get("name"),
            "category": first_at(attrs, ("parent_category", "category_name")),
            "product_type": first_at(attrs, ("sub_category", "category_name")),
            "brand": first_at(attrs, ("brand_name", "brand.name")),
            "lineage": attrs.get("genetics"),
        }
        if variants is not None and not isinstance(variants, list):
            problem = f"attributes.variants is not a list ({type(variants).__name__})"
            yield Draft(what, raw, item_id, None, "id", "attributes.name", problem=problem)
            return
        if not variants:
            yield Draft(
                what,
                raw,
                item_id,
                id_key="attributes.external_id or id",
                name_key="attributes.name",
                quantity=attrs.get("inventory_quantity"),
                quantity_key="attributes.inventory_quantity",
                **base,
            )
            return
        keys = self.options.variant_id
        for n, variant in enumerate(variants, 1):
            here = f"{what} variant {n}"
            if not isinstance(variant, dict):
                yield Draft(here, raw, item_id, None, "id", "name", problem="not an object")
                continue
            pos_id = first_at(variant, keys)
            if pos_id is None and len(variants) == 1:
                pos_id = item_id
            weight = variant.get("weight")
            yield Draft(
                here,
                {**raw, **flatten(variant, "variant.")},
                pos_id,
                id_key=" or ".join(f"variant.{k}" for k in keys),
                name_key="attributes.name",
                weight=_weight(weight),
                quantity=variant.get("inventory_quantity"),
                quantity_key="variant.inventory_quantity",
                **base,
            )


def _weight(weight: Any) -> str | None:
    """``{value, unit}`` ("3.5", "g"), or a weight written out ("3.5g")."""
    if isinstance(weight, dict):
        return weight_text(weight.get("value"), weight.get("unit"))
    return text_of(weight)
