"""Fault injection: real ``poslink run`` processes stopped by SIGINT, SIGTERM and SIGKILL at
several points of a run, with and without a decision store.

After every stop: no worker process is left, an interrupted (not killed) run leaves no
temporary file and exits 130 / 143 with one message, the earlier output, its rejects file and
the store are as they were; the next run removes what a killed run left and writes exactly
what an uninterrupted run writes.

Points: waiting for a catalog another program holds locked (before any output is opened);
matching, worker processes running and the temporary output open (``faults.PausingEngine``);
waiting for the store's write lock, everything matched; inside the store's write
transaction (SIGTERM here; ``test_store_kill.py`` sends SIGKILL there).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import EXAMPLE_ARGS, EXAMPLES, poslink, storehelp
from helpers.faults import PAUSING, alive, children, log_lines, start, temp_files, wait_for
from helpers.storehelp import read_feed, store_rows, write_feed

SIGNALS: dict[str, int] = {"SIGINT": 2, "SIGTERM": 15, "SIGKILL": 9}
EXIT: dict[int, int] = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -9}
# Small chunks and two workers: worker processes start after the first few records.
ENGINE = {"POSLINK_ENGINE_OPTIONS__BATCH_SIZE": "5", "POSLINK_ENGINE_OPTIONS__WORKERS": "2"}


def feed(size: int, first_id: int, renamed: int = 0) -> list[dict[str, object]]:
    """The example records repeated to ``size``, ids from ``first_id``; ``renamed`` of them
    with another name (a changed feed)."""
    base = read_feed()
    out = [{**base[i % len(base)], "productId": first_id + i} for i in range(size)]
    for i in range(renamed):
        out[i * 7]["productName"] = f"{out[i * 7]['productName']} Reserve"
    return out


@dataclass
class Work:
    """One case's folder: catalog, the changed feed, the earlier output, maybe a store."""

    root: Path
    catalog: Path
    pos: Path
    out: Path
    store: Path | None

    def args(self, out: Path | None = None, store: Path | None = None) -> list[str | Path]:
        args: list[str | Path] = ["run", "--pos", self.pos, "--catalog", self.catalog]
        args += ["--out", out or self.out, "--lock-timeout", "60"]
        chosen = store or self.store
        return [*args, "--decisions", chosen] if chosen else args

    def state(self) -> tuple[bytes, bytes, object]:
        rejects = self.out.with_name("matched.rejects.csv")
        stored = store_rows(str(self.store)) if self.store else None
        return self.out.read_bytes(), rejects.read_bytes(), stored


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A first run's output and store (feed A), feed B, and B's uninterrupted outputs."""
    root = tmp_path_factory.mktemp("faults")
    catalog = root / "catalog.db"
    shutil.copyfile(storehelp.EXAMPLE_CATALOG, catalog)
    first = write_feed(root / "a.json", feed(120, 1))
    changed = write_feed(root / "pos.json", feed(120, 1, renamed=6))
    (root / "out").mkdir()

    def ok(pos: Path, out: Path, store: Path | None) -> None:
        with_store: list[str | Path] = ["--decisions", store] if store else []
        done = poslink("run", "--pos", pos, "--catalog", catalog, "--out", out, *with_store)
        assert done.returncode == 0, done.stderr

    ok(first, root / "out" / "plain.csv", None)
    ok(first, root / "out" / "store.csv", root / "decisions.db")
    # What an uninterrupted run of feed B writes: without a store, and on a copy of the store.
    shutil.copyfile(root / "decisions.db", root / "reference.db")
    ok(changed, root / "plain.b.csv", None)
    ok(changed, root / "store.b.csv", root / "reference.db")
    return {"root": root, "catalog": catalog, "pos": changed}


def work(template: dict[str, Path], tmp_path: Path, with_store: bool) -> Work:
    kind = "store" if with_store else "plain"
    catalog = shutil.copyfile(template["catalog"], tmp_path / "catalog.db")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "matched.csv"
    shutil.copyfile(template["root"] / "out" / f"{kind}.csv", out)
    rejects = template["root"] / "out" / f"{kind}.rejects.csv"
    shutil.copyfile(rejects, out_dir / "matched.rejects.csv")
    store = None
    if with_store:
        store = shutil.copyfile(template["root"] / "decisions.db", tmp_path / "decisions.db")
    return Work(tmp_path, catalog, template["pos"], out, store)


@contextmanager
def locked(database: Path, how: str) -> Iterator[None]:
    """Another program holding a SQLite database locked (``EXCLUSIVE``, ``IMMEDIATE``)."""
    lock = sqlite3.connect(database, isolation_level=None)
    lock.execute(f"BEGIN {how}")
    try:
        yield
    finally:
        lock.execute("ROLLBACK")
        lock.close()


def stop_once_logged(proc: subprocess.Popen[str], text: str, signum: int) -> None:
    """Send ``signum`` once the run has logged ``text`` and gone on into the wait after it."""
    log_lines(proc, text)
    time.sleep(0.3)
    assert proc.poll() is None
    os.kill(proc.pid, signum)
    finish(proc, signum)


def pause(w: Work, go: Path | None = None) -> dict[str, str]:
    """The environment of a run on ``PausingEngine``, held after 40 records."""
    held = {**ENGINE, "POSLINK_TEST_PAUSE_AFTER": "40", "POSLINK_TEST_READY": str(w.root / "r")}
    return {**held, "POSLINK_TEST_GO": str(go)} if go else held


def paused(proc: subprocess.Popen[str], w: Work) -> set[int]:
    """Wait until the run pauses; its worker processes."""
    wait_for(lambda: (w.root / "r").exists() or proc.poll() is not None, "the run to pause")
    assert proc.poll() is None, proc.communicate()
    workers = children(proc.pid)
    assert len(workers) == 2, workers  # matching on two worker processes
    return workers


def stop_at_catalog(w: Work, signum: int) -> set[int]:
    """Stop the run while it waits for the catalog, which another program holds locked."""
    with locked(w.catalog, "EXCLUSIVE"):
        proc = start(*w.args(), "-v", "--log-format", "json", env=ENGINE)
        stop_once_logged(proc, "reading the catalog", signum)
    return set()


def stop_matching(w: Work, signum: int) -> set[int]:
    """Stop the run while its workers match and its temporary output is open."""
    proc = start(*w.args(), "--engine", PAUSING, "-q", "--log-format", "json", env=pause(w))
    workers = paused(proc, w)
    assert temp_files(w.out.parent), "the output is being written"
    os.kill(proc.pid, signum)
    finish(proc, signum)
    return workers


def stop_at_store(w: Work, signum: int) -> set[int]:
    """Stop the run, everything matched, while it waits for the store's write lock."""
    assert w.store is not None
    go = w.root / "go"
    proc = start(*w.args(), "--engine", PAUSING, "-v", "--log-format", "json", env=pause(w, go))
    workers = paused(proc, w)
    with locked(w.store, "IMMEDIATE"):  # another writer: readers go on, writers wait
        go.touch()
        stop_once_logged(proc, "saving", signum)
    return workers


def finish(proc: subprocess.Popen[str], signum: int) -> None:
    """The stopped run's exit code and message."""
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == EXIT[signum], stderr
    if signum == signal.SIGKILL:
        return
    last = json.loads(stderr.strip().splitlines()[-1])
    assert last["exit_code"] == EXIT[signum]
    word = "interrupted" if signum == signal.SIGINT else "terminated by SIGTERM"
    assert word in last["message"] and "no output written" in last["message"]
    assert "Traceback" not in stderr


POINTS = {"catalog": stop_at_catalog, "matching": stop_matching, "store": stop_at_store}
CASES = [
    (point, name, with_store)
    for with_store in (False, True)
    for point in POINTS
    for name in SIGNALS
    if with_store or point != "store"
]


@pytest.mark.parametrize(("point", "sig", "with_store"), CASES)
def test_a_stopped_run_leaves_nothing_and_the_next_run_is_whole(
    template: dict[str, Path], tmp_path: Path, point: str, sig: str, with_store: bool
) -> None:
    w = work(template, tmp_path, with_store)
    before = w.state()
    signum = SIGNALS[sig]
    workers = POINTS[point](w, signum)
    # Workers die with their parent, however it ended.
    wait_for(lambda: not any(alive(p) for p in workers), "the workers to end", timeout=10)
    assert w.state() == before  # earlier output, rejects file and store as they were
    left = temp_files(w.out.parent)
    if signum != signal.SIGKILL:
        assert left == []
    # The next run removes what a killed run left, and writes what an uninterrupted run does.
    done = poslink(*w.args())
    assert done.returncode == 0, done.stderr
    assert temp_files(w.out.parent) == []
    kind = "store" if with_store else "plain"
    assert w.out.read_bytes() == (template["root"] / f"{kind}.b.csv").read_bytes()
    if point == "matching" and signum == signal.SIGKILL:
        assert left, "a killed run leaves its temporary output: the next run removed it"


def test_sigterm_inside_the_store_transaction_rolls_it_back(tmp_path: Path) -> None:
    store = tmp_path / "decisions.db"
    journal = Path(f"{store}-journal")
    catalog = storehelp.EXAMPLE_CATALOG
    first = write_feed(tmp_path / "a.json", feed(8000, 1))
    assert poslink("run", "--pos", first, "--catalog", catalog, "--out", tmp_path / "a.csv",
                   "--decisions", store).returncode == 0  # fmt: skip
    out = tmp_path / "b.csv"
    for attempt in range(1, 6):
        before = store_rows(str(store))
        pos = write_feed(tmp_path / "b.json", feed(8000, attempt * 1_000_000))
        proc = start("run", "--pos", pos, "--catalog", catalog, "--out", out,
                     "--decisions", store, "-q")  # fmt: skip

        def writing(proc: subprocess.Popen[str] = proc) -> bool:
            try:
                return journal.stat().st_size > 0 or proc.poll() is not None
            except FileNotFoundError:
                return proc.poll() is not None

        wait_for(writing, "the store transaction", timeout=120)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
        if proc.returncode == 143:
            break
        assert proc.returncode == 0, stderr  # finished before the signal: again, new keys
        out.unlink()
    else:
        pytest.fail("the run was never stopped inside its store transaction")
    assert "terminated by SIGTERM" in stderr
    assert store_rows(str(store)) == before and not out.exists()
    assert temp_files(tmp_path) == []
    con = sqlite3.connect(store)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_while_the_command_starts_is_one_line(
    sig: int, log_format: str, tmp_path: Path
) -> None:
    # Python reports each import as it ends (PYTHONPROFILEIMPORTTIME): once Typer's has, the
    # command line's own modules are still being imported, and that is where the signal lands.
    out = tmp_path / "o.csv"
    proc = start("run", *EXAMPLE_ARGS, "--out", out, "--log-format", log_format,
                 env={"PYTHONPROFILEIMPORTTIME": "1"})  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.split("|")[-1].strip() == "typer":
            break
    proc.send_signal(sig)
    rest = proc.stderr.read()
    proc.wait(timeout=60)
    said = [line for line in rest.splitlines() if not line.startswith("import time:")]
    what = "interrupted" if sig == signal.SIGINT else "terminated by SIGTERM"
    message = f"{what} while starting; nothing was read or written"
    if log_format == "json":  # one object, as every command's last line under --log-format json
        assert len(said) == 1, rest
        line = json.loads(said[0])
        assert (line["message"], line["level"], line["exit_code"]) == (message, "error", EXIT[sig])
    else:
        assert said == [f"poslink: error: {message}"], rest
    assert proc.returncode == EXIT[sig] and not out.exists()


def test_a_stop_as_the_command_is_made_is_one_line(tmp_path: Path) -> None:
    # After the import, the command line handles SIGTERM itself; Typer then makes the Click
    # command (tens of ms) before anything runs. A signal there was a traceback and exit 1.
    code = (
        "import os, signal, sys, typer.main\n"
        "import poslink.cli, poslink.entry\n"
        "made = typer.main.get_command\n"
        "def get_command(app):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return made(app)\n"
        "typer.main.get_command = get_command\n"
        "sys.argv = ['poslink', 'sources']\n"
        "poslink.entry.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    said = done.stderr.splitlines()
    assert said == [
        "poslink: error: terminated by SIGTERM while starting; nothing was read or written"
    ]
    assert done.returncode == EXIT[signal.SIGTERM]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("parsing", ["TyperGroup", "TyperCommand"], ids=["group", "command"])
def test_a_stop_while_click_parses_is_one_line(sig: int, parsing: str) -> None:
    # Then Click parses the command line: the group's options (as it makes the context),
    # then the command's (as it invokes it). Typer turned a signal there into a silent exit
    # 130, SIGTERM's too.
    code = (
        "import os, signal, sys, typer.core\n"
        "import poslink.cli, poslink.entry\n"
        f"cls = typer.core.{parsing}\n"
        "parse = cls.parse_args\n"
        "def parse_args(self, ctx, args):\n"
        f"    os.kill(os.getpid(), {int(sig)})\n"
        "    return parse(self, ctx, args)\n"
        "cls.parse_args = parse_args\n"
        "sys.argv = ['poslink', 'sources']\n"
        "poslink.entry.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    what = "interrupted" if sig == signal.SIGINT else "terminated by SIGTERM"
    assert done.stderr.splitlines() == [
        f"poslink: error: {what} while starting; nothing was read or written"
    ]
    assert done.returncode == EXIT[sig] and done.stdout == ""


def test_a_stop_as_the_command_ends_claims_nothing(tmp_path: Path) -> None:
    # A command's work is within its own handling (``errors``); a signal as it says what it
    # did, past that, is one line that does not say nothing was written (the output is).
    out, catalog = tmp_path / "dups.csv", EXAMPLES / "jane/catalog.db"
    code = (
        "import os, signal, sys, rich.console\n"
        "import poslink.cli, poslink.entry\n"
        "def say(self, *args, **kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "rich.console.Console.print = say\n"
        f"sys.argv = ['poslink', 'catalog', 'check', '--catalog', {str(catalog)!r},"
        f" '--out', {str(out)!r}]\n"
        "poslink.entry.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr.splitlines() == ["poslink: error: terminated by SIGTERM"]
    assert done.returncode == EXIT[signal.SIGTERM] and out.exists()


def test_a_run_under_nohup_is_not_stopped_by_sighup(
    template: dict[str, Path], tmp_path: Path
) -> None:
    # `nohup poslink run ...` starts the command ignoring SIGHUP, so that closing the terminal
    # does not stop it: poslink keeps it ignored (it used to stop on it, as on SIGTERM).
    w = work(template, tmp_path, with_store=False)
    go = w.root / "go"
    proc = start(*w.args(), "--engine", PAUSING, "-q", env=pause(w, go), prefix=["nohup"])
    paused(proc, w)
    os.kill(proc.pid, signal.SIGHUP)
    time.sleep(0.3)
    assert proc.poll() is None, proc.communicate()
    go.touch()
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert w.out.read_bytes() == (template["root"] / "plain.b.csv").read_bytes()
