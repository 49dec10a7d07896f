"""API keys for the HTTP service: one per integration, kept hashed in the decision store.

A key is 32 random bytes (``secrets``), shown once when it is made; the store keeps its
SHA-256 and its first characters. A key that random needs no slow password hash: nobody can
guess one from its digest. The service reads the active digests into a ``KeyRing`` and reads
them again every few seconds, so a revoked key stops working without a restart.

Nothing here depends on the web framework: any app (this service, a console) can check a
key with ``KeyRing.check``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from poslink.exceptions import ConfigError, StoreError
from poslink.store import schema
from poslink.store.db import DecisionStore, now

__all__ = ["HEADER", "ApiKey", "KeyRing", "KeyStore", "key_digest"]

# The request header a key is sent in.
HEADER = "X-API-Key"
PREFIX = "plk_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_HINT = len(PREFIX) + 6
log = logging.getLogger("poslink.service")


def key_digest(key: str) -> str:
    """What the store keeps of a key: its SHA-256, hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    """One integration's key as the store lists it (never the key itself)."""

    name: str
    hint: str
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        """Whether requests with this key are served."""
        return self.revoked_at is None


class KeyStore:
    """The API keys of a decision store: add, list, revoke, and the active digests."""

    def __init__(self, store: DecisionStore) -> None:
        self.store = store

    def add(self, name: str) -> str:
        """Make the key of integration ``name`` and return it (the only time it is shown).

        An integration has one key: a name with an active key is refused (revoke it first);
        a revoked one gets a new key.
        """
        if not _NAME.match(name):
            raise ConfigError(
                f"API key name {name!r}: 1 to 64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            )
        key = PREFIX + secrets.token_urlsafe(32)
        k = schema.api_keys.c
        row = {"key_hash": key_digest(key), "hint": key[:_HINT], "created_at": now()}
        with self.store.errors("write", "the API keys"), self.store.engine.begin() as con:
            found = con.execute(sa.select(k.revoked_at).where(k.name == name)).first()
            if found is not None and found[0] is None:
                raise ConfigError(
                    f"integration {name!r} already has an active API key; revoke it first"
                )
            try:
                if found is None:
                    con.execute(sa.insert(schema.api_keys).values(name=name, **row))
                else:
                    con.execute(
                        sa.update(schema.api_keys)
                        .where(k.name == name)
                        .values(revoked_at=None, **row)
                    )
            except IntegrityError as exc:  # two equal random keys: not in this universe
                raise StoreError(f"{self.store.where}: API key collision; try again") from exc
        return key

    def list(self) -> list[ApiKey]:
        """Every integration's key, active or revoked, by name."""
        k = schema.api_keys.c
        query = sa.select(k.name, k.hint, k.created_at, k.revoked_at).order_by(k.name)
        with self.store.errors("read", "the API keys"), self.store.engine.connect() as con:
            return [ApiKey(*r) for r in con.execute(query)]

    def revoke(self, name: str) -> bool:
        """Stop serving ``name``'s key; whether it had an active one."""
        k = schema.api_keys.c
        with self.store.errors("write", "the API keys"), self.store.engine.begin() as con:
            result = con.execute(
                sa.update(schema.api_keys)
                .where(k.name == name, k.revoked_at.is_(None))
                .values(revoked_at=now())
            )
            return bool(result.rowcount)

    def active(self) -> dict[str, str]:
        """Digest -> integration name, for every active key."""
        k = schema.api_keys.c
        query = sa.select(k.key_hash, k.name).where(k.revoked_at.is_(None))
        with self.store.errors("read", "the API keys"), self.store.engine.connect() as con:
            return {str(r[0]): str(r[1]) for r in con.execute(query)}


class KeyRing:
    """The active keys as a service checks them, read from the store every ``ttl`` seconds."""

    def __init__(self, keys: KeyStore, ttl: float = 5.0) -> None:
        self.keys = keys
        self.ttl = ttl
        self._read_at = float("-inf")
        self._active: dict[str, str] = {}

    def refresh(self) -> None:
        """Read the active keys now."""
        self._active = self.keys.active()
        self._read_at = time.monotonic()

    def check(self, presented: str | None) -> str | None:
        """The integration a presented key belongs to, or None for a missing or unknown key.

        When the store cannot be read, the keys read last stay in force until it can.
        """
        if time.monotonic() - self._read_at >= self.ttl:
            try:
                self.refresh()
            except StoreError as exc:
                self._read_at = time.monotonic()  # try again after another ttl
                log.warning("API keys not refreshed: %s", exc)
        if not presented:
            return None
        # Looked up by the digest of what was sent: a client cannot steer the digest, so the
        # lookup's timing tells it nothing about any stored key.
        return self._active.get(key_digest(presented))
