"""Several worker processes on one port, each with its own listening socket (SO_REUSEPORT).

uvicorn's own ``--workers`` shares one listening socket: the first process to wake takes
every connection waiting, so a few long-lived client connections (an integration's pool)
can all land on one process while the others idle (measured: a batch load on two workers
ran on one). With a socket per process bound with ``SO_REUSEPORT``, the kernel spreads new
connections over the processes. The supervisor here starts one uvicorn server per socket,
starts a process again when it dies, stops them all on SIGINT or SIGTERM, and stops at once
when one could not start (its index could not be loaded).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading
from typing import Any

from poslink.exceptions import ConfigError

log = logging.getLogger("poslink.service")

# uvicorn's exit code for a server that failed to start (``uvicorn.config.STARTUP_FAILURE``).
STARTUP_FAILURE = 3
_GRACE_SECONDS = 15.0


def listening_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` that other processes may bind too."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except (OSError, AttributeError) as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc}") from exc
    sock.set_inheritable(True)
    return sock


def _serve_one(app: str, options: dict[str, Any], sock: socket.socket) -> None:
    """One worker process: a uvicorn server on its own socket."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, factory=True, **options))
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def supervise(app: str, host: str, port: int, workers: int, options: dict[str, Any]) -> bool:
    """Serve ``app`` with ``workers`` processes until SIGINT or SIGTERM; False when a worker
    could not start (and so the service stopped)."""
    sockets = [listening_socket(host, port) for _ in range(workers)]
    context = multiprocessing.get_context("spawn")  # fresh processes, as uvicorn's workers
    stop = threading.Event()
    failed = False

    def start(i: int) -> Any:
        process = context.Process(
            target=_serve_one, args=(app, options, sockets[i]), name=f"poslink-worker-{i}"
        )
        process.start()
        return process

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    processes = [start(i) for i in range(workers)]
    log.info("poslink: %d workers on http://%s:%d", workers, host, port)
    try:
        while not stop.wait(0.5):
            for i, process in enumerate(processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("worker [%s] could not start; stopping", process.pid)
                    failed = True
                    stop.set()
                    break
                log.warning(
                    "worker [%s] died (exit code %s); starting another",
                    process.pid,
                    process.exitcode,
                )
                processes[i] = start(i)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for process in processes:
            process.join(_GRACE_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        for sock in sockets:
            sock.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return not failed
