"""``poslink sources``: the installed POS sources and their options."""

from __future__ import annotations

from poslink import plugins
from poslink.cli._app import app, out
from poslink.exceptions import PoslinkError


@app.command("sources")
def sources_cmd() -> None:
    """List the installed POS sources, each with its options (type, default, meaning)."""
    from poslink.sources.base import Source, option_docs

    for name, _ in sorted(plugins.available("sources").items()):
        try:
            cls = plugins.load("sources", name)
        except PoslinkError as exc:
            out.print(f"{name}  (cannot be loaded: {exc})", markup=False, highlight=False)
            continue
        if not issubclass(cls, Source):
            out.print(f"{name}  (not a poslink Source)", markup=False, highlight=False)
            continue
        out.print(f"[bold]{name}[/bold]  {cls.description}", highlight=False)
        for doc in option_docs(cls.Options):
            default = "(required)" if doc.default == "required" else f"= {doc.default}"
            out.print(
                f"    {doc.key}: {doc.kind} {default}  {doc.description}",
                markup=False,
                highlight=False,
            )
