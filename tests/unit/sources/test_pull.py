"""Pulling each POS system's API, for real, from a server on 127.0.0.1 (tests/apiserver.py).

The served records are a generated feed rendered in each system's shape; a pull must read the
same records as the same feed saved as one file, page after page, through a 429, a 503 and the
system's own auth, and stop cleanly on what cannot work (a wrong key, a wrong URL).
"""

from __future__ import annotations

import csv
import logging
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Response

from helpers import poslink
from helpers.apiserver import CREDENTIALS, PATHS, FakeApi
from poslink import plugins
from poslink.cli import app
from poslink.exceptions import EXIT_ENVIRONMENT, ConfigError, OutputError, RetriableError
from poslink.records import PosRecord
from poslink.sources.pull import PullError
from poslink.sources.system import SystemSource
from poslink_dev.synth import generate
from poslink_dev.synth.systems import NESTED, SYSTEMS, Listing, read_feed, render, write_export

PAGE = 25
Feed = tuple[Path, list[Listing]]


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """The fake APIs listen on 127.0.0.1 (pytest-httpserver's hook), on a free port."""
    return ("127.0.0.1", 0)


@pytest.fixture(scope="module")
def feed(kushy: Path, tmp_path_factory: pytest.TempPathFactory) -> Feed:
    """A generated catalog and feed (its listings), shared by the module's tests."""
    folder = tmp_path_factory.mktemp("feed")
    work = generate(kushy, folder, n_products=400, n_records=150, seed=3)
    return work.catalog, read_feed(folder)


@pytest.fixture(params=SYSTEMS)
def system(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def log_in(monkeypatch: pytest.MonkeyPatch, system: str) -> dict[str, str]:
    """The system's credentials in the environment, as a user sets them."""
    for name, value in CREDENTIALS[system].items():
        monkeypatch.setenv(name, value)
    return CREDENTIALS[system]


@pytest.fixture
def credentials(system: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The system's credentials in the environment, as a user sets them."""
    return log_in(monkeypatch, system)


def api_for(server: HTTPServer, system: str, listings: list[Listing]) -> FakeApi:
    return FakeApi(server, system, render(system, listings))


@pytest.fixture
def metrc_api(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, feed: Feed) -> FakeApi:
    """Metrc's API serving the feed, its credentials in the environment."""
    log_in(monkeypatch, "metrc")
    return api_for(httpserver, "metrc", feed[1])


def source(system: str, location: str | Path, **options: Any) -> SystemSource:
    cls = plugins.load("sources", system)
    assert issubclass(cls, SystemSource)
    return cls(location, {"backoff": 0, **options})


def outcome(records: Iterator[Any]) -> list[tuple[Any, ...]]:
    fields = ("row", "pos_id", "name", "category", "brand", "product_type", "lineage")
    more = ("weight", "quantity", "raw")
    return [tuple(getattr(r, f) for f in (*fields, *more)) for r in records]


def test_a_pull_reads_every_page_as_the_saved_export_through_429_and_503(
    httpserver: HTTPServer,
    system: str,
    credentials: dict[str, str],
    feed: Feed,
    tmp_path: Path,
) -> None:
    _, listings = feed
    api = api_for(httpserver, system, listings)
    api.faults = [(429, {"Retry-After": "0"}), (503, {})]
    pulled = source(system, api.url, page_size=PAGE)
    got = outcome(pulled.records())
    saved = source(system, write_export(system, listings, tmp_path / "export.json"))
    assert got == outcome(saved.records())
    assert pulled.fields == saved.fields
    assert all(isinstance(r, PosRecord) for r in pulled.records())
    records = len(api.records)
    assert len(got) == sum(len(listing.records) for listing in listings) == 150
    if system == "leafly":  # one document, no paging
        assert api.pages_served() == 1
    else:
        assert api.pages_served() >= math.ceil(records / PAGE) > 1
    statuses = [status for *_, status in api.requests if status != 200]
    assert statuses == [429, 503]
    # Reading again reads the pulled copy: no second pull.
    before = len(api.requests)
    assert outcome(pulled.records()) == got
    assert len(api.requests) == before


def test_retry_after_is_honoured(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, feed: Feed
) -> None:
    log_in(monkeypatch, "dutchie")
    api = api_for(httpserver, "dutchie", feed[1])
    api.faults = [(429, {"Retry-After": "1"})]
    list(source("dutchie", api.url, page_size=100).records())
    (refused, *_), (retried, *_) = api.requests[:2]
    assert api.requests[0][3] == 429 and retried - refused >= 0.9


@pytest.mark.parametrize("system", ["dutchie", "flowhub", "metrc", "weedmaps", "leafly"])
def test_a_wrong_key_stops_at_once_without_showing_it(
    httpserver: HTTPServer,
    system: str,
    credentials: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    feed: Feed,
) -> None:
    api = api_for(httpserver, system, feed[1])
    name = next(n for n in credentials if "KEY" in n or "SECRET" in n)
    monkeypatch.setenv(name, "wrong-key-0000")
    with pytest.raises(PullError, match="HTTP 401") as raised:
        list(source(system, api.url).records())
    assert "refused" in str(raised.value)
    assert "wrong-key-0000" not in str(raised.value)
    assert len(api.requests) == 1  # a refusal is not retried


@pytest.mark.parametrize("status", [403, 422])
def test_other_refusals_stop_at_once(metrc_api: FakeApi, status: int) -> None:
    metrc_api.answer = lambda request: Response('{"Message": "no"}', status=status)
    with pytest.raises(PullError, match=f"HTTP {status}") as raised:
        list(source("metrc", metrc_api.url).records())
    assert ("refused" in str(raised.value)) == (status == 403)
    assert len(metrc_api.requests) == 1


def test_a_page_nested_beyond_the_json_module_is_not_json(metrc_api: FakeApi) -> None:
    # The json module is recursive: such a page is a bad page, not a RecursionError.
    deep = "[" * 5000 + "]" * 5000
    metrc_api.answer = lambda request: Response(deep, content_type="application/json")
    with pytest.raises(PullError, match="page 1 is not JSON"):
        list(source("metrc", metrc_api.url).records())


def test_missing_credentials_name_the_variable_before_any_request(
    httpserver: HTTPServer, feed: Feed
) -> None:
    api = api_for(httpserver, "metrc", feed[1])
    with pytest.raises(ConfigError, match="METRC_VENDOR_KEY, or source option vendor_key"):
        list(source("metrc", api.url).records())
    assert api.requests == []


@pytest.mark.parametrize("system", ["dutchie"])
def test_a_wrong_url_is_a_404(
    httpserver: HTTPServer, system: str, credentials: dict[str, str], feed: Feed
) -> None:
    api = api_for(httpserver, system, feed[1])
    with pytest.raises(PullError, match="HTTP 404 NOT FOUND: no such endpoint"):
        list(source(system, api.base + "/reporting/nothing").records())


@pytest.mark.parametrize("system", ["dutchie"])
def test_retries_spent_are_a_retriable_error(
    httpserver: HTTPServer, system: str, credentials: dict[str, str], feed: Feed
) -> None:
    api = api_for(httpserver, system, feed[1])
    api.faults = [(503, {})] * 5
    with pytest.raises(RetriableError, match="HTTP 503 SERVICE UNAVAILABLE; gave up after 3"):
        list(source(system, api.url, retries=2).records())
    assert len(api.requests) == 3


@pytest.mark.parametrize("system", ["dutchie"])
def test_timeouts_are_retried_then_retriable(
    system: str, credentials: dict[str, str], feed: Feed
) -> None:
    # A server of its own: the slow answers it is still writing must not reach the next test.
    server = HTTPServer(host="127.0.0.1")
    server.start()
    try:
        api = api_for(server, system, feed[1])
        api.delay = 0.3
        with pytest.raises(RetriableError, match=r"no answer within 0.1 s; gave up after 2"):
            list(source(system, api.url, timeout=0.1, retries=1).records())
    finally:
        server.clear()
        server.stop()


@pytest.mark.parametrize("system", ["flowhub"])
def test_a_retry_after_beyond_max_wait_gives_up(
    httpserver: HTTPServer, system: str, credentials: dict[str, str], feed: Feed
) -> None:
    api = api_for(httpserver, system, feed[1])
    api.faults = [(429, {"Retry-After": "3600"})]
    with pytest.raises(RetriableError, match="retry after 3600 s, more than max_wait"):
        list(source(system, api.url).records())
    assert len(api.requests) == 1


@pytest.mark.parametrize("system", ["dutchie"])
def test_an_api_ignoring_paging_is_stopped(
    httpserver: HTTPServer, system: str, credentials: dict[str, str], feed: Feed
) -> None:
    api = api_for(httpserver, system, feed[1])
    api.ignore_paging = True
    with pytest.raises(PullError, match="ignored the paging parameters"):
        list(source(system, api.url, page_size=PAGE).records())


@pytest.mark.parametrize("system", ["dutchie"])
def test_a_redirect_is_not_followed(
    httpserver: HTTPServer, system: str, credentials: dict[str, str], feed: Feed
) -> None:
    api = api_for(httpserver, system, feed[1])
    api.answer = lambda request: Response(status=302, headers={"Location": "http://elsewhere/x"})
    with pytest.raises(PullError, match="redirected to http://elsewhere/x; give that URL"):
        list(source(system, api.url).records())


@pytest.mark.parametrize("system", ["weedmaps"])
def test_a_next_link_to_another_host_is_refused(
    httpserver: HTTPServer, system: str, credentials: dict[str, str], feed: Feed
) -> None:
    api = api_for(httpserver, system, feed[1])
    body = {"data": api.records[:2], "links": {"next": "https://evil.example/steal"}}
    api.answer = lambda request: (
        Response('{"access_token": "issued-token-5f1c9a"}', content_type="application/json")
        if request.path.endswith("/token")
        else Response(__import__("json").dumps(body), content_type="application/json")
    )
    with pytest.raises(PullError, match="next-page link points to another host"):
        list(source(system, api.url).records())


@pytest.mark.parametrize("system", ["leafly", "dutchie"])
def test_secrets_stay_out_of_logs(
    httpserver: HTTPServer,
    system: str,
    credentials: dict[str, str],
    feed: Feed,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = api_for(httpserver, system, feed[1])
    api.faults = [(503, {})]
    caplog.set_level(logging.DEBUG)
    # Leafly's key belongs in the path: the source fills it in from the environment.
    url = api.url
    if system == "leafly":
        url = api.base + "/v2/menu_integration/{integration_key}/menu"
    list(source(system, url).records())
    assert "page 1" in caplog.text and "retry 1" in caplog.text
    # Every record of the client side: poslink's, httpx's, httpcore's (not the test server's).
    client = [r for r in caplog.records if r.name != "werkzeug"]
    assert any(r.name.startswith("httpx") for r in client)
    logged = "".join(f"{r.getMessage()} {r.args}" for r in client)
    for secret in (*credentials.values(), "issued-token-5f1c9a"):
        if "R-000" not in secret:  # a license number is not a secret
            assert secret not in logged


def test_pages_can_be_saved_and_read_again(metrc_api: FakeApi, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "page-00099.json").write_text("stale")
    pulled = source("metrc", metrc_api.url, page_size=40, save_pages=str(folder))
    got = outcome(pulled.records())
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"page-{n:05d}.json" for n in range(1, 5)]
    assert outcome(source("metrc", folder).records()) == got


def test_pages_that_cannot_be_saved_are_an_output_error(metrc_api: FakeApi, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file where the folder should be")
    pulled = source("metrc", metrc_api.url, page_size=40, save_pages=str(taken))
    with pytest.raises(OutputError, match="taken: cannot save the pulled pages") as info:
        list(pulled.records())
    assert info.value.exit_code == EXIT_ENVIRONMENT


# -- the command line, as a user runs it -----------------------------------------------------


def cli(*args: str | Path, env: dict[str, str] | None = None) -> CompletedProcess[str]:
    """``poslink ARGS`` through the CLI app in this process (one worker): no start-up cost."""
    local = args[0] == "run" and "--engine" not in args
    argv = [*map(str, args), "--workers", "1"] if local else list(map(str, args))
    result = CliRunner().invoke(app, argv, env={"COLUMNS": "200", "NO_COLOR": "1", **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CompletedProcess(argv, result.exit_code, result.stdout, result.stderr)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_poslink_run_pulls_by_name_and_url_with_a_decision_store(
    httpserver: HTTPServer, feed: Feed, tmp_path: Path
) -> None:
    catalog, listings = feed
    api = api_for(httpserver, "dutchie", listings)
    api.faults = [(503, {})]
    env = {**CREDENTIALS["dutchie"]}
    out, store = tmp_path / "out.csv", tmp_path / "decisions.db"
    args = ("--catalog", catalog, "--out", out, "--decisions", store, "--store-id", "north", "-q")
    first = poslink("run", "--pos", f"dutchie+{api.base}", *args, env=env)
    assert first.returncode == 0, first.stderr
    assert "150 records" in first.stdout and "0 decisions reused" in first.stdout
    rows = _rows(out)
    assert len(rows) == 150 and sum(bool(r["jane_product_id"]) for r in rows) > 50
    again = poslink("run", "--pos", f"dutchie+{api.base}", *args, env=env)
    assert again.returncode == 0, again.stderr
    assert "150 decisions reused" in again.stdout.replace(" 0 overridden", "")
    # The same output, but that every decision is said to be reused.
    assert [{**r, "match_source": ""} for r in _rows(out)] == [
        {**r, "match_source": ""} for r in rows
    ]
    assert {r["match_source"] for r in _rows(out)} <= {"reused", ""}
    shown = first.stdout + first.stderr + again.stdout + again.stderr + out.read_text()
    assert not any(secret in shown for secret in env.values())


def test_poslink_run_takes_the_url_option_and_stops_cleanly_on_a_wrong_key(
    httpserver: HTTPServer, feed: Feed, tmp_path: Path
) -> None:
    catalog, listings = feed
    api = api_for(httpserver, "flowhub", listings)
    out = tmp_path / "out.csv"
    args = ("--source", "flowhub", "-o", f"url={api.url}", "--catalog", catalog, "--out", out)
    done = cli("run", *args, "-q", env=CREDENTIALS["flowhub"])
    assert done.returncode == 0, done.stderr
    assert len(_rows(out)) == 150
    out.write_text("earlier output\n")
    wrong = {**CREDENTIALS["flowhub"], "FLOWHUB_API_KEY": "not-the-key"}
    refused = cli("run", *args, env=wrong)
    assert refused.returncode == 2
    assert refused.stderr.startswith("poslink: error: flowhub http://127.0.0.1")
    assert "HTTP 401" in refused.stderr and "Traceback" not in refused.stderr
    assert "not-the-key" not in refused.stderr
    assert out.read_text() == "earlier output\n"


def test_a_pull_needs_the_local_engine(feed: Feed, tmp_path: Path) -> None:
    done = cli(
        "run", "--pos", "dutchie+https://api.pos.example", "--catalog", feed[0],
        "--out", tmp_path / "o.csv", "--engine", "spark",
    )  # fmt: skip
    assert done.returncode == 2
    assert "pull with the local engine, or save the pages first" in done.stderr


def test_a_url_naming_another_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="named for source 'flowhub', the source is 'dutchie'"):
        source("dutchie", "flowhub+https://api.example")
    with pytest.raises(ConfigError, match="not in the URL"):
        source("dutchie", "https://key:secret@api.example")
    with pytest.raises(ConfigError, match="option url pulls from an API, --pos"):
        source("dutchie", tmp_path / "x.json", url="https://api.example")


def test_every_system_has_a_path() -> None:
    assert set(PATHS) == set(SYSTEMS) and set(SYSTEMS) >= NESTED


def test_credentials_may_come_from_the_configuration_file(
    httpserver: HTTPServer, feed: Feed, tmp_path: Path
) -> None:
    catalog, listings = feed
    api = api_for(httpserver, "dutchie-products", listings)
    config = tmp_path / "pull.toml"
    config.write_text(
        f'pos = "dutchie-products+{api.base}"\ncatalog = "{catalog}"\n'
        '[source_options]\napi_key = "dk-location-7731"\npage_size = 40\n'
    )
    out = tmp_path / "out.csv"
    done = cli("run", "--config", config, "--out", out, "-q", env={"DUTCHIE_API_KEY": ""})
    assert done.returncode == 0, done.stderr
    assert len(_rows(out)) == 150 and api.pages_served() == 4


def test_a_pull_without_httpx_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUTCHIE_API_KEY", "dk-location-7731")
    monkeypatch.setitem(sys.modules, "httpx", None)  # as if the `pull` extra were not installed
    with pytest.raises(ConfigError, match=r"needs httpx: pip install 'poslink\[pull\]'"):
        list(source("dutchie", "https://api.pos.example").records())
