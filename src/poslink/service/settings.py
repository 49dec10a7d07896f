"""What ``poslink serve`` runs with: one validated object, handed to every worker process.

Worker processes are started fresh (uvicorn spawns them), so the settings travel as JSON in
the ``POSLINK_SERVE_SETTINGS`` environment variable, set by ``poslink serve``.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from poslink.config import MatcherConfig
from poslink.exceptions import ConfigError

ENVIRONMENT = "POSLINK_SERVE_SETTINGS"


class ServiceSettings(BaseModel):
    """The index to serve, the decision store (keys, overrides) and the request limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    index: Path | None = Field(None, description="a saved index (`poslink index build`)")
    catalog: str | None = Field(
        None, description="the catalog: indexed at start-up without --index, else checked"
    )
    catalog_table: str = Field("products", description="the catalog's table")
    catalog_columns: dict[str, str] = Field(
        default_factory=dict, description="the catalog's columns under other names"
    )
    decisions: str = Field(description="the decision store: API keys and overrides")
    source: str = Field("jane-json", description="whose overrides apply when a record names none")
    category_table: str = Field("default", description="how POS categories are read")
    matcher: MatcherConfig = Field(default_factory=MatcherConfig)
    max_body_bytes: int = Field(1_048_576, ge=1_024, description="largest request body")
    max_batch: int = Field(1_000, ge=1, le=100_000, description="records per batch request")
    refresh_seconds: float = Field(
        5.0, ge=0.0, description="how often API keys and overrides are read again"
    )
    public_ready: bool = Field(False, description="answer /ready without an API key")
    workers: int = Field(1, ge=1, description="processes serving (each loads the index)")
    # Where a worker that cannot load the index writes why, for `poslink serve` to report.
    failure_file: Path | None = None

    @model_validator(mode="after")
    def _something_to_serve(self) -> ServiceSettings:
        if self.index is None and self.catalog is None:
            raise ValueError("give an index (--index) or a catalog (--catalog) to serve")
        return self

    def to_environment(self) -> dict[str, str]:
        """The environment variable that carries these settings to worker processes."""
        return {ENVIRONMENT: self.model_dump_json()}


def from_environment() -> ServiceSettings:
    """The settings ``poslink serve`` put in the environment."""
    text = os.environ.get(ENVIRONMENT)
    if not text:
        raise ConfigError(f"{ENVIRONMENT} is not set: start the service with `poslink serve`")
    try:
        return ServiceSettings.model_validate_json(text)
    except ValidationError as exc:
        raise ConfigError(f"{ENVIRONMENT}: {exc.errors()[0]['msg']}") from exc
