"""The console's security, over real HTTP on 127.0.0.1: every route refuses anonymous requests,
a reviewer cannot manage users, a forged form is refused, logins are rate limited, and the
audit names the reviewer."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.routing import APIRoute
from starlette.routing import Route

from helpers.browser import PASSWORD, free_port
from helpers.consolehelp import Demo, demo
from poslink.console import auth
from poslink.console.actions import history
from poslink.console.app import create_app
from poslink.console.workbench import Settings, Workbench
from poslink.store.db import DecisionStore

PUBLIC = {("GET", "/login"), ("POST", "/login")}


class Served:
    """The console app served by uvicorn on a free port, in a thread of this process."""

    def __init__(self, made: Demo) -> None:
        self.made = made
        self.bench = Workbench(Settings(made.decisions, str(made.catalog)))
        self.app = create_app(self.bench.settings, self.bench)
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.clients: list[httpx.Client] = []

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the console did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        for made in self.clients:
            made.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def client(self) -> httpx.Client:
        made = httpx.Client(base_url=self.base, follow_redirects=False, timeout=10)
        self.clients.append(made)
        return made

    def login(self, name: str, password: str = PASSWORD) -> tuple[httpx.Client, str]:
        """A signed-in client and its CSRF token."""
        client = self.client()
        page = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        answer = client.post(
            "/login", data={"name": name, "password": password, "csrf": token.group(1)}
        )
        assert answer.status_code == 303, answer.text
        return client, csrf_of(client.get("/queue").text)


def csrf_of(html: str) -> str:
    found = re.search(r'<meta name="csrf" content="([^"]+)"', html)
    assert found is not None, html[:500]
    return found.group(1)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    made = demo(tmp_path_factory.mktemp("security"))
    with DecisionStore(made.decisions) as store:
        auth.add_user(store, "bob", "reviewer", PASSWORD)
        auth.add_user(store, "ada", "admin", PASSWORD)
        auth.add_user(store, "eve", "reviewer", PASSWORD)
    with Served(made) as running:
        yield running


def _walk(items: list[Any]) -> Iterator[Any]:
    # An included router (FastAPI's ``_IncludedRouter``) holds its routes in another router.
    for route in items:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _walk(inner.routes)
        else:
            yield route


def routes(served: Served) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, path parameters filled in."""
    found = []
    for route in _walk(served.app.routes):
        assert isinstance(route, APIRoute | Route), route  # nothing the walk cannot read

        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, path))
    return found


def test_every_route_refuses_an_anonymous_request(served: Served) -> None:
    found = routes(served)
    paths = {p for _, p in found}
    # The enumeration sees the whole app (a route list that lost its pages proves nothing).
    assert {"/queue", "/item/1", "/item/1/decide", "/search", "/admin/users", "/undo"} <= paths
    assert len(found) >= 20
    client = served.client()
    for method, path in found:
        if (method, path) in PUBLIC:
            continue
        answer = client.request(method, path, data={"csrf": "x", "answer": "7001"})
        assert answer.status_code in (303, 401), (method, path, answer.status_code)
        if answer.status_code == 303:
            assert answer.headers["location"] == "/login", (method, path)
        assert "csrf" not in answer.text and "7001" not in answer.text
    # No API documentation routes either.
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404
    with DecisionStore(served.made.decisions) as store:
        assert store.list_overrides() == []


def test_login_sets_strict_http_only_cookies_and_needs_its_token(served: Served) -> None:
    client = served.client()
    page = client.get("/login")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    forged = client.post("/login", data={"name": "bob", "password": PASSWORD, "csrf": "x"})
    assert forged.status_code == 403
    client = served.client()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    answer = client.post("/login", data={"name": "bob", "password": PASSWORD, "csrf": token[1]})
    set_cookie = answer.headers["set-cookie"].lower()
    assert "poslink_session=" in set_cookie
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie


def test_a_reviewer_cannot_manage_users(served: Served) -> None:
    client, csrf = served.login("bob")
    assert client.get("/admin/users").status_code == 403
    add = {"csrf": csrf, "name": "mallory", "role": "admin", "password": "long enough"}
    assert client.post("/admin/users", data=add).status_code == 403
    assert client.post("/admin/users/eve/delete", data={"csrf": csrf}).status_code == 403
    assert client.post("/knowledge/1/delete", data={"csrf": csrf}).status_code == 403
    assert "/admin/users" not in client.get("/queue").text
    with DecisionStore(served.made.decisions) as store:
        assert {u.name for u in auth.users(store)} == {"ada", "bob", "eve"}
    admin, token = served.login("ada")
    assert admin.get("/admin/users").status_code == 200
    add = {"csrf": token, "name": "carol", "role": "reviewer", "password": "long enough"}
    assert admin.post("/admin/users", data=add).status_code == 303
    assert admin.post("/admin/users/carol/delete", data={"csrf": token}).status_code == 303


def test_a_forged_form_is_refused(served: Served) -> None:
    group = served.bench.queue.groups[-1]
    client, csrf = served.login("eve")
    _, other = served.login("ada")  # a real token, of another session
    for data in ({"answer": "none"}, {"answer": "none", "csrf": "forged"},
                 {"answer": "none", "csrf": other}):  # fmt: skip
        answer = client.post(f"/item/{group.id}/decide", data=data)
        assert answer.status_code == 403, data
    assert client.post("/undo", data={}).status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    # The token in a header works as well as in the form (the type-ahead's way).
    assert client.post("/refresh", headers={"X-CSRF-Token": csrf}).status_code == 303
    with DecisionStore(served.made.decisions) as store:
        assert store.list_overrides() == []


def test_the_audit_names_the_reviewer(served: Served) -> None:
    group = next(g for g in served.bench.queue.groups if g.candidates)
    client, csrf = served.login("bob")
    answer = client.post(
        f"/item/{group.id}/decide",
        data={"csrf": csrf, "answer": str(group.candidates[0].product.id), "next": "/queue"},
    )
    assert answer.status_code == 303
    assert "bob" in client.get("/audit").text
    # An outside redirect target is not followed.
    assert (
        client.post("/undo", data={"csrf": csrf, "next": "//evil.example"})
        .headers["location"]
        .startswith("/")
    )
    with DecisionStore(served.made.decisions) as store:
        rows = [r for r in history(store) if r.action == "decide" and r.subject == group.id]
        notes = {o.note for o in store.list_overrides()}
    assert rows and rows[-1].user == "bob"
    assert notes <= {"console: bob"}


def test_logins_are_rate_limited(served: Served) -> None:
    client = served.client()
    codes = []
    for attempt in range(auth.MAX_FAILURES + 1):
        page = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        password = PASSWORD if attempt == auth.MAX_FAILURES else f"wrong {attempt}"
        answer = client.post(
            "/login", data={"name": "eve", "password": password, "csrf": token.group(1)}
        )
        codes.append(answer.status_code)
    client.close()
    # Five failures, then even the right password is refused for a while.
    assert codes == [401] * auth.MAX_FAILURES + [429]
    served.app.state.limits = auth.RateLimit()  # the other tests sign in again


def test_passwords_are_stored_hashed(served: Served, tmp_path: Path) -> None:
    with DecisionStore(served.made.decisions) as store, store.engine.connect() as con:
        hashes = [
            r[0] for r in con.exec_driver_sql("SELECT password_hash FROM poslink_console_users")
        ]
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


@pytest.mark.parametrize(
    ("name", "role", "password", "says"),
    [
        ("carol", "superuser", PASSWORD, "role must be one of reviewer, admin"),
        ("dan", "reviewer", "short", "a password has at least 8 characters"),
        ("bad name!", "reviewer", PASSWORD, "a user name is 1-64 letters"),
    ],
)
def test_a_bad_user_value_is_a_usage_error(
    tmp_path: Path, name: str, role: str, password: str, says: str
) -> None:
    store = tmp_path / "d.db"
    done = subprocess.run(
        [str(Path(sys.executable).with_name("poslink")), "console", "user", "add", name,
         "--role", role, "--decisions", str(store), "--password-stdin"],
        input=password + "\n", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr  # a bad value given, as for any option
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("poslink: error: ") and says in lines[0]
    assert not store.exists() or "carol" not in store.read_bytes().decode("latin-1")


def test_a_page_past_the_last_shows_the_last(served: Served) -> None:
    client, _ = served.login("bob")
    rows = re.compile(r'<tr data-href="/item/([0-9a-f]+)')
    first = rows.findall(client.get("/queue").text)
    assert first  # the demo's queue is one page
    for asked in ("999", "99999999999999999999"):
        page = client.get(f"/queue?page={asked}")
        assert page.status_code == 200 and rows.findall(page.text) == first, asked
    assert client.get("/gaps?page=999").status_code == 200
