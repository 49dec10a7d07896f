"""Refused requests: one JSON shape, ``{"error": code, "detail": the problem}``, a 4xx that
names the field, never a traceback; and the limit on request bodies.

Codes: ``malformed_json`` (400), ``unauthorized`` (401), ``not_found`` (404),
``method_not_allowed`` (405), ``body_too_large`` (413), ``invalid_record`` (422),
``not_ready`` (503), ``internal_error`` (500: a defect; logged, never detailed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("poslink.service")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    503: "not_ready",
}


_FASTAPI_BODY_ERROR = "There was an error parsing the body"


def problem(
    status: int, error: str, detail: str, headers: Mapping[str, str] | None = None
) -> Response:
    """A refusal as JSON."""
    body = json.dumps({"error": error, "detail": detail}).encode()
    return Response(body, status, headers=headers, media_type="application/json")


def _where(loc: Sequence[Any]) -> str:
    """``("body", "records", 3, "name")`` as ``records[3].name``."""
    out = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query") else loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe(errors: Sequence[Mapping[str, Any]]) -> tuple[int, str, str]:
    """The status, code and one-line detail of a request's validation errors (the first,
    with a count of the others)."""
    first = errors[0]
    kind, loc, where = first.get("type", ""), first.get("loc", ()), _where(first.get("loc", ()))
    if kind == "json_invalid":
        reason = str((first.get("ctx") or {}).get("error", "not JSON"))
        at = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        if at is not None:  # json's messages end in "at" when they name a place
            reason += f"{'' if reason.endswith(' at') else ' at'} character {at}"
        return 400, "malformed_json", f"the body is not valid JSON: {reason}"
    if not where:
        if kind == "missing":
            detail = "the request has no body: send a JSON object"
        elif isinstance(first.get("input"), bytes):
            detail = "the body must be JSON, sent with Content-Type: application/json"
        else:
            detail = "the body must be a JSON object"
    elif kind == "missing":
        detail = f"{where}: required, not given"
    elif kind == "extra_forbidden":
        detail = f"{where}: not a known field"
    else:
        detail = f"{where}: {first.get('msg', 'invalid')}"
    more = len(errors) - 1
    if more:
        detail += f" (and {more} more problem{'s' if more > 1 else ''})"
    return 422, "invalid_record", detail


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    status, code, detail = describe(exc.errors())
    return problem(status, code, detail)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 400 and detail == _FASTAPI_BODY_ERROR:
        # What FastAPI says of a body json.loads failed on without a JSONDecodeError.
        code, detail = "malformed_json", "the body is not valid JSON: not UTF-8, or nested too deep"
    elif exc.status_code == 404:
        detail = f"no such route: {request.url.path}"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    return problem(exc.status_code, code, detail, exc.headers)


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal_error", "internal error; the service log has the details")


def install_handlers(app: FastAPI) -> None:
    """Make every refusal a JSON ``problem``."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)


class BodyLimit:
    """Refuses a request body over ``limit`` bytes with 413: at once when its Content-Length
    says so, else as soon as the bytes read pass the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit():
                    await problem(400, "bad_request", "Content-Length is not a number")(
                        scope, receive, send
                    )
                    return
                if int(value) > self.limit:
                    await self._too_large()(scope, receive, send)
                    return
        read = 0

        async def limited() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > self.limit:
                    # Raised where the route reads its body: handled as any HTTP error.
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, limited, send)

    def _detail(self) -> str:
        return f"the body is larger than the limit of {self.limit:,} bytes"

    def _too_large(self) -> Response:
        return problem(413, "body_too_large", self._detail(), {"Connection": "close"})
