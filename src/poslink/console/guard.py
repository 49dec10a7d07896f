"""Who may do what: the request dependencies every console route but the login page uses.

- ``signed_in``: the session of the request's cookie, else ``NotSignedIn`` (a page request is
  sent to the login page, anything else gets 401);
- ``checked``: ``signed_in`` plus the CSRF token of a state-changing request (form field
  ``csrf`` or header ``X-CSRF-Token``), else 403;
- ``admin`` / ``admin_checked``: the same, for admins only (403 for a reviewer).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from poslink.console import auth
from poslink.console.workbench import Workbench

COOKIE = "poslink_session"
LOGIN_COOKIE = "poslink_login"  # the login form's CSRF token (double submit), before a session


class NotSignedIn(Exception):
    """The request has no live session."""


def bench(request: Request) -> Workbench:
    """The console's workbench."""
    found: Workbench = request.app.state.bench
    return found


def signed_in(request: Request) -> auth.Session:
    """The request's session (``NotSignedIn`` without one)."""
    found = auth.session(bench(request).store, request.cookies.get(COOKIE))
    if found is None:
        raise NotSignedIn()
    request.state.session = found
    return found


Current = Annotated[auth.Session, Depends(signed_in)]


async def checked(request: Request, current: Current) -> auth.Session:
    """The session, once the request's CSRF token is proven to be the session's."""
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not auth.same_token(given, current.csrf):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page")
    return current


Checked = Annotated[auth.Session, Depends(checked)]


def admin(current: Current) -> auth.Session:
    """An admin's session (403 for anyone else)."""
    if not current.user.is_admin:
        raise HTTPException(403, "only an admin may do this")
    return current


def admin_checked(current: Checked) -> auth.Session:
    """An admin's session with a proven CSRF token."""
    return admin(current)


Admin = Annotated[auth.Session, Depends(admin)]
AdminChecked = Annotated[auth.Session, Depends(admin_checked)]
