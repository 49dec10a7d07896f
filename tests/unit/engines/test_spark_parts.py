"""The Spark engine's parts that need no Spark: errors, master, CSV lines, locations."""

from __future__ import annotations

import csv
import io
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poslink.config import load_run_config
from poslink.engines.spark.errors import carried, surfaced, translate
from poslink.engines.spark.frames import frame_batch
from poslink.engines.spark.session import resolve_master
from poslink.engines.spark.tasks import output_batch
from poslink.exceptions import (
    CatalogError,
    EngineError,
    InputError,
    PoslinkError,
    SkippedRecord,
    Terminated,
)
from poslink.files.locations import is_url
from poslink.files.rejects import RejectsFile, rejects_path
from poslink.records import Match, PosRecord, Status
from poslink.sinks.csv import CsvSink, csv_line, header_cells

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


def test_an_interrupt_a_spark_call_lost_is_raised_again() -> None:
    # PySpark's toArrow asks for the job's result in a `finally`: once SIGTERM closed the
    # socket that fails, and "spark job failed" (exit 4) replaced "terminated" (exit 143).
    with pytest.raises(Terminated) as caught, surfaced():
        try:
            raise Terminated(signal.SIGTERM)
        finally:
            raise RuntimeError("An error occurred while calling o108.getResult")
    assert caught.value.signum == signal.SIGTERM
    with pytest.raises(EngineError, match="spark job failed: Lost executor"), surfaced():
        raise RuntimeError("Lost executor 1")


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


@given(st.lists(st.text() | st.text(alphabet=',"\r\n a'), min_size=1, max_size=6))
def test_csv_line_is_the_sinks_csv_row(cells: list[str]) -> None:
    # Spark writes csv_line per row with CRLF line ends: byte for byte what csv.writer writes.
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow(cells)
    assert csv_line(cells) + "\r\n" == buffer.getvalue()
    assert next(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == cells


CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
FIELDS = ["category", "productId", "productName"]


@st.composite
def records_and_matches(draw: st.DrawFn) -> list[tuple[PosRecord | SkippedRecord, Match]]:
    out: list[tuple[PosRecord | SkippedRecord, Match]] = []
    for row in range(draw(st.integers(0, 8))):
        raw = {f: draw(CELL) for f in draw(st.lists(st.sampled_from(FIELDS), unique=True))}
        if draw(st.booleans()):
            reason = draw(st.text(max_size=20))
            # A source may set aside a record it could not read as an object at all.
            kept = draw(st.sampled_from([raw, None, "not a record"]))
            skipped = SkippedRecord(reason, row=row, pos_id=draw(st.text(max_size=5)), raw=kept)
            out.append((skipped, Match(row, None, 0.0, Status.REJECTED, reason)))
        else:
            record = PosRecord(row, "test", str(row), draw(st.text(min_size=1)), raw=raw)
            status = draw(st.sampled_from([s for s in Status if s is not Status.REJECTED]))
            pid = str(draw(st.integers(1, 10**9))) if status is Status.MATCHED else None
            score = draw(st.floats(0, 1))
            out.append((record, Match(row, pid, score, status, "why")))
    return out


@settings(deadline=None, max_examples=60)  # each example writes (and syncs) two files
@given(records_and_matches())
def test_spark_lines_are_the_local_engines_rows(
    pairs: list[tuple[PosRecord | SkippedRecord, Match]],
) -> None:
    # What Spark writes (a frame through output_batch) is what the CSV sink and the rejects
    # file write for the same records and decisions, byte for byte.
    folder = Path(tempfile.mkdtemp())
    sink, rejects = CsvSink(folder / "o.csv", FIELDS), RejectsFile(folder / "o.rejects.csv")
    with sink:
        for record, match in pairs:
            if isinstance(record, SkippedRecord):
                rejects.write(record.row, record.pos_id, record.reason, record.raw)
                sink.write(record.raw if isinstance(record.raw, dict) else {}, match)
            else:
                sink.write(record.raw, match)
    rejects.commit()
    frame = frame_batch([r for r, _ in pairs]) if pairs else None
    lines = [csv_line(header_cells(FIELDS))]
    reject_lines = [csv_line(list(RejectsFile.COLUMNS))]
    if frame is not None:
        out = output_batch(frame, [m for _, m in pairs], FIELDS).to_pydict()
        lines += out["line"]
        reject_lines += [line for line in out["reject_line"] if line is not None]
    assert (folder / "o.csv").read_bytes().decode() == "".join(f"{x}\r\n" for x in lines)
    if rejects.count:
        written = (folder / "o.rejects.csv").read_bytes().decode()
        assert written == "".join(f"{x}\r\n" for x in reject_lines)
    else:
        assert reject_lines == [csv_line(list(RejectsFile.COLUMNS))]
    shutil.rmtree(folder)


def test_run_configuration_keeps_urls_whole(tmp_path: Path) -> None:
    config_file = tmp_path / "run.toml"
    config_file.write_text(
        'catalog = "c.db"\npos = "gs://bucket/feeds/p.json"\n[engine_options]\nmaster = "yarn"\n'
    )
    env = {"POSLINK_OUT": "abfss://c@acct.dfs.core.windows.net/out/m.csv"}
    config = load_run_config(config_file, None, env)
    assert config.location("pos") == "gs://bucket/feeds/p.json"
    assert config.location("out") == env["POSLINK_OUT"]
    assert config.engine_options == {"master": "yarn"}
    local = load_run_config(None, None, {"POSLINK_POS": "p.json", "POSLINK_OUT": "o.csv",
                                         "POSLINK_CATALOG": "c.db"})  # fmt: skip
    assert local.location("pos") == Path("p.json") and local.location("out") == Path("o.csv")
