"""``--log-format`` read from the command line's words, for an error Click raises before (or
without) parsing it."""

from __future__ import annotations

import pytest

from poslink.logs import log_format_in

CASES = [
    ([], "text"),
    (["run", "--log-format", "json", "--bogus"], "json"),
    (["run", "--bogus", "--log-format=json"], "json"),
    (["run", "--log-format", "json", "--log-format", "text"], "text"),  # the last one wins
    (["run", "--log-format"], "text"),  # no value
    (["run", "--log-format", "xml"], "text"),
    (["run", "--", "--log-format", "json"], "text"),  # after "--": an argument
]


@pytest.mark.parametrize(("args", "found"), CASES)
def test_log_format_in(args: list[str], found: str) -> None:
    assert log_format_in(args) == found
