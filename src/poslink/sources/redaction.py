"""Keeping credentials out of every message, log record and file a pull writes.

Credentials travel only in the requests. :class:`Redactor` replaces each secret value with
``***`` in a text and, while a pull runs, in the log records of httpx and httpcore; ``safe_url``
shows a URL without user info or secret-looking query values; a credential given as a source
option is a :data:`SecretText` (pydantic's ``SecretStr``: never printed).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BeforeValidator, SecretStr

from poslink.exceptions import ConfigError

# Query parameters whose values are never shown (a pulled API's, a database URL's).
SECRET_PARAM = re.compile(r"key|token|secret|password|passwd|auth|signature|sig$", re.I)


def _as_text(value: Any) -> Any:
    """A secret as text, whatever was given: a validation error would print the value.

    A number is its text; anything else that is not text counts as not given (the run then
    says which credential it needs).
    """
    if isinstance(value, str | SecretStr) or value is None:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


# A credential as a source option: never printed (``SecretStr``), numbers taken as text.
SecretText = Annotated[SecretStr | None, BeforeValidator(_as_text)]


def safe_url(url: str) -> str:
    """A URL fit for a message: no user name or password, secret query values as ``***``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    query = [
        (k, "***" if SECRET_PARAM.search(k) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, host, parts.path, urlencode(query, safe="*[]"), ""))


def check_url(url: str, what: str) -> str:
    """``url`` if it is http(s) without user info (credentials go in options); else ConfigError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what}: {safe_url(url)} is not an http(s) URL")
    if parts.username or parts.password:
        raise ConfigError(
            f"{what}: {safe_url(url)}: give the credentials in their environment variables or"
            " source options, not in the URL"
        )
    return url


def one_line(text: str) -> str:
    """The text on one line, runs of white space as one space."""
    return " ".join(text.split())


class Redactor(logging.Filter):
    """Replaces secrets with ``***``: in texts, and in httpx's and httpcore's log records while
    installed (``with Redactor(secrets): ...``)."""

    _LOGGERS = ("httpx", "httpcore")

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """More values to hide (a token obtained during the pull)."""
        self._secrets = sorted({*self._secrets, *(s for s in secrets if s)}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message with its arguments, redacted."""
        record.msg = self(record.getMessage())
        record.args = None
        return True

    def __enter__(self) -> Redactor:
        for name in self._LOGGERS:
            logging.getLogger(name).addFilter(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for name in self._LOGGERS:
            logging.getLogger(name).removeFilter(self)
