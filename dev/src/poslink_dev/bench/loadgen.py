"""A small HTTP/1.1 load generator for the service's benchmark: loopback only, bounded.

It sends prepared requests over keep-alive connections with asyncio streams, doing as little
per request as it can (a general HTTP client costs several times the CPU), because on a
2-core machine the generator shares the cores with the server it measures.

- ``open_loop``: requests start on a fixed schedule (``rate`` per second), whether or not
  earlier ones were answered; a request's latency runs from its scheduled start, so time
  spent waiting for a free connection counts (no "coordinated omission").
- ``closed_loop``: ``concurrency`` clients each send the next request as soon as the last
  is answered: the most the server can do.

Both stop by themselves: after ``duration`` seconds or ``limit`` requests, whichever first,
and give up on a request after ``timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Outcome", "closed_loop", "open_loop", "request_bytes"]


def request_bytes(method: str, path: str, body: object | None, headers: dict[str, str]) -> bytes:
    """One HTTP/1.1 request, ready to write."""
    payload = b"" if body is None else json.dumps(body).encode()
    lines = [f"{method} {path} HTTP/1.1", "Host: poslink"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


@dataclass
class Outcome:
    """What a load run measured."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, of answered requests
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int = 0  # no answer: connection errors and time-outs
    errors: Counter[str] = field(default_factory=Counter)  # the failures, by kind
    items: int = 0  # records matched (a batch counts its records)
    server_cpu: float = 0.0  # CPU seconds the server used meanwhile, when measured

    @property
    def answered(self) -> int:
        """Requests answered with 200."""
        return self.statuses[200]

    @property
    def rate(self) -> float:
        """Requests answered with 200, per second."""
        return self.answered / self.seconds if self.seconds else 0.0

    @property
    def item_rate(self) -> float:
        """Records matched per second."""
        return self.items / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile latency (nearest rank), in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))
        return ordered[rank] * 1000


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    def close(self) -> None:
        self.writer.close()


def _check_loopback(host: str) -> None:
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"the load generator sends to this machine only, not {host}")


class _Pool:
    """Keep-alive connections, opened as needed up to ``size``."""

    def __init__(self, host: str, port: int, size: int) -> None:
        _check_loopback(host)
        self.host, self.port, self.size = host, port, size
        self.idle: list[_Connection] = []
        self.opened = 0
        self.freed = asyncio.Condition()

    async def take(self) -> _Connection:
        async with self.freed:
            while not self.idle and self.opened >= self.size:
                await self.freed.wait()
            if self.idle:
                # The longest idle first: every connection (and so every server process
                # that accepted one) gets its share of the requests.
                return self.idle.pop(0)
            self.opened += 1
        try:
            return _Connection(*await asyncio.open_connection(self.host, self.port))
        except BaseException:
            await self.give(None)
            raise

    async def give(self, conn: _Connection | None) -> None:
        async with self.freed:
            if conn is None:
                self.opened -= 1
            else:
                self.idle.append(conn)
            self.freed.notify()

    def close(self) -> None:
        for conn in self.idle:
            conn.close()


async def _one(
    pool: _Pool, raw: bytes, items: int, started: float, timeout: float, out: Outcome
) -> None:
    conn = None
    try:
        async with asyncio.timeout(timeout):
            for attempt in (1, 2):
                conn = await pool.take()
                try:
                    status, _ = await conn.send(raw)
                    break
                except (ConnectionError, asyncio.IncompleteReadError):
                    # The server closes a connection idle for its keep-alive time-out; a
                    # client then sends again on a new one, as HTTP clients do.
                    conn.close()
                    await pool.give(None)
                    conn = None
                    if attempt == 2:
                        raise
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
        out.failures += 1
        out.errors[type(exc).__name__] += 1
        if conn is not None:
            conn.close()
            await pool.give(None)
        return
    out.statuses[status] += 1
    if status == 200:
        out.latencies.append(time.perf_counter() - started)
        out.items += items
    await pool.give(conn)


async def open_loop(
    host: str,
    port: int,
    requests: Sequence[tuple[bytes, int]],
    *,
    rate: float,
    duration: float,
    connections: int = 64,
    timeout: float = 10.0,
) -> Outcome:
    """Send ``requests`` (raw bytes, records each) in turn at ``rate`` per second."""
    pool, out, tasks = _Pool(host, port, connections), Outcome(), set()
    start = time.perf_counter()
    limit = int(rate * duration)
    for i in range(limit):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        raw, items = requests[i % len(requests)]
        task = asyncio.create_task(_one(pool, raw, items, due, timeout, out))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=timeout)
    out.seconds = time.perf_counter() - start
    pool.close()
    return out


async def closed_loop(
    host: str,
    port: int,
    requests: Sequence[tuple[bytes, int]],
    *,
    concurrency: int,
    duration: float,
    connections: int | None = None,
    limit: int = 1_000_000,
    timeout: float = 10.0,
) -> Outcome:
    """``concurrency`` clients sending ``requests`` back to back for ``duration`` seconds,
    over a pool of ``connections`` (default: one each) used in turn, as a client library's
    pool is: the server's processes each get the share of the connections the kernel gave
    them."""
    pool, out = _Pool(host, port, max(connections or concurrency, concurrency)), Outcome()
    start = time.perf_counter()
    stop = start + duration
    counter = iter(range(limit))

    async def client() -> None:
        for i in counter:
            now = time.perf_counter()
            if now >= stop:
                return
            raw, items = requests[i % len(requests)]
            await _one(pool, raw, items, now, timeout, out)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    out.seconds = time.perf_counter() - start
    pool.close()
    return out
