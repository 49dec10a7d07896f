"""``poslink explain``: how one name is parsed, and why it matches or not."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from poslink.cli import options as opt
from poslink.cli._app import app, errors, out
from poslink.exceptions import ConfigError
from poslink.sources.validate import usable_name


@app.command("explain")
def explain_cmd(
    name: Annotated[str, typer.Argument(help="the POS product name")],
    catalog: Annotated[
        str, typer.Option("--catalog", help="catalog: SQLite file path or SQLAlchemy URL")
    ],
    category: Annotated[str, typer.Option(help="the POS category")] = "",
    brand: Annotated[str | None, typer.Option(help="the POS brand field, if it has one")] = None,
    product_type: Annotated[
        str | None, typer.Option("--type", help="the POS product type field, if it has one")
    ] = None,
    lineage: Annotated[
        str | None, typer.Option(help="the POS lineage field (strainType), if it has one")
    ] = None,
    weight: Annotated[
        str | None, typer.Option(help="the POS weight or size field, if it has one")
    ] = None,
    category_table: Annotated[
        str, typer.Option(help="the category table: a built-in name or a .toml path")
    ] = "default",
    top: Annotated[int, typer.Option(min=1, help="candidates to show")] = 8,
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
) -> None:
    """Show how a name is parsed, where each attribute came from, and why it matches or not."""
    from poslink.explain import item_fields
    from poslink.matching import CatalogIndex, Matcher

    with errors():
        if not usable_name(name):
            # What a run rejects (no letter or digit): nothing to explain.
            raise ConfigError(f"explain needs a name with a letter or digit, not {name!r}")
        source = opt.open_named_catalog(catalog, catalog_table, catalog_column)
        index = CatalogIndex.build(source.products())
        parser = index.parser(category_table)
    matcher = Matcher(index)
    item, origins = parser.explain_pos(
        name, category, brand=brand, product_type=product_type, lineage=lineage, weight=weight
    )
    parsed = Table("field", "value", "from", title="parsed")
    for key, value in item_fields(item).items():
        parsed.add_row(key, value, origins.get(key, "") if value else "")
    for key, value in origins.items():
        if key not in item_fields(item):
            parsed.add_row(key, "", value)
    out.print(parsed)
    decision = matcher.match(0, item)
    cands = Table(
        "id",
        "catalog name",
        "brand",
        "type / subtype",
        "evidence",
        "names",
        "veto / doubt",
        "agrees",
        title="candidates",
    )
    for cand in matcher.candidates(item, floor=0.5)[:top]:
        p = index.products[cand.position]
        cands.add_row(
            str(p.id),
            p.name,
            p.brand,
            f"{p.product_type} / {p.product_subtype}",
            f"{cand.name:.2f}",
            f"{cand.covered:.0%}",  # of the product's name (weighed)
            cand.veto or cand.doubt,
            ",".join(cand.agreements),
        )
    out.print(cands)
    out.print(
        f"decision: {decision.status.value} {decision.jane_product_id or ''} "
        f"(score {decision.score:.2f}): {decision.reason}",
        markup=False,
        highlight=False,
    )
