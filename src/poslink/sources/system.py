"""The base of the named POS systems' sources: a saved export, or a pull from the system's API.

A system's source (``dutchie.py``, ``flowhub.py``, ...) says where a document keeps its
records (``records_at``), how its API authenticates and pages, and how one record of the
system becomes :class:`Draft` records (one per variant for a nested menu). This base does the
rest, the same way for every system:

- ``--pos FILE``: one saved document, the API's answer as saved (an array, or the system's
  wrapper object); ``--pos DIR``: a folder of saved pages, read in natural order (``page-2``
  before ``page-10``); ``--pos NAME+https://...`` or the ``url`` option: a pull
  (``pull.py``), whose pages are spooled to a temporary folder (or ``save_pages``) and then
  read like saved ones, so ``fields`` and ``records`` read one consistent copy;
- every document streamed with ijson (``json_items.py``): exact error positions, no whole
  document in memory;
- validation: an id, a usable name, a numeric quantity, or a ``SkippedRecord`` naming the
  document, the record and the field; the original fields flattened with dotted names.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import weakref
from abc import abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, Field, SecretStr

from poslink.exceptions import ConfigError, InputError, OutputError, SkippedRecord
from poslink.records import PosRecord
from poslink.sources.base import Source
from poslink.sources.drafts import Draft
from poslink.sources.json_items import Opener, first_char, found_at, iter_items
from poslink.sources.paging import Paging, Single
from poslink.sources.pull import Auth, Puller, PullOptions, pull_target
from poslink.sources.redaction import SecretText, check_url, safe_url
from poslink.sources.validate import kind_of, usable_name
from poslink.sources.values import number_of, text_of

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Secret:
    """A credential a system's API needs: the source option and the environment variable."""

    option: str
    env: str
    what: str
    required: bool = True


class OAuthOptions(PullOptions):
    """The credentials of an API that takes an OAuth2 bearer token (client credentials)."""

    access_token: SecretText = Field(None, description="a bearer token, if you have one")
    client_id: SecretText = Field(None, description="the OAuth2 client id")
    client_secret: SecretText = Field(None, description="the OAuth2 client secret")
    token_url: str | None = Field(
        None, description="where client credentials get a token (default: the system's)"
    )


def oauth_secrets(system: str) -> tuple[Secret, ...]:
    """A bearer token, or the client id and secret to get one: ``SYSTEM_ACCESS_TOKEN``, ..."""
    prefix = system.upper()
    return (
        Secret("access_token", f"{prefix}_ACCESS_TOKEN", "a bearer token", required=False),
        Secret("client_id", f"{prefix}_CLIENT_ID", "the OAuth2 client id", required=False),
        Secret("client_secret", f"{prefix}_CLIENT_SECRET", "the client secret", required=False),
    )


def oauth(source: SystemSource, secrets: Mapping[str, str], token_path: str) -> Auth:
    """A bearer token, or client credentials exchanged at ``token_url`` (default: the API's
    host and ``token_path``)."""
    values = tuple(secrets.values())
    if secrets.get("access_token"):
        return Auth(bearer=secrets["access_token"], secrets=values)
    if secrets.get("client_id") and secrets.get("client_secret"):
        options = source.options
        url = getattr(options, "token_url", None) or urljoin(source.api, token_path)
        check_url(url, f"source {source.name!r} option token_url")
        client = (secrets["client_id"], secrets["client_secret"])
        return Auth(token_url=url, client=client, secrets=values)
    env = source.name.upper()
    raise ConfigError(
        f"{source.name}: pulling from the API needs a bearer token ({env}_ACCESS_TOKEN, or"
        f" source option access_token), or a client id and secret ({env}_CLIENT_ID and"
        f" {env}_CLIENT_SECRET, or source options client_id and client_secret)"
    )


def saved_pages(folder: Path) -> list[Path]:
    """The ``.json`` files of a folder of saved pages, in natural order."""
    try:
        pages = [
            p
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() == ".json" and not p.name.startswith(".")
        ]
    except OSError as exc:
        raise InputError(f"{folder}: cannot be read: {exc.strerror}") from exc
    if not pages:
        raise InputError(f"{folder}: no saved pages (.json files) in this folder")
    return sorted(pages, key=_natural)


def _natural(path: Path) -> list[Any]:
    return [int(p) if p.isdigit() else p.lower() for p in _DIGITS.split(path.name)]


class SystemSource(Source):
    """A named POS system: a saved export (file or folder of pages) or a pull from its API."""

    Options: ClassVar[type[BaseModel]] = PullOptions
    options: PullOptions
    formats: ClassVar[tuple[str, ...]] = ("json-object", "json-array")
    # Where a document that is an object keeps its records (a bare array is read as it is).
    records_at: ClassVar[tuple[str, ...]] = ()
    # The path a bare API URL ("https://api.example.com") is completed with.
    endpoint: ClassVar[str] = ""
    secrets: ClassVar[tuple[Secret, ...]] = ()
    default_page_size: ClassVar[int] = 500

    def __init__(self, path: Path | str, options: BaseModel | Mapping[str, Any] | None = None):
        super().__init__(path, options)
        self._url = self._api_url()
        self._files: list[Path] | None = None
        self._labels: dict[Path, str] = {}
        self._fields: list[str] | None = None

    # -- what each system says -----------------------------------------------------------

    @abstractmethod
    def drafts(self, item: dict[str, Any], what: str) -> Iterator[Draft]:
        """The records one of the system's records holds (one per variant, or itself)."""

    def paging(self, size: int) -> Paging:
        """How the system's API pages, ``size`` records a page."""
        return Single()

    def auth(self, secrets: Mapping[str, str]) -> Auth:
        """How the system's API authenticates, given the credentials found."""
        return Auth(secrets=tuple(secrets.values()))

    # -- the source ----------------------------------------------------------------------

    @classmethod
    def pulls_from(cls, location: str) -> bool:
        """Whether ``location`` is an API this source pulls (``https://``, ``NAME+https://``)."""
        return pull_target(location) is not None

    @property
    def api(self) -> str:
        """The API URL pulled from ("" when the source reads saved files)."""
        return self._url or ""

    @property
    def pulls(self) -> bool:
        """Whether this source pulls from an API (else it reads saved files)."""
        return self._url is not None

    @property
    def fields(self) -> list[str]:
        """Every flattened field of the records, in first-seen order (a first pass)."""
        if self._fields is None:
            keys: dict[str, None] = {}
            for what, item in self._items():
                if isinstance(item, dict):
                    for draft in self.drafts(item, what):
                        keys.update(dict.fromkeys(draft.raw))
            self._fields = list(keys)
        return list(self._fields)

    def records(self) -> Iterator[PosRecord | SkippedRecord]:
        """Every record of every document, in order; ``row`` counts across documents."""
        row = 0
        for what, item in self._items():
            if not isinstance(item, dict):
                yield SkippedRecord(f"{what} is {kind_of(item)}, not an object", row=row, raw={})
                row += 1
                continue
            for draft in self.drafts(item, what):
                yield self._finish(row, draft)
                row += 1

    def check_readable(self) -> None:
        """A pull needs its credentials; a folder needs pages; a file must be readable."""
        if self._url is not None:
            self._secret_values()
        elif self.path.is_dir():
            saved_pages(self.path)
        else:
            super().check_readable()

    # -- reading -------------------------------------------------------------------------

    def _documents(self) -> list[Path]:
        if self._files is None:
            if self._url is not None:
                files = self._pull(self._url)
                self._labels = {f: f"{self.name} page {n}" for n, f in enumerate(files, 1)}
            elif self.path.is_dir():
                files = saved_pages(self.path)
            else:
                self.check_readable()
                files = [self.path]
            self._files = files
        return self._files

    def _items(self) -> Iterator[tuple[str, Any]]:
        for document in self._documents():
            label = self._labels.get(document, document.name)
            prefix = self._prefix(document)
            for n, item in enumerate(iter_items(document, prefix, self._opener(document)), 1):
                yield f"{label} record {n}", item

    def _opener(self, document: Path) -> Opener | None:
        """The source's own reading for its export file (decompressed, bounded, hashed);
        saved or pulled pages are read as they are."""
        return self.open_bytes if document == self.path else None

    def _prefix(self, document: Path) -> str:
        """The ijson prefix of the document's records: a bare array or the system's wrapper."""
        opener = self._opener(document)
        if first_char(document, opener) != "{":
            return "item"  # an array, or text that iter_items reports as invalid JSON
        for path in self.records_at:
            if path and found_at(document, path, opener) == "array":
                return f"{path}.item"
        where = " or ".join(repr(p) for p in self.records_at if p)
        at = f" or at {where}" if where else ""
        raise InputError(f"{document}: no {self.name} records: expected an array{at}")

    def _finish(self, row: int, draft: Draft) -> PosRecord | SkippedRecord:
        raw, what = draft.raw, draft.what
        pos_id = text_of(draft.pos_id)
        category = text_of(draft.category) or ""
        if draft.problem:
            reason = f"{what}: {draft.problem}"
            return SkippedRecord(reason, row=row, pos_id=pos_id or "", raw=raw, category=category)
        if not pos_id:
            reason = f"{what}: no id ({draft.id_key})"
            return SkippedRecord(reason, row=row, raw=raw, category=category)
        name = text_of(draft.name) if not isinstance(draft.name, bool | int | float) else None
        if name is None or not usable_name(name):
            reason = f"{what}: no usable name ({draft.name_key})"
            return SkippedRecord(reason, row=row, pos_id=pos_id, raw=raw, category=category)
        quantity = number_of(draft.quantity)
        if draft.quantity not in (None, "") and quantity is None:
            found = repr(draft.quantity) if isinstance(draft.quantity, str) else None
            reason = (
                f"{what}: {draft.quantity_key} must be a number, found "
                f"{found or kind_of(draft.quantity)}"
            )
            return SkippedRecord(reason, row=row, pos_id=pos_id, raw=raw, category=category)
        return PosRecord(
            row=row,
            source=self.name,
            pos_id=pos_id,
            name=name,
            category=category,
            quantity=quantity,
            brand=text_of(draft.brand),
            product_type=text_of(draft.product_type),
            lineage=text_of(draft.lineage),
            weight=draft.weight,
            raw=raw,
        )

    # -- pulling -------------------------------------------------------------------------

    def _api_url(self) -> str | None:
        """The API this source pulls from (``--pos`` or the ``url`` option), or None."""
        given = pull_target(self.location)
        option = pull_target(self.options.url) if self.options.url else None
        if self.options.url and option is None:
            raise ConfigError(f"source {self.name!r} option url: not an http(s) URL")
        if given and option and option[1] != given[1]:
            raise ConfigError(
                f"source {self.name!r}: the API is given twice (--pos and option url); give one"
            )
        if option and not given and self.location not in ("", "."):
            raise ConfigError(
                f"source {self.name!r}: option url pulls from an API, --pos {self.location}"
                " names a file; give one of them"
            )
        target = given or option
        if target is None:
            return None
        named, url = target
        if named and named != self.name:
            raise ConfigError(
                f"{named}+{safe_url(url)}: the API is named for source {named!r}, the source is"
                f" {self.name!r}"
            )
        check_url(url, f"source {self.name!r}")
        if urlsplit(url).path in ("", "/") and self.endpoint:
            url = url.rstrip("/") + self.endpoint
        return url

    def _secret_values(self) -> dict[str, str]:
        """The credentials, from the source options or else their environment variables."""
        found: dict[str, str] = {}
        missing: list[Secret] = []
        for secret in self.secrets:
            value = getattr(self.options, secret.option, None)
            text = value.get_secret_value() if isinstance(value, SecretStr) else value
            text = text or os.environ.get(secret.env, "")
            if text:
                found[secret.option] = str(text)
            elif secret.required:
                missing.append(secret)
        if missing:
            needs = "; ".join(
                f"{s.what} (environment variable {s.env}, or source option {s.option})"
                for s in missing
            )
            raise ConfigError(f"{self.name}: pulling from the API needs {needs}")
        return found

    def _pull(self, url: str) -> list[Path]:
        secrets = self._secret_values()
        # A key that belongs in the URL's path ("/menu_integration/{integration_key}/menu").
        needed = [s for s in self.secrets if f"{{{s.option}}}" in url and s.option not in secrets]
        if needed:
            s = needed[0]
            raise ConfigError(
                f"{self.name}: {safe_url(url)} needs {s.what} (environment variable {s.env}, or"
                f" source option {s.option})"
            )
        url = _PLACEHOLDER.sub(lambda m: secrets.get(m.group(1), m.group(0)), url)
        size = self.options.page_size or self.default_page_size
        puller = Puller(
            url,
            label=self.name,
            auth=self.auth(secrets),
            paging=self.paging(size),
            records_at=self.records_at,
            options=self.options,
        )
        spool = Path(tempfile.mkdtemp(prefix="poslink-pull-"))
        # Removed with the source, by the process that made it (never by a forked worker).
        weakref.finalize(self, _remove_spool, spool, os.getpid())
        files = puller.pull(spool)
        if self.options.save_pages:
            files = _save(files, Path(self.options.save_pages))
        return files


def _remove_spool(spool: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(spool, ignore_errors=True)


def _save(files: list[Path], folder: Path) -> list[Path]:
    """The pulled pages moved into ``folder``, replacing the pages an earlier pull left there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("page-*.json"):
            old.unlink()
        return [Path(shutil.move(str(f), folder / f.name)) for f in files]
    except OSError as exc:
        raise OutputError(f"{folder}: cannot save the pulled pages: {exc.strerror}") from exc
