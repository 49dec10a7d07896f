"""The run configuration: one validated object built from a TOML file, flags and environment.

Precedence, strongest first: command-line flags, the configuration file (``--config``),
``POSLINK_...`` environment variables, the defaults below. An error names the key and where it
was set (the file, the variable or the flag).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from poslink.domain.knowledge import load_category_table
from poslink.exceptions import ConfigError, PoslinkError, first_error
from poslink.files.locations import is_url

ENV_PREFIX = "POSLINK_"
# Keys whose values are paths; in a file they are relative to the file's folder.
_PATH_KEYS = (
    ("pos",),
    ("out",),
    ("catalog",),
    ("index",),
    ("decisions",),
    ("source_options", "category_table"),
)


class MatcherConfig(BaseModel):
    """How sure the matcher must be before it gives an id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="least probability that the id is right (match_score) to give it",
    )
    margin: float = Field(
        0.1, ge=0.0, le=1.0, description="a runner-up this close to the best makes it ambiguous"
    )
    unbranded_threshold: float | None = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="least probability to give an id to a record naming no catalog brand (its "
        "exact name across brands, or a brand read from a product line's word); none: never",
    )

    @field_validator("unbranded_threshold", mode="before")
    @classmethod
    def _never(cls, value: object) -> object:
        """TOML and the environment have no null: the word ``none`` says never."""
        if isinstance(value, str) and value.strip().lower() in ("none", "never"):
            return None
        return value


class Timeouts(BaseModel):
    """How long poslink waits on what another program holds or serves, in seconds.

    A wait that runs out is a retryable error (exit code 75): the next run may succeed.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    lock: float = Field(
        30.0, gt=0, description="a SQLite catalog or decision store another program has locked"
    )
    connect: float = Field(
        10.0, gt=0, description="a database server to answer a connection (PostgreSQL: 2 or more)"
    )
    statement: float = Field(300.0, gt=0, description="one statement on a database server")


class RunConfig(BaseModel):
    """What one run reads, how it matches and where it writes."""

    model_config = ConfigDict(extra="forbid")

    pos: Path = Field(description="the POS export to read (spark: or a URL)")
    catalog: str = Field(description="the catalog: a SQLite path or a database URL")
    out: Path = Field(description="the output file (spark: or a URL)")
    source: str = Field("jane-json", description="the POS source: a short name or dotted path")
    source_options: dict[str, Any] = Field(
        default_factory=dict, description="the source's options (see `poslink sources`)"
    )
    catalog_kind: str | None = Field(None, description="the catalog plugin (default: by address)")
    catalog_table: str = Field("products", description="the catalog's table")
    catalog_columns: dict[str, str] = Field(
        default_factory=dict, description="catalog columns renamed: poslink's name -> the table's"
    )
    index: Path | None = Field(
        None, description="a saved index of the catalog (`poslink index build`)"
    )
    sink: str = Field("csv", description="the output format")
    engine: str = Field("local", description="the engine that runs the match")
    engine_options: dict[str, Any] = Field(default_factory=dict, description="engine options")
    matcher: MatcherConfig = Field(default_factory=MatcherConfig)
    decisions: str | None = Field(
        None,
        description="the decision store (SQLite path or database URL): reuse decisions across "
        "runs, apply overrides",
    )
    store_id: str | None = Field(
        None, description="the store the export comes from (default: the export's file name)"
    )
    full: bool = Field(False, description="with a decision store: match every record again")
    timeouts: Timeouts = Field(default_factory=Timeouts)
    max_reject_rate: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="the share of records the source may reject before the run exits 1",
    )
    # ``pos`` and ``out`` as given when they are URLs: a Path would fold "s3a://" to "s3a:/".
    _urls: dict[str, str] = PrivateAttr(default_factory=dict)
    # Where each key was set (``load_run_config``): for what is checked only once the run
    # builds its parts (the engine's options), named as a key checked on reading is.
    _origins: dict[tuple[str, ...], tuple[Layer, str]] = PrivateAttr(default_factory=dict)
    _file: Path | None = PrivateAttr(None)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_urls(cls, data: Any, handler: ModelWrapValidatorHandler[RunConfig]) -> RunConfig:
        urls = {}
        if isinstance(data, Mapping):
            urls = {k: data[k] for k in ("pos", "out") if is_url(data.get(k, ""))}
        config = handler(data)
        config._urls.update(urls)
        return config

    def where(self, key: tuple[str, ...]) -> str | None:
        """Where ``key`` was set (file and key, environment variable, flag), as error messages
        name it; None for a configuration not read by ``load_run_config`` (the Python API)."""
        if not self._origins and self._file is None:
            return None
        return _where(key, self._origins, self._file)

    def location(self, key: Literal["pos", "out"]) -> Path | str:
        """The input or output as given: a URL (``s3a://bucket/key``) whole, else the path."""
        return self._urls.get(key) or getattr(self, key)


@dataclass
class Layer:
    """Settings from one place, each key remembered with how the user wrote it."""

    label: str
    data: dict[str, Any] = field(default_factory=dict)
    written: dict[tuple[str, ...], str] = field(default_factory=dict)

    def set(self, key: tuple[str, ...], value: Any, written: str) -> None:
        """Set a (nested) key."""
        node = self.data
        for part in key[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[key[-1]] = value
        self.written[key] = written


def file_layer(path: Path) -> Layer:
    """The settings of a TOML configuration file; relative paths are taken from its folder."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such configuration file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration file: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        # (RecursionError: tomllib is recursive; arrays nested a thousand deep exhaust it.)
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    layer = Layer(str(path))
    for key, value in _leaves(data):
        layer.set(key, value, f"key {'.'.join(key)!r}")
    for key in _PATH_KEYS:
        value = _lookup(layer.data, key)
        if isinstance(value, str) and "://" not in value and value:
            if key[-1] == "category_table" and not value.endswith(".toml"):
                continue  # a built-in table name, not a path
            resolved = path.parent / Path(value).expanduser()
            layer.set(key, str(resolved), layer.written.get(key, f"key {'.'.join(key)!r}"))
    return layer


def env_layer(environ: Mapping[str, str] | None = None) -> Layer:
    """``POSLINK_KEY`` and ``POSLINK_SECTION__KEY`` variables for the keys of ``RunConfig``.

    Variables whose first part is not a configuration key are not poslink settings and are
    passed over. A value starting with ``{`` or ``[`` is read as a TOML inline table or array.
    """
    layer = Layer("environment")
    for name, value in sorted((environ if environ is not None else os.environ).items()):
        if not name.startswith(ENV_PREFIX):
            continue
        key = tuple(name[len(ENV_PREFIX) :].lower().split("__"))
        if key[0] not in RunConfig.model_fields or not all(key):
            continue
        where = f"environment variable {name}"
        layer.set(key, parse_value(value, where), where)
    return layer


def parse_value(text: str, where: str) -> Any:
    """A value given as text: a TOML inline table or array when it looks like one, else text."""
    if text.lstrip()[:1] in ("{", "["):
        try:
            return tomllib.loads(f"v = {text}")["v"]
        except (tomllib.TOMLDecodeError, RecursionError) as exc:
            raise ConfigError(f"{where}: not a valid TOML table or array: {exc}") from exc
    return text


def load_run_config(
    file: Path | None = None,
    flags: Layer | None = None,
    environ: Mapping[str, str] | None = None,
) -> RunConfig:
    """The run configuration from defaults, environment, file and flags (weakest first).

    The source's options are validated against the source's own ``Options`` here, so a bad
    option is reported with the key and file before anything is read.
    """
    layers = [env_layer(environ)]
    if file is not None:
        layers.append(file_layer(file))
    if flags is not None:
        layers.append(flags)
    merged: dict[str, Any] = {}
    origins: dict[tuple[str, ...], tuple[Layer, str]] = {}
    for layer in layers:
        _merge(merged, layer.data)
        for key, written in layer.written.items():
            origins[key] = (layer, written)
    _pull_defaults(merged)
    try:
        config = RunConfig.model_validate(merged)
    except ValidationError as exc:
        raise _config_error(exc, RunConfig, (), origins, file) from exc
    _check_plugins(config, origins, file)
    config._origins, config._file = origins, file
    return config


def _pull_defaults(merged: dict[str, Any]) -> None:
    """An API to pull stands for ``pos`` and may name the source.

    ``--pos dutchie+https://...`` chooses the source ``dutchie`` unless one is given, and a
    source's ``url`` option stands for ``pos`` when no ``pos`` is given.
    """
    from poslink.sources.pull import scheme_source

    options = merged.get("source_options")
    url = options.get("url") if isinstance(options, dict) else None
    if "pos" not in merged and isinstance(url, str) and url.strip():
        merged["pos"] = url.strip()
    named = scheme_source(merged.get("pos"))
    if named and "source" not in merged:
        merged["source"] = named


def _check_plugins(
    config: RunConfig, origins: dict[tuple[str, ...], tuple[Layer, str]], file: Path | None
) -> None:
    """Load the named plugins and validate the source's options, naming the key on error."""
    from poslink import plugins
    from poslink.sources.base import Source

    named: tuple[tuple[plugins.Kind, str], ...] = (
        ("sources", "source"),
        ("sinks", "sink"),
        ("engines", "engine"),
    )
    for kind, key in named:
        try:
            cls = plugins.load(kind, getattr(config, key))
        except PoslinkError as exc:
            raise ConfigError(f"{_where((key,), origins, file)}: {exc}") from exc
        if kind == "sources":
            if not issubclass(cls, Source):
                raise ConfigError(
                    f"{_where((key,), origins, file)}: {config.source!r} is not a poslink Source"
                )
            try:
                options = cls.Options.model_validate(config.source_options)
            except ValidationError as exc:
                raise _config_error(exc, cls.Options, ("source_options",), origins, file) from exc
            table = getattr(options, "category_table", None)
            if table:
                try:
                    load_category_table(str(table))
                except ConfigError as exc:
                    where = _where(("source_options", "category_table"), origins, file)
                    raise ConfigError(f"{where}: {exc}") from exc


def _config_error(
    exc: ValidationError,
    model: type[BaseModel],
    prefix: tuple[str, ...],
    origins: dict[tuple[str, ...], tuple[Layer, str]],
    file: Path | None,
) -> ConfigError:
    dotted, message = first_error(exc, model)
    loc = prefix + tuple(dotted.split("."))
    if message == "required, not given":
        place = str(file) if file is not None else "configuration"
        flag = "--" + loc[-1].replace("_", "-")
        hint = (
            f"give {flag} or set it in the configuration file"
            if not prefix
            else "set it in the configuration file or with --option"
        )
        return ConfigError(f"{place}: key {'.'.join(loc)!r} is missing ({hint})")
    return ConfigError(f"{_where(loc, origins, file)}: {message}")


def _where(
    loc: tuple[str, ...], origins: dict[tuple[str, ...], tuple[Layer, str]], file: Path | None
) -> str:
    """Where a key was set: the longest prefix of its location that some layer wrote."""
    for end in range(len(loc), 0, -1):
        found = origins.get(loc[:end])
        if found is not None:
            layer, written = found
            if layer.label in ("environment", "command line"):
                return written + (f" ({'.'.join(loc)})" if end < len(loc) else "")
            return f"{layer.label}: {written}" + (f" ({'.'.join(loc)})" if end < len(loc) else "")
    place = str(file) if file is not None else "configuration"
    return f"{place}: key {'.'.join(loc)!r}"


def _leaves(
    data: Mapping[str, Any], prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], Any]]:
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            out.extend(_leaves(value, (*prefix, key)))
        else:
            out.append(((*prefix, key), value))
    return out


def _lookup(data: Mapping[str, Any], key: tuple[str, ...]) -> Any:
    node: Any = data
    for part in key:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _merge(into: dict[str, Any], data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
