"""``make calibrate`` (``tools/calibrate.py``) without the labelled data beside the clone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import REPO


def test_missing_labelled_data_is_one_line_and_nothing_written(tmp_path: Path) -> None:
    # It used to stop on a FileNotFoundError traceback from deep in the workload generator.
    out = tmp_path / "calibration.json"
    tool = REPO / "tools" / "calibrate.py"
    done = subprocess.run(
        [sys.executable, str(tool), "--shared", str(tmp_path), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"calibrate: error: {tmp_path / 'menus-nm' / 'pos' / 'products.json'}: no such file"
        " (the labelled data beside the clone, or --shared DIR)"
    )
    assert not out.exists()
