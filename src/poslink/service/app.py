"""The HTTP matching API: ``create_app(settings)`` gives the FastAPI app one worker serves.

The app answers ``/health`` at once and loads the catalog index in a thread; ``/ready`` and
the matching routes answer 503 until it is loaded. Matching runs on the event loop's thread
(a record takes a fraction of a millisecond; a batch yields to other requests between
chunks), so one ``poslink.Matcher`` serves every request of the process without locks
contending. A worker that cannot load its index says why on stderr and exits: ``poslink
serve`` then stops with that line.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version as package_version
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel
from starlette.responses import Response

from poslink.api import Matcher, StoredOverrides
from poslink.exceptions import PoslinkError
from poslink.records import Match
from poslink.service.auth import ApiKeyAuth
from poslink.service.errors import BodyLimit, install_handlers
from poslink.service.keys import HEADER, KeyRing, KeyStore
from poslink.service.models import (
    BatchOut,
    ErrorOut,
    ExplainQuery,
    MatchOut,
    RecordIn,
    batch_model,
    match_out,
)
from poslink.service.settings import ServiceSettings, from_environment
from poslink.store.db import DecisionStore

__all__ = ["Service", "create_app"]

log = logging.getLogger("poslink.service")

# Records of a batch matched between two yields to the event loop (about 40 ms of matching
# against 100,000 products): bigger chunks share more bulk lookups, smaller ones make other
# requests wait less.
CHUNK = 500
# Exit code of a worker that could not load its index when uvicorn supervises several: the
# code uvicorn reads as "failed to start" (it then stops, rather than starting it again).
STARTUP_FAILURE = 3


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data).encode(), status, media_type="application/json")


class Service:
    """What one worker process serves from: the decision store's keys and overrides, and
    the matcher once its index is loaded."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.store = DecisionStore(settings.decisions)
        self.keys = KeyRing(KeyStore(self.store), settings.refresh_seconds)
        self.keys.refresh()  # a store that cannot be read stops the start, not a request
        self.overrides = StoredOverrides(self.store, ttl=settings.refresh_seconds)
        self.matcher: Matcher | None = None
        self.load_seconds: float | None = None

    def load(self) -> None:
        """Load (or build) the index, warm it up and publish it; a failure ends the process."""
        s = self.settings
        started = time.perf_counter()
        try:
            options: dict[str, Any] = {
                "config": s.matcher,
                "category_table": s.category_table,
                "source": s.source,
                "table": s.catalog_table,
                "columns": s.catalog_columns or None,
            }
            if s.index is not None:
                matcher = Matcher.load(s.index, catalog=s.catalog, **options)
            else:
                assert s.catalog is not None
                matcher = Matcher.from_catalog(s.catalog, **options)
            matcher.overrides = self.overrides
            matcher.warm_up()
        except PoslinkError as exc:
            self._fail(str(exc))
            return
        except Exception as exc:
            log.exception("cannot load the index")
            self._fail(f"cannot load the index: {exc!r}")
            return
        # The index lives as long as the process: keep the collector from walking it.
        gc.freeze()
        self.load_seconds = time.perf_counter() - started
        self.matcher = matcher
        log.info(
            "poslink: serving %d products (catalog %s), loaded in %.2f s",
            len(matcher),
            matcher.catalog_version,
            self.load_seconds,
        )

    def _fail(self, message: str) -> None:
        print(f"poslink: error: {message}", file=sys.stderr, flush=True)
        if self.settings.failure_file is not None:
            self.settings.failure_file.write_text(message + "\n", encoding="utf-8")
        # Nothing to clean up: no request was served, nothing was written to the store.
        os._exit(2 if self.settings.workers == 1 else STARTUP_FAILURE)

    def ready(self) -> Matcher:
        """The matcher, or a 503 while the index is loading."""
        if self.matcher is None:
            raise HTTPException(503, "the catalog index is still loading", {"Retry-After": "1"})
        return self.matcher

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()


class Coalescer:
    """Matches the single-record requests that arrive together as one batch.

    Under load several requests are read in one turn of the event loop; matched together they
    share the batch path's bulk lookups (a quarter less CPU per record, measured on the 100k
    catalog with 8 connections). A request alone is matched alone, at once.
    """

    def __init__(self, service: Service, most: int = 64) -> None:
        self.service = service
        self.most = most
        self.waiting: list[tuple[RecordIn, asyncio.Future[Match]]] = []
        self.grouped = 0  # records matched in a group of more than one

    async def match(self, record: RecordIn) -> Match:
        """The decision for ``record``, matched with whatever else is waiting."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Match] = loop.create_future()
        self.waiting.append((record, future))
        if len(self.waiting) == 1:
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        group, self.waiting = self.waiting[: self.most], self.waiting[self.most :]
        if self.waiting:
            asyncio.get_running_loop().call_soon(self._flush)
        try:
            matcher = self.service.ready()
            if len(group) == 1:
                found = [matcher.match_one(**group[0][0].fields())]
            else:
                found = matcher.match_records([record.fields() for record, _ in group])
                self.grouped += len(group)
        except Exception as exc:  # each request answers it (a 503, or a logged 500)
            for _, future in group:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), decision in zip(group, found, strict=True):
            if not future.done():  # its client may have gone
                future.set_result(decision)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The app for ``settings`` (default: those ``poslink serve`` put in the environment)."""
    settings = settings or from_environment()
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=service.load, name="poslink-index-load", daemon=True).start()
        yield
        service.close()

    refusals: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorOut, "description": text}
        for code, text in (
            (400, "malformed JSON"),
            (401, f"missing or unknown API key ({HEADER} header)"),
            (413, "body too large"),
            (422, "a record or parameter that is not valid"),
            (503, "the index is still loading"),
        )
    }
    app = FastAPI(
        title="poslink",
        version=package_version("poslink"),
        summary="Link point-of-sale records to a canonical cannabis product catalog.",
        description=(
            f"Every route but `/health` needs an API key in the `{HEADER}` header "
            "(`poslink serve key add NAME`). Decisions are those of `poslink run`, with the "
            "decision store's overrides on top."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # "/v1/match/" is no route: a 404 in JSON, not a redirect a POST client may not follow.
        redirect_slashes=False,
    )
    app.state.service = service
    install_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    open_paths = {"/health", "/ready"} if settings.public_ready else {"/health"}
    app.add_middleware(ApiKeyAuth, keys=service.keys, open_paths=open_paths)
    batch_in = batch_model(settings.max_batch)

    # HEAD too: load balancers and uptime checkers probe with it.
    @app.api_route("/health", methods=["GET", "HEAD"], tags=["probes"])
    async def health() -> dict[str, str]:
        """The process is up (no API key needed)."""
        return {"status": "ok"}

    @app.api_route(
        "/ready",
        methods=["GET", "HEAD"],
        tags=["probes"],
        responses={503: {"description": "still loading"}},
    )
    async def ready() -> Response:
        """200 once the catalog index is loaded and requests are matched, else 503."""
        m = service.matcher
        if m is None:
            return _json({"status": "loading"}, 503)
        return _json(
            {
                "status": "ready",
                "products": len(m),
                "catalog_version": m.catalog_version,
                "load_seconds": round(service.load_seconds or 0.0, 3),
            }
        )

    coalescer = app.state.coalescer = Coalescer(service)

    @app.post("/v1/match", response_model=MatchOut, responses=refusals, tags=["matching"])
    async def match(record: RecordIn) -> Response:
        """The decision for one record."""
        service.ready()  # 503 at once while loading
        found = await coalescer.match(record)
        return _json(match_out(found, record.pos_id))

    async def match_batch(body: BaseModel) -> Response:
        """One decision per record, in the order sent."""
        matcher = service.ready()
        records: list[RecordIn] = body.records  # type: ignore[attr-defined]
        out: list[dict[str, Any]] = []
        for start in range(0, len(records), CHUNK):
            if start:
                await asyncio.sleep(0)  # let single requests in between chunks
            part = records[start : start + CHUNK]
            found = matcher.match_records([r.fields() for r in part])
            out.extend(match_out(m, r.pos_id) for m, r in zip(found, part, strict=True))
        return _json({"matches": out})

    # The body's model is made for this app's batch limit, so it is named here, not above.
    match_batch.__annotations__["body"] = batch_in
    app.post(
        "/v1/match/batch",
        response_model=BatchOut,
        responses=refusals,
        tags=["matching"],
        summary=f"Match up to {settings.max_batch} records",
    )(match_batch)

    @app.get("/v1/explain", responses=refusals, tags=["matching"])
    async def explain(query: Annotated[ExplainQuery, Query()]) -> Response:
        """How a record is parsed, its candidates with what vetoed them, and the decision."""
        explained = service.ready().explain(**query.model_dump())
        return _json(explained.as_dict())

    return app
