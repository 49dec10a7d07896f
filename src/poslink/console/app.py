"""The console web app: FastAPI, server-rendered Jinja2 pages, a little plain JavaScript.

``create_app(settings)`` builds it; ``poslink console`` serves it with uvicorn on 127.0.0.1.
Every route but the login page needs a session (``guard.py``); every response carries a
strict Content-Security-Policy (scripts and styles from the console only; the login page's
inline style by nonce), is not cached, and may not be framed.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated

from fastapi import FastAPI, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from poslink.console import auth, guard, pages
from poslink.console.actions import record_action
from poslink.console.workbench import Settings, Workbench

STATIC = {"console.js": "text/javascript", "console.css": "text/css"}


def templates() -> Jinja2Templates:
    """The page templates (autoescaped)."""
    folder = resources.files("poslink.console").joinpath("templates")
    return Jinja2Templates(directory=str(folder))


def create_app(settings: Settings, bench: Workbench | None = None) -> FastAPI:
    """The console app on one decision store and catalog."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.bench.close()

    app = FastAPI(
        title="poslink console",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.bench = bench or Workbench(settings)
    app.state.templates = templates()
    app.state.limits = auth.RateLimit()

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.nonce = secrets.token_urlsafe(16)
        response = await call_next(request)
        nonce = request.state.nonce
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self';"
            f" style-src 'self' 'nonce-{nonce}'; form-action 'self'; frame-ancestors 'none';"
            " base-uri 'none'"
        )
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(guard.NotSignedIn)
    async def not_signed_in(request: Request, exc: guard.NotSignedIn) -> Response:
        if request.method in ("GET", "HEAD"):
            return RedirectResponse("/login", status_code=303)
        return PlainTextResponse("sign in first", status_code=401)

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> Response:
        return _login(request, "", 200)

    @app.post("/login", response_class=HTMLResponse)
    def login(
        request: Request,
        name: Annotated[str, Form(max_length=64)] = "",
        password: Annotated[str, Form(max_length=1024)] = "",
        csrf: Annotated[str, Form(max_length=128)] = "",
    ) -> Response:
        if not auth.same_token(csrf, request.cookies.get(guard.LOGIN_COOKIE, "")):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page")
        limits: auth.RateLimit = request.app.state.limits
        keys = (f"ip:{request.client.host if request.client else ''}", f"user:{name.strip()}")
        if limits.blocked(*keys):
            return _login(request, "Too many failed attempts: wait a few minutes.", 429)
        bench = guard.bench(request)
        user = auth.verify(bench.store, name, password)
        if user is None:
            limits.failed(*keys)
            return _login(request, "Wrong name or password.", 401)
        token = auth.start_session(bench.store, user)
        record_action(bench.store, user.name, "login", user.name)
        response = RedirectResponse("/queue", status_code=303)
        response.set_cookie(
            guard.COOKIE,
            token,
            max_age=auth.SESSION_SECONDS,
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
            path="/",
        )
        response.delete_cookie(guard.LOGIN_COOKIE, path="/login")
        return response

    @app.post("/logout")
    def logout(request: Request, current: guard.Checked) -> Response:
        auth.end_session(guard.bench(request).store, request.cookies.get(guard.COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(guard.COOKIE, path="/")
        return response

    @app.get("/static/{name}")
    def static(name: str, current: guard.Current) -> Response:
        if name not in STATIC:
            raise HTTPException(404)
        body = resources.files("poslink.console").joinpath("static", name).read_bytes()
        return Response(body, media_type=STATIC[name])

    app.include_router(pages.router)
    return app


def _css() -> str:
    """The console's style sheet, inlined in the login page (static files need a session)."""
    return resources.files("poslink.console").joinpath("static", "console.css").read_text()


def _login(request: Request, error: str, status: int) -> Response:
    token = secrets.token_urlsafe(32)
    page: Jinja2Templates = request.app.state.templates
    response = page.TemplateResponse(
        request,
        "login.html",
        {"error": error, "csrf": token, "nonce": request.state.nonce, "css": _css()},
        status_code=status,
    )
    secure: bool = guard.bench(request).settings.secure_cookies
    response.set_cookie(
        guard.LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/login"
    )
    return response
