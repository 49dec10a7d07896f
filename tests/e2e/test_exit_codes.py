"""The exit codes of the README's table, each produced by a real run, with its summary JSON;
and the conventions schedulers and shells expect: --version, -h, completion, JSON logs,
eval --fail-under, a progress bar with a total."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from rich.progress import Progress

from helpers import EXAMPLE_ARGS, EXAMPLES, poslink, storehelp
from helpers.faults import PAUSING, start, wait_for
from poslink.cli._app import RunProgress
from poslink.config import RunConfig
from poslink.exceptions import ConfigError, InputError, Rule, StoreError, map_errors
from poslink.logs import level_for
from poslink.pipeline import run

Case = Callable[[Path], subprocess.CompletedProcess[str]]


def plain(*extra: str | Path) -> Case:
    def case(tmp: Path) -> subprocess.CompletedProcess[str]:
        args: list[str | Path] = ["run", *EXAMPLE_ARGS, "--out", tmp / "o.csv"]
        args += ["--summary-json", tmp / "s.json"]
        return poslink(*args, *(str(e).format(tmp=tmp) for e in extra))

    return case


def bad_json(tmp: Path) -> subprocess.CompletedProcess[str]:
    (tmp / "p.json").write_text("[{")
    return poslink("run", "--pos", tmp / "p.json", "--catalog", storehelp.EXAMPLE_CATALOG,
                   "--out", tmp / "o.csv", "--summary-json", tmp / "s.json")  # fmt: skip


def under_a_file(tmp: Path) -> subprocess.CompletedProcess[str]:
    (tmp / "file").write_text("a file, not a folder")
    return plain("--out", "{tmp}/file/o.csv")(tmp)


def stopped(signum: int) -> Case:
    def case(tmp: Path) -> subprocess.CompletedProcess[str]:
        env = {"POSLINK_TEST_PAUSE_AFTER": "3", "POSLINK_TEST_READY": str(tmp / "ready")}
        args: list[str | Path] = ["run", *EXAMPLE_ARGS, "--out", tmp / "o.csv"]
        args += ["--summary-json", tmp / "s.json"]
        proc = start(*args, "--engine", PAUSING, env=env)
        wait_for(lambda: (tmp / "ready").exists() or proc.poll() is not None, "the pause")
        os.kill(proc.pid, signum)
        out, err = proc.communicate(timeout=60)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    return case


CODES: list[tuple[int, str, Case, str]] = [
    (0, "ok", plain(), "29 records"),
    (1, "rejects", plain("--max-reject-rate", "0.01"), "1 of 29 records rejected (3%)"),
    (2, "error", plain("--out", EXAMPLES / "jane/pos.json"), "is the --pos file"),
    (3, "error", bad_json, "invalid JSON at line 1 column 3"),
    (4, "error", under_a_file, "cannot write output"),
    (75, "error", plain("--catalog", "postgresql+psycopg://u@127.0.0.1:9/db"), "try again"),
    (130, "interrupted", stopped(signal.SIGINT), "interrupted"),
    (143, "terminated", stopped(signal.SIGTERM), "terminated by SIGTERM"),
]


@pytest.mark.parametrize(("code", "status", "case", "says"), CODES, ids=[str(c[0]) for c in CODES])
def test_exit_code(tmp_path: Path, code: int, status: str, case: Case, says: str) -> None:
    result = case(tmp_path)
    assert result.returncode == code, result.stderr
    assert says in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    summary = json.loads((tmp_path / "s.json").read_text())
    assert (summary["exit_code"], summary["status"]) == (code, status)
    if code in (0, 1):  # the run completed: its output is written, its figures reported
        assert (tmp_path / "o.csv").exists()
        assert (summary["records"], summary["rejected"]) == (29, 1)
        assert summary["error"] is None if code == 0 else "more than" in summary["error"]
    else:
        assert not (tmp_path / "o.csv").exists() and summary["error"]


# Errors Click finds in the command line: (id, the command, its other words ending with the
# bad ones, what the error says). Each exits 2 with one line, as poslink's own errors do.
USAGE_ERRORS: list[tuple[str, list[str], list[str | Path], str]] = [
    ("unknown option", ["run"], [*EXAMPLE_ARGS, "--out", "{tmp}/o.csv", "--bogus"],
     "No such option: --bogus"),
    ("bad value", ["run"], [*EXAMPLE_ARGS, "--out", "{tmp}/o.csv", "--workers", "0"],
     "Invalid value for '--workers'"),
    ("bad choice", ["sync"], ["--manifest", "x.toml", "--catalog", "c.db", "--out", "{tmp}/d",
     "--format", "xml"], "Invalid value for '--format': 'xml' is not one of 'csv', 'parquet'"),
    ("missing option", ["index", "build"], [], "Missing option '--catalog'"),
    ("unknown command", [], ["no-such-command"], "No such command 'no-such-command'"),
]  # fmt: skip
USAGE_IDS = [case[0] for case in USAGE_ERRORS]


def usage_error(tmp: Path, command: list[str], *words: str | Path) -> tuple[str, str]:
    """Run the command line; the one line on stderr (exit 2, no box, no traceback) and the
    hint it must end with."""
    result = poslink(*command, *(str(w).format(tmp=tmp) for w in words))
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].strip(), result.stderr
    assert not set("╭│╰") & set(result.stderr) and "Traceback" not in result.stderr
    return lines[0], f"try '{' '.join(['poslink', *command])} --help'"


@pytest.mark.parametrize(("command", "words", "says"), [c[1:] for c in USAGE_ERRORS], ids=USAGE_IDS)
def test_a_usage_error_is_one_line(
    tmp_path: Path, command: list[str], words: list[str | Path], says: str
) -> None:
    line, hint = usage_error(tmp_path, command, *words)
    assert line.startswith("poslink: error: ") and says in line and line.endswith(hint)


# --log-format json before the bad words (Click may parse it) or after them (it never does),
# spelt both ways: the error is still one JSON object.
@pytest.mark.parametrize("before", [True, False], ids=["json-before", "json-after"])
@pytest.mark.parametrize(("command", "words", "says"), [c[1:] for c in USAGE_ERRORS], ids=USAGE_IDS)
def test_a_usage_error_is_one_json_object(
    tmp_path: Path, command: list[str], words: list[str | Path], says: str, before: bool
) -> None:
    if before:
        line, hint = usage_error(tmp_path, command, "--log-format", "json", *words)
    else:
        line, hint = usage_error(tmp_path, command, *words, "--log-format=json")
    error = json.loads(line)
    assert isinstance(error, dict) and error["exit_code"] == 2, line
    assert (error["level"], error["kind"]) == ("error", "usage")
    assert error["message"].endswith(hint) and {"time", "logger"} <= set(error)
    # Where the command has no --log-format (index build, poslink itself), that is the error.
    assert says in error["message"] or "No such option: --log-format" in error["message"]


def test_version_help_and_completion() -> None:
    version = poslink("--version")
    assert version.returncode == 0 and version.stdout.startswith("poslink 0.")
    assert "--max-reject-rate" in poslink("run", "-h").stdout
    bare = poslink()  # no command: the help, as before, not an error line
    assert bare.returncode == 2 and "Commands" in bare.stdout and not bare.stderr
    # Typer finds the shell among the command's parent processes, as when a user types it
    # in bash; the suite itself may run with no shell above it (a CI runner, a daemon).
    exe = Path(sys.executable).with_name("poslink")
    completion = subprocess.run(
        ["bash", "-c", f"'{exe}' --show-completion; exit $?"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completion.returncode == 0 and "_POSLINK_COMPLETE" in completion.stdout
    assert "complete " in completion.stdout  # a bash script: bash's `complete` builtin


def test_json_logs_are_one_object_a_line_on_stderr(tmp_path: Path) -> None:
    result = poslink("run", *EXAMPLE_ARGS, "--out", tmp_path / "o.csv", "-v", "--log-format",
                     "json")  # fmt: skip
    assert result.returncode == 0
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert {r["level"] for r in records} == {"info"}
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    done = next(r for r in records if r["message"] == "run finished")
    assert done["summary"]["records"] == 29
    assert result.stdout.startswith("poslink: 29 records")  # results stay on stdout
    failed = poslink("run", "--pos", tmp_path / "none.json", "--catalog", storehelp.EXAMPLE_CATALOG,
                     "--out", tmp_path / "o.csv", "-q", "--log-format", "json")  # fmt: skip
    error = json.loads(failed.stderr)
    assert (error["level"], error["exit_code"], error["kind"]) == ("error", 3, "data")


def test_log_levels() -> None:
    assert level_for(0, False) == logging.WARNING
    assert level_for(1, False) == logging.INFO
    assert level_for(2, False) == logging.DEBUG
    assert level_for(2, True) == logging.ERROR


def test_eval_fail_under_is_a_gate(tmp_path: Path) -> None:
    assert poslink("run", *EXAMPLE_ARGS, "--out", tmp_path / "o.csv").returncode == 0
    labels = EXAMPLES / "jane/labels.csv"
    passed = poslink("eval", "--labels", labels, "--out", tmp_path / "o.csv",
                     "--fail-under", "precision=1.0,recall=0.95")  # fmt: skip
    assert passed.returncode == 0, passed.stderr
    # One id lost: recall 18 of 19.
    with (tmp_path / "o.csv").open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    at = table[0].index("jane_product_id")
    first = next(r for r in table[1:] if r[at])
    first[at] = ""
    with (tmp_path / "worse.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(table)
    failed = poslink("eval", "--labels", labels, "--out", tmp_path / "worse.csv",
                     "--fail-under", "precision=1.0,recall=0.99")  # fmt: skip
    assert failed.returncode == 1
    assert "recall 0.9500 < 0.99" in failed.stderr and "precision" not in failed.stderr
    bad = poslink("eval", "--labels", labels, "--out", tmp_path / "o.csv", "--fail-under", "p=2")
    assert bad.returncode == 2 and "expected FIGURE=VALUE" in bad.stderr


def test_the_progress_bar_has_the_file_size_as_its_total(tmp_path: Path) -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    config = RunConfig(
        pos=storehelp.EXAMPLE_POS, catalog=str(storehelp.EXAMPLE_CATALOG), out=tmp_path / "o.csv"
    )
    with Progress(console=console) as bar:
        shown = RunProgress(bar)
        shown._shown = -1e9  # show every update
        run(config, progress=shown)
        task = bar.tasks[0]
    size = storehelp.EXAMPLE_POS.stat().st_size
    assert (task.total, task.completed, task.fields["records"]) == (size, size, 29)


def test_map_errors_raises_ours_from_theirs_and_lets_the_rest_pass() -> None:
    rules: list[Rule] = [
        (KeyError, lambda e: InputError(f"missing {e}")),
        ((KeyError, LookupError), lambda e: StoreError("never: the first rule wins")),
        (ValueError, lambda e: ConfigError(f"bad {e}")),
    ]
    with pytest.raises(InputError, match="missing 'k'") as caught, map_errors(*rules):
        raise KeyError("k")
    assert isinstance(caught.value.__cause__, KeyError)
    with pytest.raises(ConfigError, match="bad v"), map_errors(*rules):
        raise ValueError("v")
    ours = StoreError("already ours")
    with pytest.raises(StoreError) as kept, map_errors((Exception, lambda e: InputError("x"))):
        raise ours
    assert kept.value is ours
    with pytest.raises(TypeError), map_errors(*rules):
        raise TypeError("no rule names it")
    with pytest.raises(KeyboardInterrupt), map_errors((Exception, lambda e: InputError("x"))):
        raise KeyboardInterrupt
