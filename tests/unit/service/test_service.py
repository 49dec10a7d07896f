"""`poslink serve`: a real uvicorn server on 127.0.0.1, a real decision store, real requests."""

from __future__ import annotations

import json
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import poslink
from helpers import EXAMPLES
from helpers import poslink as run_cli
from helpers.servicehelp import Served, add_key

CATALOG = EXAMPLES / "jane/catalog.db"
RECORDS = json.loads((EXAMPLES / "jane/pos.json").read_text(encoding="utf-8"))
MAX_BODY = 64 * 1024
MAX_BATCH = 50


class Service:
    """The module's server, its decision store and its key."""

    def __init__(self, served: Served, decisions: Path, key: str) -> None:
        self.served = served
        self.decisions = decisions
        self.key = key

    def client(self, key: str | None = "") -> httpx.Client:
        return self.served.client(self.key if key == "" else key)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("serve")
    index = folder / "index.json"
    built = run_cli("index", "build", "--catalog", CATALOG, "--out", index)
    assert built.returncode == 0, built.stderr
    decisions = folder / "decisions.db"
    key = add_key(decisions, "pos-north")
    served = Served(
        folder,
        "--index",
        index,
        "--catalog",
        CATALOG,
        "--decisions",
        decisions,
        "--refresh",
        "0",
        "--max-body",
        str(MAX_BODY),
        "--max-batch",
        str(MAX_BATCH),
    )
    try:
        served.wait_ready(key)
        yield Service(served, decisions, key)
    finally:
        # uvicorn ends the way the signal asked, after a graceful shutdown
        assert served.stop() in (0, -signal.SIGTERM), served.output()
    assert "Finished server process" in served.output()
    assert "Traceback" not in served.output()


@pytest.fixture(scope="module")
def matcher() -> poslink.Matcher:
    return poslink.Matcher.from_catalog(CATALOG)


def record_of(raw: dict[str, Any]) -> dict[str, Any]:
    return {"name": raw["productName"], "category": raw["category"], "pos_id": raw["productId"]}


def expected(matcher: poslink.Matcher, record: dict[str, Any]) -> dict[str, Any]:
    found = matcher.match_one(
        record["name"], record.get("category") or "", pos_id=record.get("pos_id")
    )
    out: dict[str, Any] = {
        "jane_product_id": found.jane_product_id,
        "score": found.score,
        "status": found.status.value,
        "reason": found.reason,
    }
    if record.get("pos_id") is not None:
        out["pos_id"] = str(record["pos_id"])
    return out


ROUTES = [
    ("GET", "/ready", None),
    ("POST", "/v1/match", {"name": "Citrus Comet"}),
    ("POST", "/v1/match/batch", {"records": [{"name": "Citrus Comet"}]}),
    ("GET", "/v1/explain?name=Citrus%20Comet", None),
    ("GET", "/openapi.json", None),
    ("GET", "/no-such-route", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_but_health_refuses_a_missing_or_wrong_key(
    service: Service, method: str, path: str, body: Any
) -> None:
    for key, says in ((None, "missing API key"), ("plk_wrong", "unknown or revoked")):
        with service.client(key) as client:
            answer = client.request(method, path, json=body)
        assert answer.status_code == 401
        assert answer.json()["error"] == "unauthorized"
        assert says in answer.json()["detail"]
    with service.client(None) as client:
        assert client.get("/health").json() == {"status": "ok"}
        assert client.head("/health").status_code == 200  # as uptime checkers probe


def test_ready_says_what_is_served(service: Service, matcher: poslink.Matcher) -> None:
    with service.client() as client:
        ready = client.get("/ready").json()
        assert client.head("/ready").status_code == 200
    assert ready["status"] == "ready"
    assert ready["products"] == len(matcher)
    assert ready["catalog_version"] == matcher.catalog_version


def test_each_record_gets_the_python_api_decision(
    service: Service, matcher: poslink.Matcher
) -> None:
    with service.client() as client:
        for raw in RECORDS:
            record = record_of(raw)
            answer = client.post("/v1/match", json=record)
            if not raw["productName"].strip():
                assert answer.status_code == 200
                assert answer.json()["status"] == "rejected"
                continue
            assert answer.status_code == 200, answer.text
            assert answer.json() == expected(matcher, record)


def test_a_batch_gets_one_decision_per_record_in_order(
    service: Service, matcher: poslink.Matcher
) -> None:
    records = [record_of(raw) for raw in RECORDS]
    with service.client() as client:
        answer = client.post("/v1/match/batch", json={"records": records})
    assert answer.status_code == 200, answer.text
    matches = answer.json()["matches"]
    assert [m["pos_id"] for m in matches] == [str(r["pos_id"]) for r in records]
    assert matches == [expected(matcher, r) for r in records]
    statuses = {m["status"] for m in matches}
    assert statuses == {"matched", "no_match", "ambiguous", "rejected"}


def test_explain_is_the_python_explanation(service: Service, matcher: poslink.Matcher) -> None:
    query = {"name": "Citrus Comet Sunny Valley", "category": "Usable Marijuana", "top": "3"}
    with service.client() as client:
        answer = client.get("/v1/explain", params=query)
    assert answer.status_code == 200, answer.text
    want = matcher.explain(query["name"], query["category"], top=3).as_dict()
    assert answer.json() == json.loads(json.dumps(want))


def test_the_openapi_document_describes_the_routes(service: Service) -> None:
    with service.client() as client:
        doc = client.get("/openapi.json").json()
    assert {"/health", "/ready", "/v1/match", "/v1/match/batch", "/v1/explain"} <= set(doc["paths"])
    schemas = doc["components"]["schemas"]
    assert set(schemas["RecordIn"]["properties"]) >= {"name", "category", "brand", "pos_id"}
    assert schemas["RecordIn"]["additionalProperties"] is False
    assert schemas["BatchIn"]["properties"]["records"]["maxItems"] == MAX_BATCH
    assert "401" in doc["paths"]["/v1/match"]["post"]["responses"]


def chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), 8192):
        yield data[start : start + 8192]


GOOD = {"name": "Citrus Comet -1.0g- Sunny Valley", "category": "Usable Marijuana"}
JSON = {"Content-Type": "application/json"}
# (name, method, path, body bytes or JSON, extra headers, status, error code, detail part)
BAD: list[tuple[str, str, str, Any, dict[str, str], int, str, str]] = [
    ("truncated JSON", "POST", "/v1/match", b'{"name": "x"', JSON, 400, "malformed_json", "JSON"),
    ("not JSON", "POST", "/v1/match", b"name=x", JSON, 400, "malformed_json", "JSON"),
    ("bad UTF-8", "POST", "/v1/match", b'{"name": "\xff\xfe"}', JSON, 400, "malformed", "UTF-8"),
    ("deep nesting", "POST", "/v1/match", b"[" * 60_000, JSON, 400, "malformed_json", "deep"),
    ("an array", "POST", "/v1/match", [GOOD], {}, 422, "invalid_record", "JSON object"),
    ("no body", "POST", "/v1/match", None, {}, 422, "invalid_record", "no body"),
    ("no name", "POST", "/v1/match", {"category": "x"}, {}, 422, "invalid_record", "name"),
    ("null name", "POST", "/v1/match", {"name": None}, {}, 422, "invalid_record", "name"),
    ("empty name", "POST", "/v1/match", {"name": ""}, {}, 422, "invalid_record", "name"),
    ("number name", "POST", "/v1/match", {"name": 7}, {}, 422, "invalid_record", "name"),
    ("long name", "POST", "/v1/match", {"name": "x" * 5000}, {}, 422, "invalid_record", "name"),
    (
        "unknown field",
        "POST",
        "/v1/match",
        {**GOOD, "colour": "green"},
        {},
        422,
        "invalid_record",
        "colour: not a known field",
    ),
    (
        "text body",
        "POST",
        "/v1/match",
        json.dumps(GOOD).encode(),
        {"Content-Type": "text/plain"},
        422,
        "invalid_record",
        "Content-Type",
    ),
    (
        "oversized",
        "POST",
        "/v1/match",
        {"name": "x", "category": "y" * MAX_BODY},
        {},
        413,
        "body_too_large",
        "limit",
    ),
    (
        "oversized, chunked",
        "POST",
        "/v1/match",
        chunks(json.dumps({"name": "x", "category": "y" * MAX_BODY}).encode()),
        JSON,
        413,
        "body_too_large",
        "limit",
    ),
    (
        "too many records",
        "POST",
        "/v1/match/batch",
        {"records": [GOOD] * (MAX_BATCH + 1)},
        {},
        422,
        "invalid_record",
        "records",
    ),
    (
        "a record without name",
        "POST",
        "/v1/match/batch",
        {"records": [GOOD, {"category": "x"}]},
        {},
        422,
        "invalid_record",
        "records[1].name",
    ),
    (
        "a pos_id longer than any field",
        "POST",
        "/v1/match",
        {**GOOD, "pos_id": "9" * 1001},
        {},
        422,
        "invalid_record",
        "pos_id: should have at most 1000 characters",
    ),
    (
        "a fractional pos_id",
        "POST",
        "/v1/match/batch",
        {"records": [GOOD, {**GOOD, "pos_id": 9001.5}]},
        {},
        422,
        "invalid_record",
        "records[1].pos_id: should be a string or an integer",
    ),
    (
        "a weight without its unit",
        "POST",
        "/v1/match",
        {**GOOD, "weight": 3.5},
        {},
        422,
        "invalid_record",
        "weight: should be text with its unit",
    ),
    (
        "a whole number as weight",
        "POST",
        "/v1/match/batch",
        {"records": [GOOD, {**GOOD, "weight": 1}]},
        {},
        422,
        "invalid_record",
        "records[1].weight: should be text with its unit",
    ),
    ("records not a list", "POST", "/v1/match/batch", {"records": 5}, {}, 422, "", "records"),
    ("explain without name", "GET", "/v1/explain", None, {}, 422, "invalid_record", "name"),
    ("explain, top too big", "GET", "/v1/explain?name=x&top=999", None, {}, 422, "", "top"),
    ("explain, unknown", "GET", "/v1/explain?name=x&colour=1", None, {}, 422, "", "colour"),
    ("wrong method", "GET", "/v1/match", None, {}, 405, "method_not_allowed", "GET"),
    ("trailing slash", "POST", "/v1/match/", GOOD, {}, 404, "not_found", "no such route"),
]


def send_bad(client: httpx.Client, method: str, path: str, body: Any, headers: Any) -> Any:
    if isinstance(body, (bytes, Iterator)):
        return client.request(method, path, content=body, headers=headers)
    if body is None:
        return client.request(method, path, headers=headers)
    return client.request(method, path, json=body, headers=headers)


def test_bad_requests_get_a_clear_4xx_and_good_ones_between_them_are_served(
    service: Service, matcher: poslink.Matcher
) -> None:
    want = expected(matcher, GOOD)
    with service.client() as client:
        for _ in range(3):  # a burst: every bad request three times, a good one after each
            for name, method, path, body, headers, status, error, detail in BAD:
                if isinstance(body, Iterator):  # a generator is read once
                    body = chunks(json.dumps({"name": "x", "category": "y" * MAX_BODY}).encode())
                answer = send_bad(client, method, path, body, headers)
                assert answer.status_code == status, f"{name}: {answer.text}"
                problem = answer.json()
                assert set(problem) == {"error", "detail"}, name
                assert error in problem["error"] and detail in problem["detail"], (name, problem)
                assert "Traceback" not in answer.text
                good = client.post("/v1/match", json=GOOD)
                assert good.status_code == 200 and good.json() == want, name
    assert service.served.process.poll() is None


def test_garbage_on_the_wire_does_not_stop_the_service(service: Service) -> None:
    for garbage in (b"\x00\x01\x02 nonsense\r\n\r\n", b"POST /v1/match HTTP/1.1\r\nContent-"):
        with socket.create_connection(("127.0.0.1", service.served.port), timeout=10) as sock:
            sock.sendall(garbage)
            sock.shutdown(socket.SHUT_WR)
            sock.recv(65536)
    with service.client() as client:
        assert client.post("/v1/match", json=GOOD).status_code == 200


def test_overrides_in_the_store_apply_to_the_answers(service: Service) -> None:
    record = {**GOOD, "pos_id": "ov-1"}
    with service.client() as client:
        assert client.post("/v1/match", json=record).json()["status"] == "matched"
        added = run_cli(
            "override", "add", "--decisions", service.decisions, "--pos-id", "ov-1", "--id", "none"
        )
        assert added.returncode == 0, added.stderr
        overridden = client.post("/v1/match", json=record).json()
        assert overridden["status"] == "no_match" and overridden["reason"] == "override by pos_id"
        batch = client.post("/v1/match/batch", json={"records": [record, GOOD]}).json()
        assert [m["status"] for m in batch["matches"]] == ["no_match", "matched"]
        other_source = client.post("/v1/match", json={**record, "source": "csv"}).json()
        assert other_source["status"] == "matched"
        removed = run_cli(
            "override", "remove", "--decisions", service.decisions, "--pos-id", "ov-1"
        )
        assert removed.returncode == 0, removed.stderr
        assert client.post("/v1/match", json=record).json()["status"] == "matched"


def test_a_revoked_key_is_refused_without_a_restart(service: Service) -> None:
    key = add_key(service.decisions, "pos-south")
    with service.client(key) as client:
        assert client.post("/v1/match", json=GOOD).status_code == 200
        revoked = run_cli("serve", "key", "revoke", "pos-south", "--decisions", service.decisions)
        assert revoked.returncode == 0, revoked.stderr
        answer = client.post("/v1/match", json=GOOD)
    assert answer.status_code == 401
    assert answer.json()["detail"] == "unknown or revoked API key"
