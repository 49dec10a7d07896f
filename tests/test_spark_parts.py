"""The Spark engine's parts that need no Spark: errors, master, CSV lines, locations."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poslink.engines.spark.errors import carried, translate
from poslink.engines.spark.session import resolve_master
from poslink.exceptions import CatalogError, EngineError, InputError, PoslinkError
from poslink.locations import as_location, is_url
from poslink.sinks.csv import csv_line, rejects_path

WORKER_TRACE = """An exception was thrown from the Python worker:
Traceback (most recent call last):
  File "/x/tasks.py", line 12, in __call__
    raise ValueError("boom")
ValueError: boom
"""


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        (
            f"Job aborted: {carried(InputError('s3a://b/p.json: invalid JSON at line 1'))}\n  at",
            InputError,
            "s3a://b/p.json: invalid JSON at line 1",
        ),
        (str(carried(CatalogError("c.db: no table"))), CatalogError, "c.db: no table"),
        ("[poslink-error:NoSuchKind] odd [/poslink-error]", EngineError, "odd"),
        (WORKER_TRACE, EngineError, "spark job failed: ValueError: boom"),
        ("Lost executor 1\nat org.apache", EngineError, "spark job failed: Lost executor 1"),
        ("", EngineError, "spark job failed: RuntimeError"),
    ],
)
def test_spark_errors_translate_to_one_line(
    text: str, kind: type[PoslinkError], message: str
) -> None:
    got = translate(RuntimeError(text))
    assert type(got) is kind
    assert str(got) == message


def test_carried_error_names_the_url_not_the_temporary_file() -> None:
    exc = carried(
        InputError("/tmp/poslink-x/p.json: invalid JSON"), "/tmp/poslink-x/p.json", "gs://b/p.json"
    )
    assert str(translate(exc)) == "gs://b/p.json: invalid JSON"


@pytest.mark.parametrize(
    ("option", "submitted", "expected"),
    [
        (None, False, "local[*]"),
        ("local[2]", False, "local[2]"),
        ("spark://host:7077", True, "spark://host:7077"),
        (None, True, None),  # spark-submit chose the master
    ],
)
def test_master_resolution(
    monkeypatch: pytest.MonkeyPatch, option: str | None, submitted: bool, expected: str | None
) -> None:
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    if submitted:
        monkeypatch.setenv("PYSPARK_GATEWAY_PORT", "40000")
    assert resolve_master(option) == expected


@pytest.mark.parametrize(
    ("location", "url"),
    [
        ("s3a://bucket/pos.json", True),
        ("gs://b/k", True),
        ("abfss://c@acct.dfs.core.windows.net/p.json", True),
        ("file:///tmp/p.json", True),
        ("pos.json", False),
        ("C:/data/pos.json", False),
        (Path("s3a:/bucket"), False),
    ],
)
def test_url_or_path(location: str | Path, url: bool) -> None:
    assert is_url(location) is url
    assert isinstance(as_location(location), str if url else Path)


@pytest.mark.parametrize(
    ("out", "rejects"),
    [
        (Path("out/m.csv"), Path("out/m.rejects.csv")),
        ("s3a://b/runs/m.csv", "s3a://b/runs/m.rejects.csv"),
        ("gs://b/runs/matched/", "gs://b/runs/matched.rejects.csv"),
    ],
)
def test_rejects_beside_the_output(out: Path | str, rejects: Path | str) -> None:
    assert rejects_path(out) == rejects


@given(st.lists(st.text(), min_size=1, max_size=6))
def test_csv_line_is_the_sinks_csv_row(cells: list[str]) -> None:
    # Spark writes csv_line per row with CRLF line ends: byte for byte what csv.writer writes.
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow(cells)
    assert csv_line(cells) + "\r\n" == buffer.getvalue()
    assert next(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == cells
