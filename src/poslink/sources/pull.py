"""Pulling an inventory from a POS system's HTTP API, page by page, into files a source reads.

Every named system pulls through this one module: the system says how it authenticates
(:class:`Auth`), how it pages (``paging.py``) and where a page keeps its records;
:class:`Puller` does the requests with httpx and writes each page, as received, to a file.
The source then reads those files exactly as it reads a saved export, so a pull and a saved
export give the same records.

What every pull does:

- a timeout on every request (``timeout``);
- retries with exponential backoff and jitter on timeouts, connection failures, 5xx and 429,
  honouring ``Retry-After`` (seconds or an HTTP date) up to ``max_wait``; when the retries are
  spent, a :class:`~poslink.exceptions.RetriableError`;
- a fatal :class:`PullError` on 401, 403 and 404 (and any other 4xx), on a page that is not
  JSON or holds no records array, on a redirect, and on a server that ignores the paging
  parameter (the same page twice);
- pages until the last one: a short or empty page, the totals the API reports, or no next link;
- credentials only in request headers or the URL the system needs them in, never in a message,
  a log record or a file: every message goes through ``Puller.redact`` (``redaction.py``), and
  httpx's own log records are redacted while a pull runs;
- a report per page to the listener installed with :func:`reporting_pages` (the CLI's
  progress bar).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import Field

from poslink.exceptions import EXIT_USAGE, ConfigError, InputError, RetriableError
from poslink.sources.base import SourceOptions
from poslink.sources.paging import Paging
from poslink.sources.redaction import Redactor, one_line, safe_url
from poslink.sources.values import get_path, number_of

log = logging.getLogger(__name__)

# ``--pos NAME+https://host/...``: the source's name, then the API's URL.
_PULL_URL = re.compile(r"^(?:(?P<name>[A-Za-z][A-Za-z0-9_-]*)\+)?(?P<url>https?://\S+)$")
PAGE_NAME = "page-{:05d}.json"

PageListener = Callable[[str, int, int | None], None]
_listener: ContextVar[PageListener | None] = ContextVar("poslink_pull_pages", default=None)


class PullError(InputError):
    """The API answered something that cannot be read; the run stops (a data error)."""


class PullRefused(PullError):
    """The API refused the request as configured (credentials, address, parameters): fix the
    configuration; trying again as it is will not help."""

    exit_code = EXIT_USAGE


class PullOptions(SourceOptions):
    """The options of every source that can pull from an API."""

    url: str | None = Field(
        None, description="the API to pull from (http or https; or give it as --pos)"
    )
    timeout: float = Field(30.0, gt=0, description="seconds to wait for each response")
    retries: int = Field(
        5, ge=0, description="retries of a request that timed out or got 5xx or 429"
    )
    backoff: float = Field(
        1.0, ge=0, description="seconds before the first retry, doubled for each next one"
    )
    max_wait: float = Field(
        120.0, ge=0, description="longest wait before a retry; a longer Retry-After gives up"
    )
    page_size: int | None = Field(
        None, ge=1, description="records asked for per page (default: the system's)"
    )
    max_pages: int = Field(100_000, ge=1, description="stop with an error beyond this many pages")
    save_pages: str | None = Field(
        None, description="keep the pulled pages in this folder (read it later with --pos DIR)"
    )


def pull_target(location: str) -> tuple[str | None, str] | None:
    """``(source name or None, URL)`` when ``location`` is an API to pull, else None."""
    found = _PULL_URL.match(location.strip())
    if found is None:
        return None
    return found.group("name"), found.group("url")


def scheme_source(location: object) -> str | None:
    """The source a ``NAME+https://...`` location names, if it names one."""
    if not isinstance(location, str):
        return None
    target = pull_target(location)
    return target[0] if target else None


@contextmanager
def reporting_pages(listener: PageListener) -> Iterator[None]:
    """Within the block, every pulled page is reported: ``listener(label, done, total)``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


# -- authentication ------------------------------------------------------------------------


@dataclass(frozen=True)
class Auth:
    """How a system's requests authenticate.

    ``basic``: HTTP Basic user and password; ``headers``: fixed headers (keys sent as headers);
    ``params``: query parameters; ``bearer``: a token sent as ``Authorization: Bearer``; or
    ``token_url`` with ``client``: OAuth2 client credentials exchanged for that token first.
    ``secrets`` lists every value that must never be shown.
    """

    basic: tuple[str, str] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    bearer: str | None = None
    token_url: str | None = None
    client: tuple[str, str] | None = None
    secrets: Sequence[str] = ()


# -- the pull ------------------------------------------------------------------------------


class Puller:
    """Pulls every page of one API endpoint into a folder, one file per page."""

    def __init__(
        self,
        url: str,
        *,
        label: str,
        auth: Auth,
        paging: Paging,
        records_at: Sequence[str],
        options: PullOptions,
        params: Mapping[str, str] | None = None,
    ) -> None:
        self.url = url
        self.label = label
        self.auth = auth
        self.paging = paging
        self.records_at = tuple(records_at)
        self.options = options
        self.params = dict(params or {})
        self.redact = Redactor(auth.secrets)

    def where(self, url: str | None = None) -> str:
        """The endpoint as messages name it: no user info, no secret parameters."""
        return self.redact(f"{self.label} {safe_url(url or self.url)}")

    def pull(self, folder: Path) -> list[Path]:
        """Every page, written to ``folder`` as ``page-00001.json``, ...; the files in order."""
        try:
            import httpx  # the `pull` extra; imported when a pull runs
        except ImportError as exc:
            raise ConfigError(
                f"{self.label}: pulling from an API needs httpx: pip install 'poslink[pull]'"
            ) from exc

        folder.mkdir(parents=True, exist_ok=True)
        files: list[Path] = []
        with (
            self.redact,
            httpx.Client(
                timeout=httpx.Timeout(self.options.timeout),
                follow_redirects=False,
                headers={"Accept": "application/json", "User-Agent": "poslink"},
            ) as client,
        ):
            headers = {**self.auth.headers, **self._token(client)}
            self._pages(client, headers, folder, files)
        return files

    def _pages(self, client: Any, headers: dict[str, str], folder: Path, files: list[Path]) -> None:
        url, index, seen = self.url, 0, 0
        previous: str | None = None
        link: str | None = None
        listener = _listener.get()
        if listener is not None:
            listener(self.label, 0, None)  # the bar appears, and counts its time, from the start
        while True:
            if index >= self.options.max_pages:
                raise PullError(
                    f"{self.where()}: more than {self.options.max_pages} pages (option max_pages)"
                )
            # A next-page link carries its own query; httpx would drop it for an empty dict.
            params: dict[str, str] | None = None
            if not link:
                params = {**self.auth.params, **self.params, **self.paging.params(index, seen)}
            response = self._send(client, "GET", url, params=params, headers=headers)
            body = response.content
            page = self._decode(body, index + 1, url)
            count = len(self._records(page, index + 1, url))
            digest = hashlib.sha256(body).hexdigest()
            if count and digest == previous:
                raise PullError(
                    f"{self.where()}: page {index + 1} is page {index} again: the API ignored the"
                    " paging parameters (check the URL and option page_size)"
                )
            previous = digest
            path = folder / PAGE_NAME.format(index + 1)
            path.write_bytes(body)
            files.append(path)
            seen += count
            total = self.paging.total_pages(page, seen)
            log.info("%s: page %d: %d records", self.where(url), index + 1, count)
            if listener is not None:
                listener(self.label, index + 1, total)
            if not self.paging.more(page, count, index, seen):
                return
            link = self.paging.next_url(page)
            if link:
                url = self._follow(link, url)
            index += 1

    def _follow(self, link: str, current: str) -> str:
        """The next page's absolute URL; never another host (the credentials go with it)."""
        target = urljoin(current, link)
        here, there = urlsplit(current), urlsplit(target)
        if (here.scheme, here.netloc) != (there.scheme, there.netloc):
            raise PullError(
                f"{self.where()}: the next-page link points to another host ({safe_url(target)})"
            )
        return target

    def _decode(self, body: bytes, number: int, url: str) -> Any:
        try:
            return json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            # (RecursionError: a page nested beyond what the recursive json module reads.)
            raise PullError(
                f"{self.where(url)}: page {number} is not JSON ({one_line(str(exc))})"
            ) from exc

    def _records(self, page: Any, number: int, url: str) -> list[Any]:
        if isinstance(page, list):
            return page
        for path in self.records_at:
            found = get_path(page, path) if path else page
            if isinstance(found, list):
                return found
        if isinstance(page, dict):
            keys = ", ".join(sorted(page)[:8]) or "none"
            what = f"an object with keys {keys}"
        else:
            what = type(page).__name__
        wanted = " or ".join(repr(p) for p in self.records_at) or "the top level"
        raise PullError(
            f"{self.where(url)}: page {number} holds no records array at {wanted} (found {what})"
        )

    def _token(self, client: Any) -> dict[str, str]:
        """The Authorization header: the bearer token, or one from the token endpoint."""
        if self.auth.bearer:
            return {"Authorization": f"Bearer {self.auth.bearer}"}
        if not self.auth.token_url or not self.auth.client:
            return {}
        client_id, client_secret = self.auth.client
        form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        response = self._send(client, "POST", self.auth.token_url, data=form, token=True)
        try:
            token = response.json().get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise PullError(f"{self.where(self.auth.token_url)}: no access_token in the answer")
        self.redact.add([token])
        return {"Authorization": f"Bearer {token}"}

    def _send(
        self,
        client: Any,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        token: bool = False,
    ) -> Any:
        """One request, retried on timeouts, connection failures, 5xx and 429."""
        import httpx

        opts = self.options
        basic = None if token else self.auth.basic
        for attempt in range(opts.retries + 1):
            wait: float | None = None
            try:
                response = client.request(
                    method, url, params=params, headers=headers, data=data, auth=basic
                )
            except httpx.TimeoutException:
                problem = f"no answer within {opts.timeout:g} s"
            except httpx.TransportError as exc:
                problem = f"connection failed ({one_line(self.redact(str(exc))) or 'no reason'})"
            else:
                status = response.status_code
                if status < 300:
                    return response
                if status != 429 and status < 500:
                    raise PullRefused(self._refused(response, url, token))
                problem = f"HTTP {status} {response.reason_phrase}".strip()
                wait = retry_after(response.headers.get("Retry-After"))
                if wait is not None and wait > opts.max_wait:
                    raise RetriableError(
                        f"{self.where(url)}: {problem}; the server asks to retry after"
                        f" {wait:g} s, more than max_wait ({opts.max_wait:g} s)"
                    )
            if attempt == opts.retries:
                raise RetriableError(
                    f"{self.where(url)}: {problem}; gave up after {attempt + 1} attempts"
                    " (option retries)"
                )
            if wait is None:
                wait = min(opts.backoff * 2**attempt * random.uniform(0.5, 1.0), opts.max_wait)
            log.info("%s: %s; retry %d in %.1f s", self.where(url), problem, attempt + 1, wait)
            time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _refused(self, response: Any, url: str, token: bool) -> str:
        status = response.status_code
        what = f"{self.where(url)}: HTTP {status} {response.reason_phrase}".strip()
        if 300 <= status < 400:
            target = safe_url(urljoin(url, response.headers.get("Location", "")))
            return self.redact(f"{what}: redirected to {target}; give that URL instead")
        if status in (401, 403):
            whose = "the client id and secret" if token else "the credentials"
            return f"{what}: {whose} were refused (wrong, expired or without access)"
        if status == 404:
            return f"{what}: no such endpoint or location (check the URL)"
        detail = one_line(self.redact(response.text))[:200]
        return f"{what}{': ' + detail if detail else ''}"


def retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delay seconds or an HTTP date), or None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    number = number_of(text)
    if number is not None:
        return max(0.0, number)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())
