"""The run configuration: one validated object built from a TOML file, flags and environment."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MatcherConfig(BaseModel):
    """How sure the matcher must be before it gives an id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(0.86, ge=0.0, le=1.0, description="least name similarity to match")
    margin: float = Field(
        0.03, ge=0.0, le=1.0, description="a runner-up this close to the best makes it ambiguous"
    )
    max_candidates: int = Field(50, ge=1, description="candidates scored per block")
    unbranded_threshold: float | None = Field(
        0.95,
        ge=0.0,
        le=1.0,
        description="least name similarity to match a record in which no catalog brand is "
        "found, against every brand, when no other product comes close (none: never)",
    )
