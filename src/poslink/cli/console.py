"""``poslink console`` (the review console and its users), ``poslink knowledge`` (taught
aliases and nicknames) and ``poslink gaps`` (catalog gaps as proposed products)."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from poslink.cli import options as opt
from poslink.cli._app import app, beside, counted, err, errors, out
from poslink.cli.override import Decisions, open_store, require_store
from poslink.exceptions import ConfigError
from poslink.runs.paths import refuse_overwriting

console_app = typer.Typer(
    help="The catalog team's review console: the grouped queue, decisions that teach, gaps.",
    invoke_without_command=True,
)
user_app = typer.Typer(help="Console users (reviewer or admin).", no_args_is_help=True)
console_app.add_typer(user_app, name="user")
knowledge_app = typer.Typer(
    help="Brand aliases and nicknames reviewers taught; runs with --decisions read them.",
    no_args_is_help=True,
)
app.add_typer(console_app, name="console")
app.add_typer(knowledge_app, name="knowledge")

Catalog = Annotated[str, typer.Option(help="catalog: SQLite file path or SQLAlchemy URL")]


@contextmanager
def console_extra(command: str) -> Iterator[None]:
    """Imports of the console extra's packages: one missing is one line saying what to install
    (inside ``errors()``), not a traceback."""
    try:
        yield
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"poslink {command} needs the console extra ({exc.name} is missing): "
            "pip install 'poslink[console]'"
        ) from None


@console_app.callback()
def console_cmd(
    ctx: typer.Context,
    decisions: Annotated[
        str | None,
        typer.Option(envvar="POSLINK_DECISIONS", help="decision store: SQLite path or URL"),
    ] = None,
    catalog: Annotated[str | None, typer.Option(help="catalog: SQLite path or URL")] = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8765,
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
    secure_cookies: Annotated[
        bool, typer.Option(help="mark cookies Secure (serve behind HTTPS)")
    ] = False,
) -> None:
    """Serve the review console (sign in with a user from `poslink console user add`)."""
    if ctx.invoked_subcommand is not None:
        return
    with errors():
        if not decisions or not catalog:
            raise ConfigError("poslink console needs --decisions and --catalog")
        with console_extra("console"):
            import jinja2  # noqa: F401  (the pages' templates, read once the server runs)
            import python_multipart  # noqa: F401  (the pages' forms, read once one is sent)
            import uvicorn

            from poslink.console.app import create_app
            from poslink.console.auth import users
            from poslink.console.workbench import Settings, Workbench

        settings = Settings(
            decisions=decisions,
            catalog=catalog,
            catalog_table=catalog_table or "products",
            catalog_columns=dict(opt.catalog_columns(catalog_column)),
            secure_cookies=secure_cookies,
        )
        bench = Workbench(settings)
        if not users(bench.store):
            err.print(
                "poslink: no console user yet: add one with"
                " `poslink console user add NAME --role admin --decisions ...`",
                markup=False,
            )
        if not _loopback(host):
            err.print(
                f"poslink: listening on {host}: serve it behind HTTPS and pass --secure-cookies",
                markup=False,
            )
        out.print(
            f"poslink console: http://{host}:{port}/ ({len(bench.queue.groups)} products to"
            " review; Ctrl-C stops)",
            markup=False,
            highlight=False,
        )
        uvicorn.run(create_app(settings, bench), host=host, port=port, log_level="warning")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="the user's name")],
    decisions: Decisions,
    role: Annotated[str, typer.Option(help="reviewer or admin")] = "reviewer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Add a console user (or set their role and password); asks for the password."""
    with errors():
        with console_extra("console user add"):
            from poslink.console.actions import record_action
            from poslink.console.auth import add_user
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        with open_store(decisions) as store:
            user = add_user(store, name, role, password)
            record_action(store, "(command line)", "user add", user.name, user.role)
    out.print(f"console user {user.name} ({user.role})", markup=False, highlight=False)


@user_app.command("list")
def user_list(decisions: Decisions) -> None:
    """List the console users."""
    with errors():
        with console_extra("console user list"):
            from poslink.console.auth import users
        with open_store(decisions, existing=True) as store:
            people = users(store)
    table = Table("name", "role", title=f"{len(people)} users")
    for u in people:
        table.add_row(u.name, u.role)
    out.print(table)


@user_app.command("remove")
def user_remove(
    name: Annotated[str, typer.Argument(help="the user's name")], decisions: Decisions
) -> None:
    """Remove a console user (their audit rows stay)."""
    from poslink.exceptions import InputError

    with errors():
        with console_extra("console user remove"):
            from poslink.console.actions import record_action
            from poslink.console.auth import remove_user
        with open_store(decisions, existing=True) as store:
            if not remove_user(store, name):
                raise InputError(f"no console user {name!r}")
            record_action(store, "(command line)", "user remove", name)
    out.print(f"removed console user {name}", markup=False, highlight=False)


@knowledge_app.command("list")
def knowledge_list(decisions: Decisions) -> None:
    """List the taught brand aliases and nicknames with their scopes."""
    from poslink.store.knowledge import entries

    with errors(), open_store(decisions, existing=True) as store:
        items = entries(store)
    table = Table("id", "kind", "written", "means", "brand", "holds for", "by", "when")
    table.title = counted(len(items), "lesson")
    for e in items:
        x = e.lesson
        table.add_row(
            str(e.id), x.kind, x.text, x.target, x.brand, e.scope_label(), e.created_by,
            e.created_at,
        )  # fmt: skip
    out.print(table)


@knowledge_app.command("export")
def knowledge_export(
    decisions: Decisions,
    out_path: Annotated[Path, typer.Option("--out", help="the CSV to write")],
) -> None:
    """Write every lesson to a CSV (kind,text,target,brand,scope,scope_value,...)."""
    from poslink.store.knowledge import entries, export_csv

    with errors():
        refuse_overwriting(out_path, {"--decisions": decisions})
        with open_store(decisions, existing=True) as store:
            count = export_csv(entries(store), out_path)
    said = f"{counted(count, 'lesson')} -> {out_path}"
    beside(out_path).print(said, markup=False, highlight=False)


@knowledge_app.command("import")
def knowledge_import(
    file: Annotated[Path, typer.Argument(help="CSV: kind,text,target,brand,scope,scope_value")],
    decisions: Decisions,
    by: Annotated[str, typer.Option(help="who taught them, when the file does not say")] = (
        "(import)"
    ),
) -> None:
    """Add the lessons in a CSV, all or none (a bad row fails the file, naming its line)."""
    from poslink.store.knowledge import add, read_csv

    with errors():
        items = read_csv(file, by)
        with open_store(decisions) as store:
            add(store, items)
    said = f"imported {counted(len(items), 'lesson')} from {file}"
    out.print(said, markup=False, highlight=False)


@knowledge_app.command("remove")
def knowledge_remove(
    lesson_id: Annotated[int, typer.Argument(help="the lesson's id (knowledge list)")],
    decisions: Decisions,
) -> None:
    """Forget one lesson."""
    from poslink.exceptions import InputError
    from poslink.store.knowledge import remove

    with errors(), open_store(decisions, existing=True) as store:
        if not remove(store, [lesson_id]):
            raise InputError(f"no lesson {lesson_id}")
    out.print(f"removed lesson {lesson_id}", markup=False, highlight=False)


@app.command("gaps")
def gaps_cmd(
    decisions: Decisions,
    catalog: Catalog,
    out_path: Annotated[Path, typer.Option("--out", help="proposals.csv or proposals.parquet")],
    catalog_table: opt.CatalogTable = None,
    catalog_column: opt.CatalogColumns = None,
    top: Annotated[int, typer.Option(help="proposals to print")] = 10,
) -> None:
    """Cluster the records no catalog product matches into proposed products, by stores."""
    from poslink.console.gaps import export
    from poslink.console.workbench import Settings, Workbench

    with errors():
        refuse_overwriting(out_path, {"--decisions": decisions, "--catalog": catalog})
        # gaps only reads the store: a mistyped path is an error, not an empty store that
        # proposes nothing.
        require_store(decisions)
        settings = Settings(
            decisions=decisions,
            catalog=catalog,
            catalog_table=catalog_table or "products",
            catalog_columns=dict(opt.catalog_columns(catalog_column)),
        )
        bench = Workbench(settings)
        try:
            products = bench.gaps()
            export(products, out_path)
        finally:
            bench.close()
    listings = sum(p.listings for p in products)
    say = beside(out_path)
    say.print(
        f"{len(products)} proposed products from {listings} listings -> {out_path}",
        markup=False,
        highlight=False,
    )
    if top > 0 and products:
        table = Table("#", "brand", "name", "type / subtype", "sizes", "stores", "listings")
        for rank, p in enumerate(products[:top], start=1):
            table.add_row(
                str(rank), p.brand, p.name, f"{p.product_type} / {p.product_subtype}",
                ", ".join(p.sizes), str(p.stores), str(p.listings),
            )  # fmt: skip
        say.print(table)
