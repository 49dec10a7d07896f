"""The HTTP service's part of ``poslink bench``: start-up, single records, batches.

Against a generated catalog (100,000 products in the full run) and its distinct feed, with
the index saved by ``poslink index build``, each measure starts ``poslink serve`` afresh (cold
caches: no record is answered from an earlier measure's cache), warms it up on records from
the end of the feed that the measure does not send, then loads it from this process with
``loadgen`` over loopback, and stops it:

- start-up: one worker, from the process's start to the first 200 from ``/ready``;
- single records, the most a client gets: ``closed_loop``, 8 requests at a time;
- single records at a fixed rate (1,000 requests/s): ``open_loop``, latency from each
  request's scheduled start;
- batches of 500 records: ``closed_loop``, 4 requests at a time.

The client uses 16 connections in turn (as a client library's pool does), which the kernel
spreads over the server's processes. Since the client shares the machine with the server
(and, on a shared machine, so do others), each measure also reports the CPU seconds the
server's processes used: records per CPU-second is what a free core would give. Every
measure is bounded in time and requests and stops by itself.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from poslink.engines.forks import available_cores
from poslink_dev.bench.generated import Case, ensure_workload, measure, tree_memory
from poslink_dev.bench.loadgen import Outcome, closed_loop, open_loop, request_bytes

HOST = "127.0.0.1"
BATCH = 500
RATE = 1_000.0
# The client's connections, used in turn: the kernel spreads them over the server's processes.
CONNECTIONS = 16
# Targets on a 2-core machine with the 100k-product catalog.
TARGET_P99_MS = 20.0
TARGET_BATCH_RATE = 20_000.0
TARGET_STARTUP_S = 3.0
_CATALOG = 100_000


def available() -> bool:
    """Whether the service's dependencies are installed (``pip install 'poslink[serve]'``)."""
    return all(importlib.util.find_spec(m) is not None for m in ("fastapi", "uvicorn"))


def service_case(cases: list[Case]) -> Case:
    """The case served: the distinct feed against the 100k-product catalog, or the largest
    distinct one of a smaller set."""
    distinct = [c for c in cases if not c.repetition and c.products <= _CATALOG] or cases
    return max(distinct, key=lambda c: (c.products, c.records))


@dataclass(frozen=True)
class ServiceResult:
    """What the service part measured."""

    case: Case
    workers: int
    seconds: float  # each load measure's length
    batch_size: int
    startup_s: float
    most: Outcome
    at_rate: Outcome
    batches: Outcome
    memory_mb: tuple[float, float]  # the server's processes after a load, summed: RSS, PSS
    cores: int
    load_before: float
    load_after: float

    def misses(self) -> list[str]:
        """The targets missed, with the figures (the full run's catalog only)."""
        if self.case.products < _CATALOG:
            return []
        out = []
        if self.startup_s >= TARGET_STARTUP_S:
            out.append(f"start-up to ready {self.startup_s:.2f} s >= {TARGET_STARTUP_S:g} s")
        p99 = self.at_rate.percentile(99)
        if self.at_rate.rate < RATE * 0.98 or p99 > TARGET_P99_MS:
            out.append(
                f"single records: p99 {p99:.1f} ms at {self.at_rate.rate:,.0f} requests/s "
                f"(target p99 <= {TARGET_P99_MS:g} ms at {RATE:,.0f}/s)"
            )
        if self.batches.item_rate < TARGET_BATCH_RATE:
            out.append(
                f"batches: {self.batches.item_rate:,.0f} records/s < {TARGET_BATCH_RATE:,.0f}"
            )
        return out

    def lines(self) -> list[str]:
        """The Markdown lines of the benchmark document."""

        def lat(o: Outcome) -> str:
            return (
                f"p50 {o.percentile(50):.1f} ms, p95 {o.percentile(95):.1f} ms, "
                f"p99 {o.percentile(99):.1f} ms, max {o.percentile(100):.0f} ms"
            )

        def refused(o: Outcome) -> str:
            bad = sum(n for s, n in o.statuses.items() if s != 200) + o.failures
            return f"; **{bad} not answered 200**" if bad else ""

        def cpu(o: Outcome) -> str:
            per = o.items / o.server_cpu if o.server_cpu else 0.0
            return (
                f"; the server used {o.server_cpu:.1f} CPU-s of {o.seconds * self.cores:.0f} "
                f"({per:,.0f} records per CPU-second)"
            )

        return [
            f"- {self.case.label}: `poslink serve --index` with {self.workers} workers, "
            f"loads of {self.seconds:g} s from one client process over loopback "
            f"({CONNECTIONS} connections used in turn); "
            f"load average {self.load_before:.2f} before, {self.load_after:.2f} after.",
            f"- start-up to ready (saved index, 1 worker): **{self.startup_s:.2f} s** "
            f"(target < {TARGET_STARTUP_S:g} s).",
            f"- single records at {RATE:,.0f} requests/s: **{self.at_rate.rate:,.0f}/s** "
            f"served, {lat(self.at_rate)}{refused(self.at_rate)}{cpu(self.at_rate)} "
            f"(target p99 <= {TARGET_P99_MS:g} ms).",
            f"- single records, 8 at a time back to back: **{self.most.rate:,.0f} "
            f"requests/s**, {lat(self.most)}{refused(self.most)}{cpu(self.most)}.",
            f"- batches of {self.batch_size}, 4 at a time: "
            f"**{self.batches.item_rate:,.0f} records/s** "
            f"({self.batches.rate:,.1f} requests/s), {lat(self.batches)}"
            f"{refused(self.batches)}{cpu(self.batches)} "
            f"(target >= {TARGET_BATCH_RATE:,.0f} records/s).",
            f"- memory of the server's processes after a load, summed: "
            f"RSS {self.memory_mb[0]:,.0f} MB, PSS {self.memory_mb[1]:,.0f} MB.",
        ]


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) used so far by a process and its live descendants
    (Linux /proc; 0 elsewhere)."""
    total, todo = 0, [pid]
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, ValueError, IndexError):
            continue
        todo.extend(int(c) for c in children)
    return total / tick


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class _Server:
    """``poslink serve`` in a subprocess, on a free loopback port."""

    def __init__(self, index: Path, decisions: Path, workers: int, log: Path) -> None:
        self.port = _free_port()
        command = [
            sys.executable,
            "-c",
            "from poslink.cli import main; main()",
            "serve",
            "--index",
            str(index),
            "--decisions",
            str(decisions),
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--public-ready",
        ]
        self.started = time.perf_counter()
        with log.open("ab") as handle:
            self.process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
        self.log = log

    def wait_ready(self, in_a_row: int = 1, timeout: float = 120.0) -> float:
        """Seconds from the start to ``in_a_row`` 200s in a row from /ready, each on a new
        connection (so, with several workers, most likely from each of them)."""
        probe = request_bytes("GET", "/ready", None, {})
        deadline = self.started + timeout
        ready = 0
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"poslink serve stopped: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as sock:
                    sock.sendall(probe)
                    ok = sock.recv(64).startswith(b"HTTP/1.1 200")
            except OSError:
                ok = False
            ready = ready + 1 if ok else 0
            if ready >= in_a_row:
                return time.perf_counter() - self.started
            if not ok:
                time.sleep(0.01)
        raise RuntimeError(f"poslink serve not ready after {timeout:g} s")

    def stop(self) -> None:
        """Stop the server (``terminate``)."""
        terminate(self.process)


def terminate(process: subprocess.Popen[bytes], grace: float = 30.0) -> int:
    """SIGTERM, as a container runtime stops a service, then a kill if it lingers; the
    exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def _requests(
    records: list[dict[str, Any]], key: str, size: int
) -> tuple[list[tuple[bytes, int]], list[tuple[bytes, int]]]:
    """Each record as a single request, and the records in whole batches of ``size``."""
    headers = {"X-API-Key": key}
    singles = [(request_bytes("POST", "/v1/match", r, headers), 1) for r in records]
    batches = [
        (
            request_bytes("POST", "/v1/match/batch", {"records": records[i : i + size]}, headers),
            size,
        )
        for i in range(0, len(records) - size + 1, size)
    ]
    return singles, batches


def _feed(pos: Path) -> list[dict[str, Any]]:
    from poslink.records import PosRecord
    from poslink.sources.jane_json import JaneJsonSource

    return [
        {"name": r.name, "category": r.category}
        for r in JaneJsonSource(pos).records()
        if isinstance(r, PosRecord)
    ]


def run(
    case: Case, work: Path, kushy: Path, *, workers: int = 2, seconds: float | None = None
) -> ServiceResult:
    """Measure the service on the case's workload (generated, and its index built, if new)."""
    from poslink.service.keys import KeyStore
    from poslink.store.db import DecisionStore

    folder = ensure_workload(case, work, kushy)
    index = folder / "index.json"
    if not index.exists():
        measure(["index", "build", "--catalog", folder / "catalog.db", "--out", index])
    if seconds is None:
        seconds = 10.0 if case.products >= _CATALOG else 1.0
    records = _feed(folder / "pos.json")
    # The last records warm each server up; the measures send the others, from the first.
    reserve = max(len(records) // 10, 1)
    measured, warm = records[:-reserve] or records, records[-reserve:]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="poslink-bench-serve-") as tmp:
        decisions = Path(tmp) / "decisions.db"
        with DecisionStore(str(decisions)) as store:
            key = KeyStore(store).add("bench")
        size = min(BATCH, len(measured))
        singles, batches = _requests(measured, key, size)
        warm_singles, _ = _requests(warm, key, 1)
        log = Path(tmp) / "serve.log"
        memory: list[tuple[float, float]] = []  # (RSS, PSS) MB of the server after a measure

        def serving(n: int, load: Any) -> Outcome:
            server = _Server(index, decisions, n, log)
            try:
                server.wait_ready(in_a_row=10 * n)
                warm = min(1.0, seconds / 5)
                warm_up = open_loop(HOST, server.port, warm_singles, rate=RATE, duration=warm)
                asyncio.run(warm_up)
                cpu = tree_cpu_seconds(server.process.pid)
                found: Outcome = asyncio.run(load(server.port))
                found.server_cpu = tree_cpu_seconds(server.process.pid) - cpu
                rss, pss = tree_memory(server.process.pid)
                memory.append((rss / 1024, pss / 1024))
                return found
            finally:
                server.stop()

        start = _Server(index, decisions, 1, log)
        try:
            startup = start.wait_ready()
        finally:
            start.stop()
        at_rate = serving(
            workers,
            lambda port: open_loop(HOST, port, singles, rate=RATE, duration=seconds),
        )
        most = serving(
            workers,
            lambda port: closed_loop(
                HOST,
                port,
                singles,
                concurrency=8,
                connections=CONNECTIONS,
                duration=seconds,
                limit=len(singles),
            ),
        )
        batched = serving(
            workers,
            lambda port: closed_loop(
                HOST,
                port,
                batches,
                concurrency=4,
                connections=CONNECTIONS,
                duration=seconds,
                limit=len(batches),
            ),
        )
    return ServiceResult(
        case,
        workers,
        seconds,
        size,
        startup,
        most,
        at_rate,
        batched,
        max(memory),
        available_cores(),
        load_before,
        os.getloadavg()[0],
    )


def lines(cases: list[Case], work: Path, kushy: Path) -> list[str]:
    """The service part of ``poslink bench``: its Markdown lines and any target missed."""
    if not available():
        return ["", "HTTP service: not measured (pip install 'poslink[serve]')."]
    result = run(service_case(cases), work, kushy)
    out = ["", "## HTTP service (`poslink serve`)", "", *result.lines()]
    out += [f"- target missed: {miss}" for miss in result.misses()]
    return out
