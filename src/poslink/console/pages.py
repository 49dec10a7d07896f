"""The console's pages and actions, each behind a session (``guard.py``).

GET pages: ``/queue`` (filters and order in the query string), ``/item/{id}``, ``/learn/{id}``,
``/gaps`` (and ``/gaps.csv``), ``/duplicates``, ``/audit``, ``/knowledge``, ``/admin/users``;
``/search?q=`` answers the type-ahead in JSON. Every POST carries the session's CSRF token.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from poslink.console import actions, auth, guard
from poslink.console.gaps import export as export_gaps
from poslink.console.queue import SORTS, Group, select, sort_named
from poslink.exceptions import ConfigError
from poslink.explain import item_fields
from poslink.store import knowledge
from poslink.store.overrides import parse_answer

router = APIRouter()
PAGE = 50
FILTERS = ("store", "source", "brand", "type", "sort")


def _page(request: Request, name: str, current: auth.Session, **context: Any) -> Response:
    page: Jinja2Templates = request.app.state.templates
    context.update(user=current.user, csrf=current.csrf, nonce=request.state.nonce)
    return page.TemplateResponse(request, name, context)


def _filters(request: Request) -> dict[str, str]:
    found = {k: request.query_params.get(k, "")[:200] for k in FILTERS}
    found["sort"] = sort_named(found["sort"])
    return found


def _selected(request: Request, filters: dict[str, str]) -> list[Group]:
    bench = guard.bench(request)
    with bench.lock:
        groups = list(bench.queue.groups)
    return select(
        groups,
        store=filters["store"],
        source=filters["source"],
        brand=filters["brand"],
        product_type=filters["type"],
        sort=filters["sort"] or "impact",
    )


def _query(filters: dict[str, str]) -> str:
    kept = {k: v for k, v in filters.items() if v}
    return f"?{urlencode(kept)}" if kept else ""


def _safe_next(target: str) -> str:
    """A redirect target inside the console only (no scheme, no host)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/queue"
    return target


@router.get("/", response_class=HTMLResponse)
def home(current: guard.Current) -> Response:
    """The queue is the home page."""
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request, current: guard.Current, page: int = Query(1, ge=1)) -> Response:
    """The queue: filters, order, one page of groups."""
    filters = _filters(request)
    groups = _selected(request, filters)
    bench = guard.bench(request)
    pages = _pages(len(groups))
    page = min(page, pages)
    start = (page - 1) * PAGE
    return _page(
        request,
        "queue.html",
        current,
        groups=groups[start : start + PAGE],
        total=len(groups),
        page=page,
        pages=pages,
        filters=filters,
        query=_query(filters),
        facets=bench.queue.facets(),
        sorts=list(SORTS),
    )


@router.get("/item/{gid}", response_class=HTMLResponse)
def item_page(request: Request, gid: str, current: guard.Current) -> Response:
    """One item: listings, parsed fields, candidates with their explanation, search."""
    bench = guard.bench(request)
    group = bench.group(gid)
    if group is None:
        raise HTTPException(404, "no such item: it may have been decided; see the queue")
    filters = _filters(request)
    order = [g.id for g in _selected(request, filters)]
    at = order.index(gid) if gid in order else -1
    later = order[at + 1] if at >= 0 and at + 1 < len(order) else None
    if at < 0:
        later = order[0] if order else None
    earlier = order[at - 1] if at > 0 else None
    query = _query(filters)
    item, origins = bench.parsers.explain(group.listings[0])
    fields = item_fields(item)
    decided = bench.done.get(gid, (None, ""))[1]
    return _page(
        request,
        "item.html",
        current,
        group=group,
        fields=fields,
        origins=origins,
        decided=decided,
        next_url=f"/item/{later}{query}" if later else f"/queue{query}",
        prev_url=f"/item/{earlier}{query}" if earlier else "",
        query=query,
        position=at + 1,
        total=len(order),
    )


@router.post("/item/{gid}/decide")
def decide(
    request: Request,
    gid: str,
    current: guard.Checked,
    answer: Annotated[str, Form(max_length=32)],
    next_url: Annotated[str, Form(alias="next", max_length=2000)] = "/queue",
) -> Response:
    """Resolve an item to a catalog id or "none"; then teach, or go on to the next."""
    bench = guard.bench(request)
    group = bench.group(gid)
    if group is None:
        raise HTTPException(404, "no such item")
    try:
        value = parse_answer(answer)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    if value is not None and value not in bench.products:
        raise HTTPException(400, f"catalog id {value} is not in the catalog")
    audit_id = bench.decide(current.user.name, group, answer)
    target = _safe_next(next_url)
    if audit_id in bench.pending:
        return RedirectResponse(f"/learn/{audit_id}?{urlencode({'next': target})}", 303)
    return RedirectResponse(target, status_code=303)


@router.get("/learn/{audit_id}", response_class=HTMLResponse)
def learn_page(
    request: Request,
    audit_id: int,
    current: guard.Current,
    next_url: str = Query("/queue", alias="next"),
) -> Response:
    """The lessons a decision proposes, for its reviewer to confirm."""
    bench = guard.bench(request)
    pending = bench.pending.get(audit_id)
    if pending is None or pending.user != current.user.name:
        return RedirectResponse(_safe_next(next_url), status_code=303)
    group = bench.group(pending.group)
    return _page(
        request,
        "learn.html",
        current,
        audit_id=audit_id,
        proposals=pending.proposals,
        group=group,
        next_url=_safe_next(next_url),
    )


@router.post("/learn/{audit_id}")
async def learn(request: Request, audit_id: int, current: guard.Checked) -> Response:
    """Store the ticked lessons with their scopes."""
    bench = guard.bench(request)
    form = await request.form()
    taken = {str(v) for v in form.getlist("take")}
    chosen: dict[str, tuple[str, str]] = {}
    for key in taken:
        scope, _, value = str(form.get(f"scope:{key}", "")).partition("|")
        try:
            chosen[key] = knowledge.check_scope(scope, value)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from exc
    bench.teach(current.user.name, audit_id, chosen)
    return RedirectResponse(_safe_next(str(form.get("next", "/queue"))), status_code=303)


@router.post("/undo")
async def undo(request: Request, current: guard.Checked) -> Response:
    """Undo the reviewer's latest decision or lessons."""
    bench = guard.bench(request)
    row = bench.undo(current.user.name)
    if row is not None and row.action == actions.DECIDE and bench.group(row.subject):
        return RedirectResponse(f"/item/{row.subject}", status_code=303)
    form = await request.form()
    return RedirectResponse(_safe_next(str(form.get("next", "/queue"))), status_code=303)


@router.post("/refresh")
def refresh(request: Request, current: guard.Checked) -> Response:
    """Read the store again."""
    guard.bench(request).refresh()
    return RedirectResponse("/queue", status_code=303)


@router.get("/search")
def search(
    request: Request, current: guard.Current, q: str = Query("", max_length=200)
) -> Response:
    """The type-ahead: catalog products matching ``q``, as JSON."""
    found = guard.bench(request).search.search(q)
    return JSONResponse(
        [
            {
                "id": p.id,
                "brand": p.brand,
                "name": p.name,
                "type": p.product_type,
                "subtype": p.product_subtype,
                "lineage": p.lineage,
                "amount": p.amount,
            }
            for p in found
        ]
    )


@router.get("/gaps", response_class=HTMLResponse)
def gaps_page(request: Request, current: guard.Current, page: int = Query(1, ge=1)) -> Response:
    """Catalog gaps as proposed products."""
    products = guard.bench(request).gaps()
    pages = _pages(len(products))
    page = min(page, pages)
    start = (page - 1) * PAGE
    return _page(
        request,
        "gaps.html",
        current,
        products=list(enumerate(products[start : start + PAGE], start=start + 1)),
        total=len(products),
        page=page,
        pages=pages,
    )


def _pages(count: int) -> int:
    """Pages of ``PAGE`` rows (at least one); a page asked for past the last shows the last."""
    return max(1, (count + PAGE - 1) // PAGE)


@router.get("/gaps.csv")
def gaps_csv(request: Request, current: guard.Current) -> Response:
    """The proposed products as a CSV download."""
    import tempfile
    from pathlib import Path

    products = guard.bench(request).gaps()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "proposals.csv"
        export_gaps(products, path)
        body = path.read_bytes()
    return Response(
        body,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="proposals.csv"'},
    )


@router.get("/duplicates", response_class=HTMLResponse)
def duplicates_page(request: Request, current: guard.Current) -> Response:
    """Catalog duplicates."""
    return _page(request, "duplicates.html", current, groups=guard.bench(request).duplicates())


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, current: guard.Current) -> Response:
    """The latest audit rows."""
    bench = guard.bench(request)
    rows = actions.history(bench.store)
    titles = {r.subject: g.title for r in rows if (g := bench.group(r.subject)) is not None}
    return _page(request, "audit.html", current, rows=rows, titles=titles)


@router.get("/knowledge", response_class=HTMLResponse)
def knowledge_page(request: Request, current: guard.Current) -> Response:
    """Taught knowledge."""
    entries = knowledge.entries(guard.bench(request).store)
    return _page(request, "knowledge.html", current, entries=entries)


@router.post("/knowledge/{lesson_id}/delete")
def knowledge_delete(request: Request, lesson_id: int, current: guard.AdminChecked) -> Response:
    """Forget a lesson (admins)."""
    bench = guard.bench(request)
    knowledge.remove(bench.store, [lesson_id])
    actions.record_action(bench.store, current.user.name, "forget", str(lesson_id))
    bench.refresh()
    return RedirectResponse("/knowledge", status_code=303)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, current: guard.Admin, error: str = "") -> Response:
    """Users (admins)."""
    people = auth.users(guard.bench(request).store)
    return _page(request, "users.html", current, people=people, error=error[:200])


@router.post("/admin/users")
def users_add(
    request: Request,
    current: guard.AdminChecked,
    name: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=16)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Add a user (admins)."""
    bench = guard.bench(request)
    try:
        auth.add_user(bench.store, name, role, password)
    except ConfigError as exc:
        return RedirectResponse(f"/admin/users?{urlencode({'error': str(exc)})}", 303)
    actions.record_action(bench.store, current.user.name, "user add", name.strip(), role)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}/delete")
def users_delete(request: Request, name: str, current: guard.AdminChecked) -> Response:
    """Remove a user (admins)."""
    bench = guard.bench(request)
    if name == current.user.name:
        raise HTTPException(400, "you cannot remove yourself")
    if auth.remove_user(bench.store, name):
        actions.record_action(bench.store, current.user.name, "user remove", name)
    return RedirectResponse("/admin/users", status_code=303)
