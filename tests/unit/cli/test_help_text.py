"""Command help reflowed: a docstring's paragraphs print as paragraphs, not as the source's
wrapped lines; list items and Click's keep-as-written paragraphs stay as written."""

from __future__ import annotations

import pytest

from helpers import poslink
from poslink.cli.helptext import reflowed

CASES = [
    ("One line.", "One line."),
    (
        "First\nline.\n\nSecond paragraph\nwrapped here\nand here.",
        "First line.\n\nSecond paragraph wrapped here and here.",
    ),
    ("Steps:\n- read\n- match\n  and write", "Steps:\n- read\n- match and write"),
    ("Order:\n1. parse\n2) match", "Order:\n1. parse\n2) match"),
    ("Intro\n\n\b\nkept  as\nwritten", "Intro\n\n\b\nkept  as\nwritten"),
    ("    Indented\n    docstring\n", "Indented docstring"),
    ("a -1 value\nstays", "a -1 value stays"),
]


@pytest.mark.parametrize(("doc", "shown"), CASES)
def test_reflowed(doc: str, shown: str) -> None:
    assert reflowed(doc) == shown


def test_a_commands_help_prints_its_paragraphs_whole() -> None:
    # The docstring wraps after "0 every"; at 200 columns the paragraph is one line.
    result = poslink("sync", "--help")
    assert result.returncode == 0
    assert "Exit codes: 0 every store synced" in result.stdout


@pytest.mark.parametrize("command", ["run", "sync"])
def test_an_extras_name_is_printed_not_read_as_markup(command: str) -> None:
    # Rich reads "[spark]" as a style tag and drops it unless it is escaped.
    result = poslink(command, "--help")
    assert result.returncode == 0
    assert "poslink[spark]" in result.stdout
