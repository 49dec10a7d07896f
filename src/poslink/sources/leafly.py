"""Leafly menu items: a dispensary's Leafly menu, one record per variant.

Leafly's Menu Integration API (v2) is written to by a POS: ``POST`` / ``PUT
/v2/menu_integration/{menu integration key}/menu/items`` with ``{"items": [{id, type, name,
strain, brand, description, variants: [...]}]}``; ``GET .../{key}/menu`` reads the menu Leafly
holds. poslink reads either: a saved items payload or menu (``{"items": [...]}``, ``{"menu":
{"items": [...]}}``, ``{"data": [...]}`` or a bare array), or a pull of ``/menu``. The key goes in
the URL's path (``{integration_key}`` is filled in from LEAFLY_MENU_INTEGRATION_KEY or the
option, so it is never typed on a command line); requests carry an OAuth2 bearer token from
client credentials (``https://api.leafly.com/oauth/token``, documented).

Fed to matching: ``brand``, ``type`` (type), each variant's weight or size
(weight) and quantity. Leafly's item types (flower, preroll, vape, concentrate, edible, ...) are
the ``leafly`` category table.

Not known from public documentation (the item schema documents ``id, type, name, strain,
brand, description, availableForPickup, imageUrl`` and says variants carry the inventory and
pricing, without their fields): the variant fields (poslink reads the id from ``id`` or
``sku``, the weight from ``weight`` (text, or ``{value, unit}``), ``size``, or ``amount`` with
``unit``, the quantity from ``quantity`` or ``inventory``); the values ``type`` takes; the
answer of ``GET /menu`` (read as one document, no paging).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from poslink.sources.drafts import Draft, weight_text
from poslink.sources.pull import Auth
from poslink.sources.redaction import SecretText
from poslink.sources.system import OAuthOptions, Secret, SystemSource, oauth, oauth_secrets
from poslink.sources.values import first_at, flatten, text_of


class LeaflyOptions(OAuthOptions):
    """The menu integration key and OAuth2 credentials (else from LEAFLY_... variables)."""

    integration_key: SecretText = Field(
        None, description="the menu integration key (or LEAFLY_MENU_INTEGRATION_KEY)"
    )


class LeaflySource(SystemSource):
    """Leafly menu items: a saved export, or pulled from the Menu Integration API."""

    name: ClassVar[str] = "leafly"
    description: ClassVar[str] = (
        "Leafly menu items {id, name, brand, strain, type, variants}: a saved export, or pulled"
        " from the API"
    )
    Options: ClassVar[type[BaseModel]] = LeaflyOptions
    options: LeaflyOptions
    records_at: ClassVar[tuple[str, ...]] = ("items", "menu.items", "data")
    endpoint: ClassVar[str] = "/v2/menu_integration/{integration_key}/menu"
    secrets: ClassVar[tuple[Secret, ...]] = (
        *oauth_secrets("leafly"),
        Secret(
            "integration_key",
            "LEAFLY_MENU_INTEGRATION_KEY",
            "the menu integration key",
            required=False,
        ),
    )
    category_table = "leafly"

    def auth(self, secrets: Mapping[str, str]) -> Auth:
        """A bearer token, given or from client credentials at ``/oauth/token``."""
        return oauth(self, secrets, "/oauth/token")

    def drafts(self, item: dict[str, Any], what: str) -> Iterator[Draft]:
        """One record per variant; an item without variants is one record."""
        variants = item.get("variants")
        raw = flatten({k: v for k, v in item.items() if k != "variants"})
        base = {
            "name": item.get("name"),
            "product_type": item.get("type"),
            "brand": first_at(item, ("brand", "brand.name")),
        }
        if variants is not None and not isinstance(variants, list):
            problem = f"variants is not a list ({type(variants).__name__})"
            yield Draft(what, raw, item.get("id"), None, "id", "name", problem=problem)
            return
        if not variants:
            yield Draft(what, raw, item.get("id"), id_key="id", name_key="name", **base)
            return
        for n, variant in enumerate(variants, 1):
            here = f"{what} variant {n}"
            if not isinstance(variant, dict):
                yield Draft(here, raw, None, None, "id", "name", problem="not an object")
                continue
            yield Draft(
                here,
                {**raw, **flatten(variant, "variant.")},
                first_at(variant, ("id", "sku")),
                id_key="variant.id or variant.sku",
                name_key="name",
                weight=_weight(variant),
                quantity=first_at(variant, ("quantity", "inventory")),
                quantity_key="variant.quantity",
                **base,
            )


def _weight(variant: dict[str, Any]) -> str | None:
    weight = variant.get("weight")
    if isinstance(weight, dict):
        return weight_text(weight.get("value"), weight.get("unit"))
    return (
        text_of(weight)
        or text_of(variant.get("size"))
        or weight_text(variant.get("amount"), variant.get("unit"))
    )
