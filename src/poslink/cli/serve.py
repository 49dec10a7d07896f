"""``poslink serve`` (the HTTP matching API) and ``poslink serve key add | list | revoke``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from poslink.cli import options as opt
from poslink.cli._app import app, err, errors, out

if TYPE_CHECKING:
    from poslink.service.keys import KeyStore

serve_app = typer.Typer(
    help="Match records over HTTP (a JSON API), and manage its API keys.",
    invoke_without_command=True,
)
app.add_typer(serve_app, name="serve")
key_app = typer.Typer(help="API keys: one per integration, stored hashed in the decision store.")
serve_app.add_typer(key_app, name="key")

_Decisions = Annotated[
    str | None, opt.decisions("API keys and overrides", envvar="POSLINK_DECISIONS")
]


@serve_app.callback()
def serve_cmd(
    ctx: typer.Context,
    index: Annotated[
        Path | None, typer.Option(help="a saved index (`poslink index build`) to serve")
    ] = None,
    catalog: Annotated[
        str | None,
        typer.Option(help="the catalog: indexed at start-up without --index, else checked"),
    ] = None,
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
    decisions: _Decisions = None,
    host: Annotated[str, typer.Option(help="address to listen on (0.0.0.0: all)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="processes serving; each loads the index")
    ] = 1,
    source: Annotated[
        str, typer.Option(help="whose overrides apply when a record names no source")
    ] = "jane-json",
    category_table: Annotated[
        str, typer.Option(help="the category table: a built-in name or a .toml path")
    ] = "default",
    threshold: opt.Threshold = None,
    margin: opt.Margin = None,
    max_body: Annotated[
        int, typer.Option(min=1024, help="largest request body, in bytes")
    ] = 1_048_576,
    max_batch: Annotated[int, typer.Option(min=1, help="records per batch request")] = 1_000,
    refresh: Annotated[
        float, typer.Option(min=0.0, help="seconds between reads of API keys and overrides")
    ] = 5.0,
    public_ready: Annotated[
        bool,
        typer.Option(
            "--public-ready", help="answer /ready without an API key (for HTTP readiness probes)"
        ),
    ] = False,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="log every request (costs throughput)")
    ] = False,
) -> None:
    """Serve POST /v1/match, POST /v1/match/batch and GET /v1/explain, behind API keys.

    /health answers at once; /ready once the index is loaded. Every route but /health needs
    an API key in the X-API-Key header (`poslink serve key add NAME`).
    """
    if ctx.invoked_subcommand is not None:
        return
    from pydantic import ValidationError

    from poslink.config import MatcherConfig
    from poslink.exceptions import ConfigError, plain
    from poslink.service.server import preflight, serve
    from poslink.service.settings import ServiceSettings

    with errors():
        if decisions is None:
            raise ConfigError("give --decisions (or POSLINK_DECISIONS): API keys live there")
        tuned = {"threshold": threshold, "margin": margin}
        opt.require_catalog_named(catalog, catalog_table, catalog_column)
        try:
            settings = ServiceSettings(
                index=index,
                catalog=catalog,
                catalog_table=catalog_table or "products",
                catalog_columns=dict(opt.catalog_columns(catalog_column)),
                decisions=decisions,
                source=source,
                category_table=category_table,
                matcher=MatcherConfig(**{k: v for k, v in tuned.items() if v is not None}),
                max_body_bytes=max_body,
                max_batch=max_batch,
                refresh_seconds=refresh,
                public_ready=public_ready,
                workers=workers,
            )
        except ValidationError as exc:
            raise ConfigError(plain(str(exc.errors()[0]["msg"]))) from exc
        for warning in preflight(settings):
            err.print(f"poslink: warning: {warning}", markup=False, highlight=False)
        failed = serve(settings, host, port, access_log=access_log)
    if failed:
        err.print(f"poslink: error: {failed}", markup=False, highlight=False)
        raise typer.Exit(2)


def _keys(decisions: str | None) -> KeyStore:
    from poslink.exceptions import ConfigError
    from poslink.service.keys import KeyStore
    from poslink.store.db import DecisionStore

    if decisions is None:
        raise ConfigError("give --decisions (or POSLINK_DECISIONS): API keys live there")
    return KeyStore(DecisionStore(decisions))


@key_app.command("add")
def key_add_cmd(
    name: Annotated[str, typer.Argument(help="the integration the key is for")],
    decisions: _Decisions = None,
) -> None:
    """Make an integration's API key and print it: it is shown this once, stored hashed."""
    with errors():
        keys = _keys(decisions)
        key = keys.add(name)
        keys.store.close()
    err.print(
        f"poslink: API key for {name!r} (shown once; send it in the X-API-Key header):",
        markup=False,
        highlight=False,
    )
    out.print(key, markup=False, highlight=False)


@key_app.command("list")
def key_list_cmd(decisions: _Decisions = None) -> None:
    """List the integrations' keys: name, first characters, created, revoked (never a key)."""
    with errors():
        keys = _keys(decisions)
        found = keys.list()
        keys.store.close()
    if not found:
        out.print("no API keys", markup=False, highlight=False)
    for k in found:
        state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
        out.print(
            f"{k.name}  {k.hint}...  created {k.created_at}  {state}",
            markup=False,
            highlight=False,
        )


@key_app.command("revoke")
def key_revoke_cmd(
    name: Annotated[str, typer.Argument(help="the integration whose key stops working")],
    decisions: _Decisions = None,
) -> None:
    """Revoke an integration's key: a running service refuses it within --refresh seconds."""
    from poslink.exceptions import InputError

    with errors():
        keys = _keys(decisions)
        done = keys.revoke(name)
        keys.store.close()
        if not done:
            # Nothing of that name in the store: 3, as `console user remove` and `knowledge
            # remove` say of theirs (1 is the code of a run over its reject bound).
            raise InputError(f"no active API key for {name!r}")
    out.print(f"poslink: revoked the API key of {name!r}", markup=False, highlight=False)
