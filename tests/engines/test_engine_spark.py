"""The Spark engine: the local engine's output, byte for byte; Spark's errors as poslink's."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from helpers import BAD_POS_FILES, EXAMPLE_ARGS, EXAMPLES, bad_pos_file, poslink
from helpers.faults import gone_and_living_pids
from poslink.engines.spark.frames import frame_batches, shipped_frame
from poslink.exceptions import ConfigError, EngineError, InputError
from poslink.files.atomic import temp_name
from poslink.pipeline import RunConfig, RunSummary, run
from poslink.sources.jane_json import JaneJsonSource
from poslink_dev.bench.spark import bench_spark
from poslink_dev.synth import Workload, generate

CHALLENGE_POS = "pos/products.json"
CHALLENGE_DB = "db/jane.db"


def run_on(
    engine: str, pos: Path | str, catalog: Path, out: Path | str, **options: Any
) -> RunSummary:
    config = RunConfig(
        pos=pos, catalog=str(catalog), out=out, engine=engine, engine_options=options
    )
    return run(config)


def output_bytes(out: Path) -> bytes:
    """A CSV file's bytes, or a CSV directory's part files concatenated in name order."""
    if out.is_file():
        return out.read_bytes()
    names = sorted(p.name for p in out.iterdir())
    assert names and all(n.startswith("part-") and n.endswith(".csv") for n in names), names
    return b"".join((out / n).read_bytes() for n in names)


@pytest.fixture(scope="module")
def local_challenge(challenge: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "matched.csv"
    run_on("local", challenge / CHALLENGE_POS, challenge / CHALLENGE_DB, out)
    return out


@pytest.fixture(scope="module")
def local_example_run(tmp_path_factory: pytest.TempPathFactory) -> RunSummary:
    out = tmp_path_factory.mktemp("local") / "example.csv"
    summary = run_on("local", EXAMPLES / "jane/pos.json", EXAMPLES / "jane/catalog.db", out)
    assert summary.rejected == 1  # the example holds one record a source must set aside
    return summary


@pytest.fixture(scope="module")
def local_example(local_example_run: RunSummary) -> Path:
    return Path(local_example_run.output)


def counts(summary: RunSummary) -> tuple[int, ...]:
    return (summary.records, summary.matched, summary.no_match, summary.ambiguous, summary.rejected)


SPARK_LAYOUTS = [
    pytest.param({"single_file": True, "strategy": "broadcast"}, id="broadcast-file"),
    pytest.param({"single_file": True, "strategy": "join"}, id="join-file"),
    pytest.param({"strategy": "broadcast"}, id="broadcast-directory"),
    pytest.param({"strategy": "join"}, id="join-directory"),
]


@pytest.mark.parametrize("options", SPARK_LAYOUTS)
def test_challenge_output_identical_to_local(
    spark: object,
    challenge: Path,
    local_challenge: Path,
    tmp_path: Path,
    options: dict[str, Any],
) -> None:
    out = tmp_path / "matched.csv"
    summary = run_on("spark", challenge / CHALLENGE_POS, challenge / CHALLENGE_DB, out, **options)
    assert summary.records == 77
    assert output_bytes(out) == local_challenge.read_bytes()
    assert out.is_file() == bool(options.get("single_file"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["matched.csv"]


@pytest.mark.parametrize("strategy", ["broadcast", "join"])
def test_example_output_and_rejects_identical_to_local(
    spark: object, local_example_run: RunSummary, local_example: Path, tmp_path: Path, strategy: str
) -> None:
    out = tmp_path / "example.csv"
    summary = run_on(
        "spark",
        EXAMPLES / "jane/pos.json",
        EXAMPLES / "jane/catalog.db",
        out,
        single_file=True,
        strategy=strategy,
    )
    assert counts(summary) == counts(local_example_run)
    assert out.read_bytes() == local_example.read_bytes()
    local_rejects = local_example.with_name("example.rejects.csv")
    assert summary.rejects == out.with_name("example.rejects.csv")
    assert summary.rejects.read_bytes() == local_rejects.read_bytes()


def test_strategy_chosen_by_index_size(
    spark: object, challenge: Path, local_challenge: Path, tmp_path: Path, caplog: Any
) -> None:
    pos, db = challenge / CHALLENGE_POS, challenge / CHALLENGE_DB
    with caplog.at_level(logging.INFO, logger="poslink.engines.spark.engine"):
        run_on("spark", pos, db, tmp_path / "small.csv", single_file=True)
        run_on("spark", pos, db, tmp_path / "big.csv", single_file=True, broadcast_limit_mb=0.001)
    chosen = [r.getMessage().rsplit(" ", 1)[-1] for r in caplog.records]
    assert chosen == ["broadcast", "join"]
    assert (tmp_path / "big.csv").read_bytes() == local_challenge.read_bytes()


def test_url_input_read_by_spark(
    spark: object, challenge: Path, local_challenge: Path, tmp_path: Path
) -> None:
    url = (challenge / CHALLENGE_POS).resolve().as_uri()
    out = tmp_path / "matched.csv"
    run_on("spark", url, challenge / CHALLENGE_DB, out, single_file=True)
    assert out.read_bytes() == local_challenge.read_bytes()


@pytest.mark.parametrize(("content", "message"), BAD_POS_FILES)
def test_url_input_errors_name_the_url_and_keep_old_output(
    spark: object, challenge: Path, tmp_path: Path, content: str | None, message: str
) -> None:
    pos, out = bad_pos_file(tmp_path, content)
    url = pos.as_uri()
    with pytest.raises(InputError) as caught:
        run_on("spark", url, challenge / CHALLENGE_DB, out)
    assert str(caught.value).startswith(f"{url}: {message}")
    assert out.read_text() == "earlier output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out.csv", *(["pos.json"] if content is not None else [])]
    )


def test_failed_write_leaves_nothing(spark: object, challenge: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the output's folder should be")
    with pytest.raises(EngineError, match="spark job failed"):
        run_on("spark", challenge / CHALLENGE_POS, challenge / CHALLENGE_DB, blocker / "o.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_stale_rejects_removed(spark: object, challenge: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    first = run_on(
        "spark", EXAMPLES / "jane/pos.json", EXAMPLES / "jane/catalog.db", out, single_file=True
    )
    assert first.rejects is not None and Path(first.rejects).is_file()
    second = run_on("spark", challenge / CHALLENGE_POS, challenge / CHALLENGE_DB, out)
    assert second.rejects is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"]
    assert out.is_dir()


def test_a_folder_of_other_files_at_out_is_refused(tmp_path: Path) -> None:
    # Spark replaces the folder at --out whole: a folder of the user's own would be deleted.
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("the user's own file")
    result = poslink("run", "--engine", "spark", "--master", "local[1]", *EXAMPLE_ARGS,
                     "--out", out)  # fmt: skip
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "holding other files (keep.txt)" in lines[0], result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "keep.txt").read_text() == "the user's own file"


def test_only_an_earlier_csv_directory_is_replaced(
    spark: object, local_example: Path, tmp_path: Path
) -> None:
    # Given as a URL (not checked before the run), the folder is refused before Spark writes.
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("the user's own file")
    with pytest.raises(ConfigError, match="holding other files"):
        run_on("spark", EXAMPLES / "jane/pos.json", EXAMPLES / "jane/catalog.db", out.as_uri())
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    # An earlier output's parts are replaced.
    (out / "keep.txt").rename(out / "part-00007.csv")
    run_on("spark", EXAMPLES / "jane/pos.json", EXAMPLES / "jane/catalog.db", out)
    assert output_bytes(out) == local_example.read_bytes()


def test_standard_output_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    # Spark writes files: --out - is refused before the export is read (here: none) and
    # before a JVM starts, not after the whole feed was matched.
    with pytest.raises(ConfigError, match="writes files, not a stream"):
        run_on("spark", tmp_path / "missing.json", EXAMPLES / "jane/catalog.db", "-")
    result = poslink("run", "--engine", "spark", "--master", "local[1]", *EXAMPLE_ARGS,
                     "--out", "-")  # fmt: skip
    assert result.returncode == 2 and result.stdout == "", result.stderr
    assert result.stderr.strip().splitlines() == [
        "poslink: error: --out -: the spark engine writes files, not a stream;"
        " give a file (--single-file) or a folder"
    ]


@pytest.mark.parametrize("extra", [["--decisions", "d.db"], ["--sink", "parquet"]])
def test_a_folder_is_refused_where_the_driver_writes_one_file(
    tmp_path: Path, extra: list[str]
) -> None:
    # With a decision store or another sink the output is one file, written by the driver:
    # a folder at --out is refused before anything is read (exit 2), as on the local engine.
    out = tmp_path / "out"
    out.mkdir()
    words = [w.replace("d.db", str(tmp_path / "d.db")) for w in extra]
    result = poslink("run", "--engine", "spark", "--master", "local[1]", *EXAMPLE_ARGS,
                     "--out", out, *words)  # fmt: skip
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"--out {out} is a directory" in lines[0], result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_standard_input_is_read_by_the_driver(
    spark: object, local_example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An executor reading "-" read its own, empty, standard input: "the file is empty".
    piped = io.TextIOWrapper(io.BytesIO((EXAMPLES / "jane/pos.json").read_bytes()))
    monkeypatch.setattr(sys, "stdin", piped)
    out = tmp_path / "o.csv"
    summary = run_on("spark", "-", EXAMPLES / "jane/catalog.db", out, single_file=True)
    assert summary.records == 29
    assert out.read_bytes() == local_example.read_bytes()
    rejects = local_example.with_name("example.rejects.csv")
    assert out.with_name("o.rejects.csv").read_bytes() == rejects.read_bytes()


SYNC_EXAMPLE = ("sync", "--manifest", EXAMPLES / "jane/stores.toml", "--format", "parquet",
                "--catalog", EXAMPLES / "jane/catalog.db")  # fmt: skip


@pytest.mark.parametrize("master", ["bogus://x", "mesos://host:5050", " ", "yarn-cluster"])
def test_a_master_spark_would_refuse_is_one_line(tmp_path: Path, master: str) -> None:
    # Spark's own refusal is a Java stack trace and "Java gateway process exited".
    commands: list[list[str | Path]] = [
        ["run", *EXAMPLE_ARGS, "--out", tmp_path / "o.csv"],
        [*SYNC_EXAMPLE, "--out", tmp_path / "net"],
    ]
    for command in commands:
        result = poslink(*command, "--engine", "spark", "--master", master)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        # Named where it was set, as every bad option is: the flag.
        assert len(lines) == 1 and "option --master: not a Spark master" in lines[0], lines
    assert list(tmp_path.iterdir()) == []


def test_a_bad_option_of_a_sync_on_spark_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[engine_options]\nchunk_records = 0\n", "utf-8")
    result = poslink(*SYNC_EXAMPLE, "--config", config, "--out", tmp_path / "net",
                     "--engine", "spark")  # fmt: skip
    assert result.returncode == 2, result.stderr
    # Named where it was set, as a run's bad option is.
    assert result.stderr.strip().splitlines() == [
        f"poslink: error: {config}: key 'engine_options.chunk_records': Input should be greater"
        " than or equal to 1, got 0"
    ]


def test_what_a_killed_spark_run_left_is_removed_by_the_next(
    spark: object, local_example: Path, tmp_path: Path
) -> None:
    # A SIGKILLed run leaves its hidden parts directory; the next run writing that output
    # removes it (its process gone), not one a living run is writing, as the local engine does.
    out = tmp_path / "out"
    with gone_and_living_pids() as pids:
        dead, alive = (tmp_path / temp_name(out, pid) for pid in pids)
        for folder in (dead, alive):
            folder.mkdir()
            (folder / "part-00000-x.csv").write_text("partial")
        run_on("spark", EXAMPLES / "jane/pos.json", EXAMPLES / "jane/catalog.db", out)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([alive.name, "out", "out.rejects.csv"])
    assert output_bytes(out) == local_example.read_bytes()


def test_spark_options_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="strategy"):
        run_on("spark", tmp_path / "p.json", tmp_path / "c.db", tmp_path / "o", strategy="x")


def test_local_engine_refuses_urls(challenge: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="URLs need --engine spark"):
        run_on("local", "s3a://bucket/pos.json", challenge / CHALLENGE_DB, tmp_path / "o.csv")


def test_installed_command_writes_a_csv_directory(
    local_example_run: RunSummary, local_example: Path, tmp_path: Path
) -> None:
    # The real console script, its own JVM: the one test that pays for a Spark start-up.
    out = tmp_path / "example.csv"
    result = poslink(
        "run",
        "--engine",
        "spark",
        "--master",
        "local[1]",
        *EXAMPLE_ARGS,
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    expected = local_example_run.line().split(" in ")[0]  # the counts, without the time
    assert expected in result.stdout
    assert out.is_dir() and output_bytes(out) == local_example.read_bytes()
    rejects = out.with_name("example.rejects.csv")
    assert rejects.read_bytes() == local_example.with_name("example.rejects.csv").read_bytes()
    evaluated = poslink("eval", "--labels", EXAMPLES / "jane/labels.csv", "--out", out)
    assert evaluated.returncode == 0, evaluated.stderr
    assert "precision 1.0000" in evaluated.stdout
    # Spark's own log stays quiet: at most the JVM's own notice, never a log line or trace.
    noise = [line for line in result.stderr.splitlines() if "incubator modules" not in line]
    assert noise == []


def test_missing_pyspark_is_one_helpful_line(tmp_path: Path) -> None:
    pos = tmp_path / "p.json"
    pos.write_text(json.dumps([]))
    code = (
        "import sys; sys.modules['pyspark'] = None; "
        "from poslink.cli import main; sys.argv[0] = 'poslink'; main()"
    )
    argv = ["run", "--engine", "spark", "--pos", pos, "--catalog", EXAMPLES / "jane/catalog.db"]
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, argv), "--out", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "pip install 'poslink[spark]'" in result.stderr
    assert not (tmp_path / "o.csv").exists()


@pytest.fixture(scope="module")
def feed_100k(kushy: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Workload, Path]:
    """A generated 100k-record feed (stores repeating products) and the local engine's output."""
    work = generate(
        kushy,
        tmp_path_factory.mktemp("feed"),
        n_products=6000,
        n_records=100_000,
        seed=5,
        repetition=0.8,
        formats=("json",),
    )
    out = work.pos_json.with_name("local.csv")
    run_on("local", work.pos_json, work.catalog, out)
    return work, out


@pytest.mark.slow
@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"strategy": "broadcast"}, id="broadcast-directory"),
        pytest.param({"strategy": "join", "single_file": True}, id="join-file"),
    ],
)
def test_generated_100k_feed_identical_to_local(
    spark: object, feed_100k: tuple[Workload, Path], tmp_path: Path, options: dict[str, Any]
) -> None:
    work, local = feed_100k
    out = tmp_path / "matched.csv"
    summary = run_on("spark", work.pos_json, work.catalog, out, **options)
    assert summary.records == 100_000
    assert output_bytes(out) == local.read_bytes()


def test_driver_file_shipped_to_executors_reads_the_same(spark: Any, tmp_path: Path) -> None:
    # On a cluster a driver-local file travels by addFile; read there, it gives the same frame.
    source = JaneJsonSource(EXAMPLES / "jane/pos.json")
    frame = shipped_frame(spark, source, 7, 3, tmp_path)
    ordered = frame.orderBy("row")
    got = pa.Table.from_batches(ordered._collect_as_arrow()).to_pylist()  # type: ignore[operator]
    want = pa.Table.from_batches(list(frame_batches(source.records(), 7))).to_pylist()
    assert got == want and len(got) == 29


def test_decision_store_runs_on_spark(
    spark: object, local_example_run: RunSummary, local_example: Path, tmp_path: Path
) -> None:
    # Another sink than the CSV one (here the store's merge): Spark matches, the driver writes.
    store = str(tmp_path / "decisions.sqlite")
    outputs = []
    for n in range(2):
        out = tmp_path / f"run{n}.csv"
        config = RunConfig(
            pos=EXAMPLES / "jane/pos.json",
            catalog=str(EXAMPLES / "jane/catalog.db"),
            out=out,
            engine="spark",
            decisions=store,
            full=n == 0,
        )
        outputs.append(run(config))
        assert out.read_bytes() == local_example.read_bytes()
        rejects = out.with_name(f"run{n}.rejects.csv")
        assert rejects.read_bytes() == local_example.with_name("example.rejects.csv").read_bytes()
    assert counts(outputs[0]) == counts(local_example_run)
    assert outputs[1].reused is not None and outputs[1].reused > 0


def test_bench_reports_the_spark_engines_throughput(spark: object, tmp_path: Path) -> None:
    bench = bench_spark(
        EXAMPLES / "jane/pos.json", EXAMPLES / "jane/catalog.db", runs=2, out_dir=tmp_path
    )
    assert (bench.records, bench.runs, bench.master) == (29, 2, "local[2]")
    assert bench.records_per_second == bench.records / bench.seconds > 0
    assert f"{bench.records} records" in bench.line()
    assert output_bytes(tmp_path / "spark-1.csv") == output_bytes(tmp_path / "spark-0.csv")


def test_url_output_written_by_spark(spark: object, local_example: Path, tmp_path: Path) -> None:
    url = tmp_path.as_uri() + "/runs/example.csv"
    summary = run_on("spark", EXAMPLES / "jane/pos.json", EXAMPLES / "jane/catalog.db", url)
    assert (
        summary.output == url and summary.rejects == tmp_path.as_uri() + "/runs/example.rejects.csv"
    )
    assert output_bytes(tmp_path / "runs/example.csv") == local_example.read_bytes()
    rejects = (tmp_path / "runs/example.rejects.csv").read_bytes()
    assert rejects == local_example.with_name("example.rejects.csv").read_bytes()
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [
        "example.csv",
        "example.rejects.csv",
    ]
