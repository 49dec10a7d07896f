"""Fake POS APIs on 127.0.0.1 for the pull tests: each system's documented shape, paging and auth.

``FakeApi`` serves one system's records (rendered by ``poslink_dev.synth.systems`` from a generated
feed) through a real HTTP server (pytest-httpserver, a werkzeug server in a thread): it checks
the credentials the way the system does (HTTP Basic, the clientId/key headers, a bearer token
from a client-credentials token endpoint) and answers 401 to wrong ones, pages the way the system
pages, and answers the faults queued in ``faults`` (a 429 with Retry-After, a 503) before the
pages. Every request is logged in ``requests``.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from poslink_dev.synth.systems import page

# What each system's requests must carry, as the pull tests give it (never real keys).
CREDENTIALS: dict[str, dict[str, str]] = {
    "dutchie": {"DUTCHIE_API_KEY": "dk-location-7731", "DUTCHIE_INTEGRATOR_KEY": "dk-int-5521"},
    "dutchie-products": {"DUTCHIE_API_KEY": "dk-location-7731"},
    "flowhub": {"FLOWHUB_CLIENT_ID": "fh-client-4410", "FLOWHUB_API_KEY": "fh-key-9902"},
    "metrc": {
        "METRC_VENDOR_KEY": "mv-vendor-3381",
        "METRC_USER_KEY": "mu-user-6620",
        "METRC_LICENSE_NUMBER": "402R-00042",
    },
    "metrc-items": {
        "METRC_VENDOR_KEY": "mv-vendor-3381",
        "METRC_USER_KEY": "mu-user-6620",
        "METRC_LICENSE_NUMBER": "402R-00042",
    },
    "weedmaps": {"WEEDMAPS_CLIENT_ID": "wm-client-1184", "WEEDMAPS_CLIENT_SECRET": "wm-sec-7045"},
    "leafly": {
        "LEAFLY_CLIENT_ID": "lf-client-2290",
        "LEAFLY_CLIENT_SECRET": "lf-sec-6617",
        "LEAFLY_MENU_INTEGRATION_KEY": "lf-menu-key-8846",
    },
}
# The path each system's API answers on (the source completes a bare host with its endpoint).
PATHS = {
    "dutchie": "/reporting/inventory",
    "dutchie-products": "/products",
    "flowhub": "/v0/inventory",
    "metrc": "/packages/v2/active",
    "metrc-items": "/items/v2/active",
    "weedmaps": "/wm/v1/listings/4242/menu_items",
    "leafly": "/v2/menu_integration/lf-menu-key-8846/menu",
}
TOKEN_PATHS = {"weedmaps": "/auth/token", "leafly": "/oauth/token"}
_TOKEN = "issued-token-5f1c9a"


@dataclass
class FakeApi:
    """One system's API over a list of its records."""

    server: HTTPServer
    system: str
    records: list[dict[str, Any]]
    credentials: dict[str, str] = field(default_factory=dict)
    faults: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    requests: list[tuple[float, str, dict[str, str], int]] = field(default_factory=list)
    ignore_paging: bool = False
    delay: float = 0.0
    answer: Callable[[Request], Response] | None = None

    def __post_init__(self) -> None:
        self.credentials = self.credentials or dict(CREDENTIALS[self.system])
        self.server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    @property
    def base(self) -> str:
        """The API's base URL (scheme, host, port)."""
        return self.server.url_for("/").rstrip("/")

    @property
    def url(self) -> str:
        """The endpoint's full URL."""
        return self.base + PATHS[self.system]

    def pages_served(self) -> int:
        """How many record pages were answered with 200."""
        served = [path for _, path, _, status in self.requests if status == 200]
        return sum(1 for path in served if "token" not in path)

    # -- the handler ----------------------------------------------------------------------

    def _handle(self, request: Request) -> Response:
        status, response = self._respond(request)
        self.requests.append((time.monotonic(), request.path, dict(request.args), status))
        return response

    def _respond(self, request: Request) -> tuple[int, Response]:
        if self.delay:
            time.sleep(self.delay)
        if self.answer is not None:
            response = self.answer(request)
            return response.status_code, response
        if request.path == TOKEN_PATHS.get(self.system):
            return self._token(request)
        if not self._authorized(request):
            return 401, _json({"message": "Unauthorized"}, 401)
        if request.path != PATHS[self.system]:
            return 404, _json({"message": "Not Found"}, 404)
        if self.faults:
            status, headers = self.faults.pop(0)
            return status, _json({"message": "try later"}, status, headers)
        return 200, _json(self._page(request))

    def _token(self, request: Request) -> tuple[int, Response]:
        prefix = self.system.upper()
        form = request.form
        good = (
            form.get("grant_type") == "client_credentials"
            and form.get("client_id") == self.credentials[f"{prefix}_CLIENT_ID"]
            and form.get("client_secret") == self.credentials[f"{prefix}_CLIENT_SECRET"]
        )
        if not good:
            return 401, _json({"error": "invalid_client"}, 401)
        return 200, _json({"access_token": _TOKEN, "token_type": "bearer", "expires_in": 3600})

    def _authorized(self, request: Request) -> bool:
        creds = self.credentials
        if self.system.startswith("dutchie"):
            return _basic(request) == (
                creds["DUTCHIE_API_KEY"],
                creds.get("DUTCHIE_INTEGRATOR_KEY", ""),
            )
        if self.system == "flowhub":
            return (request.headers.get("clientId"), request.headers.get("key")) == (
                creds["FLOWHUB_CLIENT_ID"],
                creds["FLOWHUB_API_KEY"],
            )
        if self.system.startswith("metrc"):
            return (
                _basic(request)
                == (
                    creds["METRC_VENDOR_KEY"],
                    creds["METRC_USER_KEY"],
                )
                and request.args.get("licenseNumber") == (creds["METRC_LICENSE_NUMBER"])
            )
        return request.headers.get("Authorization") == f"Bearer {_TOKEN}"

    def _page(self, request: Request) -> Any:
        args, total = request.args, len(self.records)
        if self.system == "leafly":
            return page(self.system, self.records, 1, total, total)
        start, size = {
            "dutchie": lambda: (int(args["Skip"]), int(args["Take"])),
            "dutchie-products": lambda: (int(args["offset"]), int(args["limit"])),
            "flowhub": lambda: ((int(args["page"]) - 1) * int(args["max"]), int(args["max"])),
            "metrc": lambda: (
                (int(args["pageNumber"]) - 1) * int(args["pageSize"]),
                int(args["pageSize"]),
            ),
            "weedmaps": lambda: (int(args["page[offset]"]), int(args["page[limit]"])),
        }[self.system.removesuffix("-items")]()
        if self.ignore_paging:
            start = 0
        body = page(self.system, self.records[start : start + size], start // size + 1, size, total)
        if self.system == "weedmaps" and start + size < total:
            query = urlencode({"page[offset]": start + size, "page[limit]": size})
            body["links"] = {"next": f"{self.url}?{query}"}
        return body


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status=status, headers=headers or {}, content_type="application/json"
    )
