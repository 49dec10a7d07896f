"""A real `poslink serve` for the tests: a subprocess on 127.0.0.1, a free port, stopped after."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from helpers import poslink
from poslink_dev.bench.service import terminate

KEY_HEADER = "X-API-Key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_key(decisions: str | Path, name: str) -> str:
    """A new API key for ``name``, made with the CLI as a user makes one."""
    made = poslink("serve", "key", "add", name, "--decisions", decisions)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


class Served:
    """``poslink serve ARGS`` on a free port of 127.0.0.1."""

    def __init__(self, folder: Path, *args: str | Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        exe = Path(sys.executable).with_name("poslink")
        self.log = folder / f"serve-{self.port}.log"
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
        with self.log.open("wb") as handle:
            self.process = subprocess.Popen(
                [str(exe), "serve", "--port", str(self.port), *map(str, args)],
                stdout=handle,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {KEY_HEADER: key} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def wait_ready(self, key: str, timeout: float = 60, connections: int = 1) -> None:
        """Until /ready answers 200 on ``connections`` new connections in a row; fails when the
        process ends first. With several workers each connection may reach another worker
        (the kernel spreads them): 20 in a row all but rule out a worker still loading."""
        deadline = time.monotonic() + timeout
        in_a_row = 0
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            with self.client(key) as client:
                try:
                    ready = client.get("/ready").status_code == 200
                except httpx.TransportError:
                    ready = False
            in_a_row = in_a_row + 1 if ready else 0
            if in_a_row >= connections:
                return
            if not ready:
                time.sleep(0.05)
        raise AssertionError(f"not ready after {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """SIGTERM, as a container runtime stops it; the exit code."""
        return terminate(self.process)
