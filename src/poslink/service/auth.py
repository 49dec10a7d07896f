"""API-key authentication as ASGI middleware, in front of every route but the open ones.

Kept apart from the routes (and from FastAPI) so that another app, such as a review console,
can mount the matching API behind the same check, or put its own login in front of it.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.types import ASGIApp, Receive, Scope, Send

from poslink.service.errors import problem
from poslink.service.keys import HEADER, KeyRing

_HEADER = HEADER.lower().encode("latin-1")


class ApiKeyAuth:
    """Refuses with 401 any HTTP request to a path not in ``open_paths`` whose
    ``X-API-Key`` header is missing or not an active key; the integration a key belongs to
    goes into the request's state as ``integration``."""

    def __init__(self, app: ASGIApp, keys: KeyRing, open_paths: Collection[str]) -> None:
        self.app = app
        self.keys = keys
        self.open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        if scope["type"] != "http" or scope["path"] in self.open_paths:
            await self.app(scope, receive, send)
            return
        presented = None
        for name, value in scope["headers"]:
            if name == _HEADER:
                presented = value.decode("latin-1")
                break
        integration = self.keys.check(presented)
        if integration is None:
            detail = (
                f"missing API key: send it in the {HEADER} header"
                if presented is None
                else "unknown or revoked API key"
            )
            await problem(401, "unauthorized", detail)(scope, receive, send)
            return
        scope.setdefault("state", {})["integration"] = integration
        await self.app(scope, receive, send)
