"""Console users, passwords, sessions, CSRF tokens and the login rate limit.

- Users and their roles (``reviewer``, ``admin``) live in the decision store; a password is
  kept only as its argon2id hash (argon2-cffi).
- A session is a random token in an HttpOnly, SameSite=Strict cookie; the store keeps its
  SHA-256 (a copy of the table gives no usable session), its user, its CSRF token and when it
  expires.
- Every state-changing request carries the session's CSRF token (a form field or the
  ``X-CSRF-Token`` header), compared in constant time.
- Logins are rate limited per client address and per user name: after ``MAX_FAILURES``
  failures within ``WINDOW`` seconds, further attempts are refused until the window passes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from poslink.exceptions import ConfigError
from poslink.store import schema
from poslink.store.db import DecisionStore, now

ROLES = ("reviewer", "admin")
SESSION_SECONDS = 12 * 3600
MAX_FAILURES = 5
WINDOW = 300.0
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# Verified against when the user does not exist, so that a login takes as long either way.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class User:
    """A console user."""

    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        """Whether the user may manage users and lessons."""
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in user and the CSRF token their forms must carry."""

    user: User
    csrf: str


def check_user(name: str, role: str, password: str) -> str:
    """The user name, trimmed; ``ConfigError`` (a bad value given: exit 2 on the command line)
    for a bad name, role or password."""
    name = name.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise ConfigError("a user name is 1-64 letters, digits or . _ - @")
    if role not in ROLES:
        raise ConfigError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"a password has at least {MIN_PASSWORD} characters")
    return name


def add_user(store: DecisionStore, name: str, role: str, password: str) -> User:
    """Add a user, or replace their role and password."""
    name = check_user(name, role, password)
    u = schema.console_users
    row = {"password_hash": _hasher.hash(password), "role": role, "created_at": now()}
    with store.errors("write"), store.engine.begin() as con:
        found = con.execute(sa.select(u.c.name).where(u.c.name == name)).first()
        if found is None:
            con.execute(sa.insert(u).values(name=name, **row))
        else:
            con.execute(sa.update(u).where(u.c.name == name).values(**row))
            # A new password ends the user's sessions.
            s = schema.console_sessions
            con.execute(sa.delete(s).where(s.c.user_name == name))
    return User(name, role)


def remove_user(store: DecisionStore, name: str) -> bool:
    """Remove a user and end their sessions; whether there was one."""
    u, s = schema.console_users, schema.console_sessions
    with store.errors("write"), store.engine.begin() as con:
        con.execute(sa.delete(s).where(s.c.user_name == name))
        return bool(con.execute(sa.delete(u).where(u.c.name == name)).rowcount)


def users(store: DecisionStore) -> list[User]:
    """Every user, by name."""
    u = schema.console_users.c
    with store.errors("read"), store.engine.connect() as con:
        rows = con.execute(sa.select(u.name, u.role).order_by(u.name))
        return [User(str(r[0]), str(r[1])) for r in rows]


def verify(store: DecisionStore, name: str, password: str) -> User | None:
    """The user when the password is theirs, else None (as slow for an unknown name)."""
    u = schema.console_users.c
    with store.errors("read"), store.engine.connect() as con:
        row = con.execute(sa.select(u.password_hash, u.role).where(u.name == name.strip())).first()
    try:
        _hasher.verify(row[0] if row is not None else _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return User(name.strip(), str(row[1])) if row is not None else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: DecisionStore, user: User) -> str:
    """A new session for ``user``; its token (for the cookie)."""
    token = secrets.token_urlsafe(32)
    s = schema.console_sessions
    with store.errors("write"), store.engine.begin() as con:
        con.execute(sa.delete(s).where(s.c.expires < time.time()))
        con.execute(
            sa.insert(s).values(
                token_hash=_digest(token),
                user_name=user.name,
                csrf=secrets.token_urlsafe(32),
                expires=time.time() + SESSION_SECONDS,
            )
        )
    return token


def session(store: DecisionStore, token: str | None) -> Session | None:
    """The live session of a cookie's token, with its user's current role; None otherwise."""
    if not token or len(token) > 128:
        return None
    s, u = schema.console_sessions.c, schema.console_users.c
    query = (
        sa.select(s.user_name, s.csrf, u.role)
        .join_from(schema.console_sessions, schema.console_users, s.user_name == u.name)
        .where(s.token_hash == _digest(token), s.expires > time.time())
    )
    with store.errors("read"), store.engine.connect() as con:
        row = con.execute(query).first()
    return None if row is None else Session(User(str(row[0]), str(row[2])), str(row[1]))


def end_session(store: DecisionStore, token: str | None) -> None:
    """Forget a session."""
    if token:
        s = schema.console_sessions
        with store.errors("write"), store.engine.begin() as con:
            con.execute(sa.delete(s).where(s.c.token_hash == _digest(token)))


def same_token(given: str | None, expected: str) -> bool:
    """Whether a request's CSRF token is the session's (constant-time)."""
    return bool(given) and hmac.compare_digest(str(given), expected)


class RateLimit:
    """Failed logins per key (client address, user name) within a sliding window."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, at: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= at - self.window:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> bool:
        """Whether any of these keys has used up its attempts."""
        at = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, at)) >= self.limit for k in keys)

    def failed(self, *keys: str) -> None:
        """Count a failed attempt against each key."""
        at = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, at).append(at)
            if len(self._failures) > 10_000:  # forget idle keys: memory stays bounded
                for k in [k for k, v in self._failures.items() if not v]:
                    del self._failures[k]
