"""``python -m poslink_dev.bench ARGS``: the same as ``poslink bench ARGS`` (poslink's logging,
exit codes and signal handling), also where this package's entry point is not registered."""

from __future__ import annotations

import sys

from poslink.cli import app, main
from poslink.cli.extensions import command_names
from poslink_dev.bench.cli import bench

if __name__ == "__main__":
    if "bench" not in command_names(app):  # on sys.path without being installed
        app.command("bench")(bench)
    sys.argv[1:1] = ["bench"]
    main()
