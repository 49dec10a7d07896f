"""The installed ``poslink`` command run as a user runs it, and POS files it must refuse."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

# ``poslink run ARGS`` on some engine (the ``run_poslink`` fixture).
Runner = Callable[..., subprocess.CompletedProcess[str]]


def poslink(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``poslink`` command the way a user would (``env``: extra variables)."""
    exe = Path(sys.executable).with_name("poslink")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


# POS files that cannot be read at all, with what the error must say.
BAD_POS_FILES = [
    (None, "no such file"),
    ("[{", "invalid JSON at line 1 column 3"),
    ('{"a": 1}', "expected a JSON array"),
]


def bad_pos_file(folder: Path, content: str | None) -> tuple[Path, Path]:
    """``pos.json`` with ``content`` (none: no file) and an earlier output that must survive."""
    pos = folder / "pos.json"
    if content is not None:
        pos.write_text(content, encoding="utf-8")
    out = folder / "out.csv"
    out.write_text("earlier output\n")
    return pos, out
