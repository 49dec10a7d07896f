"""`poslink serve` starting, loading, failing to start, several workers, stopping; its keys;
a PostgreSQL decision store."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers import EXAMPLES, poslink
from helpers.catalogs import RENAMED, renamed_catalog
from helpers.servicehelp import KEY_HEADER, Served, add_key
from poslink.exceptions import ConfigError
from poslink.service.app import create_app
from poslink.service.keys import KeyStore, key_digest
from poslink.service.settings import ServiceSettings
from poslink.store.db import DecisionStore

CATALOG = EXAMPLES / "jane/catalog.db"
GOOD = {"name": "Citrus Comet -1.0g- Sunny Valley", "category": "Usable Marijuana"}


def test_ready_and_matching_wait_for_the_index_and_health_does_not(tmp_path: Path) -> None:
    decisions = str(tmp_path / "d.db")
    key = KeyStore(DecisionStore(decisions)).add("pos")
    app = create_app(ServiceSettings(catalog=str(CATALOG), decisions=decisions))
    service = app.state.service

    async def check() -> None:
        # The app without its lifespan: the index is not loaded until load() below.
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://poslink", headers={KEY_HEADER: key}
        ) as client:
            assert (await client.get("/health")).status_code == 200
            loading = await client.get("/ready")
            assert (loading.status_code, loading.json()) == (503, {"status": "loading"})
            refused = await client.post("/v1/match", json=GOOD)
            assert refused.status_code == 503 and refused.json()["error"] == "not_ready"
            assert refused.headers["Retry-After"] == "1"
            service.load()
            assert (await client.get("/ready")).json()["status"] == "ready"
            assert (await client.post("/v1/match", json=GOOD)).json()["status"] == "matched"

    asyncio.run(check())
    service.close()


def test_single_records_arriving_together_each_get_their_own_decision(tmp_path: Path) -> None:
    decisions = str(tmp_path / "d.db")
    key = KeyStore(DecisionStore(decisions)).add("pos")
    app = create_app(ServiceSettings(catalog=str(CATALOG), decisions=decisions))
    app.state.service.load()
    matcher = app.state.service.matcher
    records = [
        {"name": r["productName"], "category": r["category"], "pos_id": r["productId"]}
        for r in json.loads((EXAMPLES / "jane/pos.json").read_text(encoding="utf-8"))
    ]

    async def send_together() -> list[dict[str, Any]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://poslink", headers={KEY_HEADER: key}
        ) as client:
            answers = await asyncio.gather(*(client.post("/v1/match", json=r) for r in records))
        return [a.json() for a in answers]

    answers = asyncio.run(send_together())
    assert app.state.coalescer.grouped > 1, "no two requests were matched together"
    for record, answer in zip(records, answers, strict=True):
        want = matcher.match_one(record["name"], record["category"], pos_id=record["pos_id"])
        assert answer["pos_id"] == str(record["pos_id"])
        assert (answer["jane_product_id"], answer["status"], answer["reason"]) == (
            want.jane_product_id,
            want.status.value,
            want.reason,
        )
    app.state.service.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_an_index_that_cannot_be_loaded_stops_the_service_with_one_line(
    tmp_path: Path, workers: int
) -> None:
    bad = tmp_path / "index.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    decisions = tmp_path / "d.db"
    add_key(decisions, "pos")
    served = Served(tmp_path, "--index", bad, "--decisions", decisions, "--workers", str(workers))
    assert served.process.wait(60) == 2
    output = served.output()
    assert f"poslink: error: {bad}: not a poslink index" in output
    assert "Traceback" not in output


def test_two_workers_serve_and_stop_together(tmp_path: Path) -> None:
    decisions = tmp_path / "d.db"
    key = add_key(decisions, "pos")
    served = Served(tmp_path, "--catalog", CATALOG, "--decisions", decisions, "--workers", "2")
    try:
        served.wait_ready(key, connections=20)  # both workers loaded, not only the first
        for _ in range(12):  # new connections: the kernel spreads them over the two sockets
            with served.client(key) as client:
                assert client.post("/v1/match", json=GOOD).json()["status"] == "matched"
        workers = children(served.process.pid)
        assert len(workers) == 2
    finally:
        code = served.stop()
    assert code == 0, served.output()
    assert "2 workers on http://127.0.0.1" in served.output()
    for pid in workers:
        assert not alive(pid), f"worker {pid} outlived the service"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid and "spawn_main" in (entry / "cmdline").read_text():
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_busy_port_is_one_line(tmp_path: Path) -> None:
    decisions = tmp_path / "d.db"
    add_key(decisions, "pos")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = poslink(
            "serve",
            "--catalog",
            CATALOG,
            "--decisions",
            decisions,
            "--port",
            str(port),
            "--workers",
            "2",
        )
    assert result.returncode == 2
    assert f"poslink: error: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_serve_needs_a_decision_store_and_something_to_serve(tmp_path: Path) -> None:
    nothing = poslink("serve", "--catalog", CATALOG)
    assert nothing.returncode == 2 and "give --decisions" in nothing.stderr
    no_index = poslink("serve", "--decisions", tmp_path / "d.db")
    assert no_index.returncode == 2 and "give an index (--index) or a catalog" in no_index.stderr
    missing = poslink("serve", "--index", tmp_path / "nope.json", "--decisions", tmp_path / "d.db")
    # A missing input is a data error, as for a run (README, exit codes).
    assert missing.returncode == 3 and "no such index file" in missing.stderr


def test_a_store_without_keys_is_warned_of(tmp_path: Path) -> None:
    decisions = tmp_path / "d.db"
    served = Served(tmp_path, "--catalog", CATALOG, "--decisions", decisions)
    try:
        deadline = time.monotonic() + 60
        while "poslink: serving" not in served.output() and time.monotonic() < deadline:
            time.sleep(0.05)
        with served.client() as client:
            assert client.get("/health").status_code == 200
            assert client.post("/v1/match", json=GOOD).status_code == 401
    finally:
        served.stop()
    assert "warning: no active API key" in served.output()


def test_keys_are_shown_once_and_stored_hashed(tmp_path: Path) -> None:
    decisions = tmp_path / "d.db"
    key = add_key(decisions, "pos-north")
    assert key.startswith("plk_") and len(key) > 40
    stored = decisions.read_bytes()
    assert key.encode() not in stored
    assert key_digest(key).encode() in stored
    listed = poslink("serve", "key", "list", "--decisions", decisions)
    assert listed.returncode == 0
    assert "pos-north" in listed.stdout and "active" in listed.stdout
    assert key not in listed.stdout and key[:10] in listed.stdout
    again = poslink("serve", "key", "add", "pos-north", "--decisions", decisions)
    assert again.returncode == 2 and "already has an active API key" in again.stderr
    revoked = poslink("serve", "key", "revoke", "pos-north", "--decisions", decisions)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    twice = poslink("serve", "key", "revoke", "pos-north", "--decisions", decisions)
    assert twice.returncode == 3 and "no active API key for 'pos-north'" in twice.stderr
    with DecisionStore(str(decisions)) as store:
        keys = KeyStore(store)
        assert [k.active for k in keys.list()] == [False]
        assert keys.active() == {}
        assert not keys.revoke("pos-north")
        renewed = keys.add("pos-north")
        assert renewed != key and keys.active() == {key_digest(renewed): "pos-north"}
        with pytest.raises(ConfigError, match="API key name"):
            keys.add("no spaces")


def test_a_postgresql_store_holds_the_keys_and_the_overrides(
    pg_database: str, tmp_path: Path
) -> None:
    key = add_key(pg_database, "pos-pg")
    served = Served(tmp_path, "--catalog", CATALOG, "--decisions", pg_database, "--refresh", "0")
    try:
        served.wait_ready(key)
        with served.client(key) as client:
            record = {**GOOD, "pos_id": "pg-1"}
            assert client.post("/v1/match", json=record).json()["status"] == "matched"
            added = poslink(
                "override", "add", "--decisions", pg_database, "--pos-id", "pg-1", "--id", "none"
            )
            assert added.returncode == 0, added.stderr
            assert client.post("/v1/match", json=record).json()["status"] == "no_match"
            poslink("serve", "key", "revoke", "pos-pg", "--decisions", pg_database)
            assert client.post("/v1/match", json=record).status_code == 401
        with httpx.Client(base_url=served.url) as anonymous:
            assert anonymous.get("/health").status_code == 200
    finally:
        served.stop()
    assert "Traceback" not in served.output()


def test_sigterm_stops_one_worker_gracefully(tmp_path: Path) -> None:
    decisions = tmp_path / "d.db"
    key = add_key(decisions, "pos")
    served = Served(tmp_path, "--catalog", CATALOG, "--decisions", decisions)
    served.wait_ready(key)
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(30)
    assert "Application shutdown complete" in served.output()


def test_a_catalog_under_other_names_is_served_and_checked(tmp_path: Path) -> None:
    # `serve` names the catalog's table and columns as `run` does, indexing it at start-up
    # or checking a saved index against it.
    renamed = renamed_catalog(tmp_path / "renamed.db", CATALOG)
    index = tmp_path / "catalog.index"
    built = poslink("index", "build", "--catalog", renamed, *RENAMED, "--out", index)
    assert built.returncode == 0, built.stderr
    decisions = tmp_path / "d.db"
    key = add_key(decisions, "pos")
    chosen: list[list[str | Path]] = [
        ["--catalog", renamed],
        ["--index", index, "--catalog", renamed],
    ]
    for given in chosen:
        served = Served(tmp_path, *given, *RENAMED, "--decisions", decisions)
        try:
            served.wait_ready(key)
            with served.client(key) as client:
                answer = client.post("/v1/match", json=GOOD).json()
            assert answer["status"] == "matched", answer
        finally:
            assert served.stop() == 0, served.output()
    alone = poslink("serve", "--index", index, *RENAMED, "--decisions", decisions)
    assert alone.returncode == 2 and "give it" in alone.stderr
