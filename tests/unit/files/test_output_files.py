"""Where poslink writes: never over what it reads, whole or not at all, with the right mode,
synced, and straight to standard output, devices and FIFOs."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import EXAMPLE_ARGS, poslink, storehelp
from helpers.faults import gone_and_living_pids, temp_files
from helpers.storehelp import read_feed, write_feed
from poslink.files.atomic import AtomicFile, temp_name

ROOT = os.geteuid() == 0


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in a folder with its bytes (to show that nothing was touched)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A folder with the example's export, catalog and a decision store."""
    shutil.copyfile(storehelp.EXAMPLE_POS, tmp_path / "x.json")
    shutil.copyfile(storehelp.EXAMPLE_CATALOG, tmp_path / "catalog.db")
    done = poslink(
        "run", "--pos", tmp_path / "x.json", "--catalog", tmp_path / "catalog.db",
        "--out", tmp_path / "first.csv", "--decisions", tmp_path / "d.db",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (tmp_path / "link.csv").symlink_to(tmp_path / "x.json")
    return tmp_path


# (--pos, --catalog, --out, --decisions, what the error names), names in the inputs folder.
COLLISIONS = [
    ("x.json", "catalog.db", "x.json", None, "--out"),
    ("x.json", "catalog.db", "catalog.db", None, "is the --catalog file"),
    ("x.json", "catalog.db", "d.db", "d.db", "is the --decisions file"),
    ("x.json", "catalog.db", "o.csv", "catalog.db", "--decisions"),
    # --out x.csv writes x.rejects.csv beside it: here, the export
    ("x.rejects.csv", "catalog.db", "x.csv", None, "the rejects file of --out"),
    ("x.json", "catalog.db", "link.csv", None, "is the --pos file"),  # a link to the export
    ("x.json", "catalog.db", "sub/../x.json", None, "is the --pos file"),
]


@pytest.mark.parametrize(("pos", "catalog", "out", "store", "names"), COLLISIONS)
def test_an_output_over_an_input_is_refused_with_nothing_touched(
    inputs: Path, pos: str, catalog: str, out: str, store: str | None, names: str
) -> None:
    (inputs / "sub").mkdir(exist_ok=True)
    if pos == "x.rejects.csv":
        (inputs / pos).write_bytes((inputs / "x.json").read_bytes())
    before = snapshot(inputs)
    args: list[str | Path] = ["run", "--pos", inputs / pos, "--catalog", inputs / catalog]
    args += ["--out", inputs / out]
    if store:
        args += ["--decisions", inputs / store]
    result = poslink(*args)
    assert result.returncode == 2, result.stderr
    assert names in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(inputs) == before  # not one file written, changed or added


def test_out_naming_a_directory_is_refused(inputs: Path) -> None:
    folder = inputs / "results"
    folder.mkdir()
    result = poslink("run", *EXAMPLE_ARGS, "--out", folder)
    assert result.returncode == 2
    assert "is a directory" in result.stderr and "Traceback" not in result.stderr
    assert list(folder.iterdir()) == [] and temp_files(inputs) == []


@pytest.mark.parametrize("out", ["x.json/o.csv", "x.json/sub/o.csv"])
def test_out_under_a_file_says_the_file_is_no_directory(inputs: Path, out: str) -> None:
    before = snapshot(inputs)
    result = poslink("run", *EXAMPLE_ARGS, "--out", inputs / out)
    assert result.returncode == 4, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert f"cannot write output: {inputs / 'x.json'} is a file, not a directory" in lines[0]
    assert snapshot(inputs) == before and temp_files(inputs) == []


def test_dash_is_standard_output_and_the_summary_goes_to_stderr(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("poslink")), "run", *map(str, EXAMPLE_ARGS),
         "--out", "-"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("match_status,match_source") and len(lines) == 30
    assert "29 records" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file named "-", no rejects file


def test_dev_stdout_is_written_straight(tmp_path: Path) -> None:
    result = poslink("run", *EXAMPLE_ARGS, "--out", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 30 and "29 records" in result.stderr


def test_a_fifo_is_written_straight(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = poslink("run", *EXAMPLE_ARGS, "--out", fifo)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got and got[0].count(b"\r\n") == 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


@pytest.mark.skipif(not ROOT, reason="creating a device node needs root (CI runs as root)")
def test_a_device_is_written_straight_never_replaced(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    result = poslink("run", *EXAMPLE_ARGS, "--out", null)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no rejects file beside it


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_output_gets_the_mode_of_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    out = tmp_path / "o.csv"
    exe = str(Path(sys.executable).with_name("poslink"))
    args = [exe, "run", *map(str, EXAMPLE_ARGS), "--out", str(out)]
    result = subprocess.run(args, capture_output=True, text=True, umask=umask, check=False)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "o.rejects.csv").stat().st_mode) == mode


def test_an_output_written_again_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    out.write_text("earlier\n")
    out.chmod(0o640)
    assert poslink("run", *EXAMPLE_ARGS, "--out", out).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and out.read_text() != "earlier\n"


def test_a_link_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "target.csv"
    target.write_text("earlier\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert poslink("run", *EXAMPLE_ARGS, "--out", link).returncode == 0
    assert link.is_symlink() and target.read_text().startswith("category,")


def test_the_file_then_its_folder_are_synced_around_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        kind = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        events.append(f"fsync {kind} {os.readlink(f'/proc/self/fd/{fd}')}")
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        events.append(f"rename {dst}")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    out = AtomicFile(tmp_path / "o.csv")
    out.open().write("a,b\r\n")
    out.commit()
    assert events[1:] == [f"rename {tmp_path / 'o.csv'}", f"fsync folder {tmp_path}"]
    assert events[0].startswith(f"fsync file {tmp_path}/.o.csv.poslink-")
    assert (tmp_path / "o.csv").read_bytes() == b"a,b\r\n"


def test_stale_temporary_files_are_removed_only_when_their_process_is_gone(
    tmp_path: Path,
) -> None:
    out = tmp_path / "o.csv"
    with gone_and_living_pids() as (gone, living):
        dead = tmp_path / temp_name(out, gone)
        alive = tmp_path / temp_name(out, living)
        elsewhere = tmp_path / f".o.csv.poslink-otherhost-{gone}-0a0b0c0d.tmp"
        unrelated = tmp_path / ".o.csv.something.tmp"
        for path in (dead, alive, elsewhere, unrelated):
            path.write_text("partial")
        assert poslink("run", *EXAMPLE_ARGS, "--out", out).returncode == 0
        left = sorted(p.name for p in tmp_path.iterdir())
        assert dead.name not in left
        assert {alive.name, elsewhere.name, unrelated.name} <= set(left)
    assert socket.gethostname()  # the host named in a temporary file is this one's


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (root only), unmounted afterwards."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.skipif(not ROOT, reason="a full disk is a small tmpfs, which needs root to mount")
def test_a_full_disk_is_one_line_exit_4_and_nothing_left(tmp_path: Path) -> None:
    feed = read_feed()
    big = write_feed(tmp_path / "big.json", [{**feed[i % 28], "productId": i} for i in range(3000)])
    with tiny_disk(tmp_path / "disk", "64k") as disk:
        out = disk / "o.csv"
        out.write_text("earlier\n")
        result = poslink("run", "--pos", big, "--catalog", storehelp.EXAMPLE_CATALOG,
                         "--out", out)  # fmt: skip
        assert result.returncode == 4, result.stderr
        assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert out.read_text() == "earlier\n"
        assert sorted(p.name for p in disk.iterdir()) == ["o.csv"]  # no temporary file left


def test_a_killed_spark_runs_parts_directory_is_removed_too(tmp_path: Path) -> None:
    # The Spark engine names its temporary parts directory as this module names files.
    out = tmp_path / "o.csv"
    gone = subprocess.Popen(["true"])
    gone.wait()
    parts = tmp_path / temp_name(out, gone.pid)
    parts.mkdir()
    (parts / "part-00000-x.csv").write_text("partial")
    assert poslink("run", *EXAMPLE_ARGS, "--out", out).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv", "o.rejects.csv"]
