"""A real headless Chromium for the console's tests and screenshots, and a console to point it at.

Debian's ``chromium`` and ``chromedriver`` (``.ci/ensure-chromium`` installs them), driven by
Selenium with an explicit driver path (Selenium never downloads one); a fresh profile per
browser, no background networking. ``Console`` runs ``poslink console`` as a user would, on a
free port of 127.0.0.1, and stops it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def chromium(width: int = 1360, height: int = 900) -> Iterator[webdriver.Chrome]:
    """A headless Chromium (fails, never skips, when it is not installed)."""
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert binary and driver, "chromium / chromedriver missing: run `bash .ci/ensure-chromium`"
    profile = tempfile.mkdtemp(prefix="poslink-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-extensions",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    browser = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def add_user(decisions: str, name: str, role: str, password: str = PASSWORD) -> None:
    """``poslink console user add`` with the password on standard input."""
    exe = Path(sys.executable).with_name("poslink")
    result = subprocess.run(
        [str(exe), "console", "user", "add", name, "--role", role, "--decisions", decisions,
         "--password-stdin"],
        input=password + "\n", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@contextmanager
def console(decisions: str, catalog: str | Path) -> Iterator[str]:
    """``poslink console`` on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    exe = Path(sys.executable).with_name("poslink")
    process = subprocess.Popen(
        [str(exe), "console", "--decisions", decisions, "--catalog", str(catalog),
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    raise AssertionError(f"poslink console did not start:\n{output}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
