"""Command help as the terminal shows it: a docstring's paragraphs reflowed.

Typer keeps the line breaks of a help text's later paragraphs, so a docstring wrapped at the
source's width printed as ragged lines ("Exit codes: 0 every" / "store synced, ..."). Each
command's docstring is given to Typer with every paragraph on one line, and the terminal wraps
it; a list item ("- ..." or "1. ...") keeps its own line.
"""

from __future__ import annotations

import inspect
import re

import typer

# A line that starts a list item: "- x", "* x", "1. x", "2) x".
_ITEM = re.compile(r"^(?:[-*]|\d+[.)])\s")


def reflowed(text: str) -> str:
    """``text`` (a docstring) with each paragraph's lines joined by spaces; paragraphs stay
    apart, a list item starts a line, and a paragraph starting with ``\\b`` (Click's "keep as
    written") is left as it is."""
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if paragraph.startswith("\b"):
            paragraphs.append(paragraph)
            continue
        lines: list[str] = []
        for line in paragraph.splitlines():
            line = line.strip()
            if lines and not _ITEM.match(line):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def reflow_help(app: typer.Typer) -> None:
    """Give every command of ``app`` and of its sub-apps its docstring reflowed as its help
    (a command given a help text of its own keeps it)."""
    for command in app.registered_commands:
        if command.help is None and command.callback is not None:
            doc = inspect.getdoc(command.callback)
            if doc:
                command.help = reflowed(doc)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            reflow_help(group.typer_instance)
