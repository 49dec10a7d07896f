"""The service's request and response bodies (they make its OpenAPI document too)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, create_model, field_validator
from pydantic_core import PydanticCustomError

from poslink.records import Match

# Longest text accepted in any field: far above any product name, far below what would make
# one record expensive to parse.
MAX_TEXT = 1_000


class RecordIn(BaseModel):
    """One POS record: its name, and whatever else the POS gives."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "Citrus Comet -1.0g- Sunny Valley", "category": "Usable Marijuana"}
            ]
        },
    )

    name: str = Field(min_length=1, max_length=MAX_TEXT, description="the product name")
    category: str | None = Field(None, max_length=MAX_TEXT, description="the POS category")
    brand: str | None = Field(None, max_length=MAX_TEXT, description="a brand field")
    product_type: str | None = Field(None, max_length=MAX_TEXT, description="a type field")
    lineage: str | None = Field(None, max_length=MAX_TEXT, description="indica, sativa, ...")
    weight: str | None = Field(None, max_length=MAX_TEXT, description="a size: 3.5g, 1/8 oz")
    pos_id: str | StrictInt | None = Field(
        None, description="the POS product id: finds an override by id"
    )
    source: str | None = Field(
        None, max_length=200, description="the POS source whose overrides apply"
    )

    @field_validator("pos_id", mode="before")
    @classmethod
    def _text_or_integer(cls, value: Any) -> Any:
        # One error naming the field: the union's own would be two, at "pos_id.str" and
        # "pos_id.int".
        if value is None:
            return value
        if isinstance(value, str):
            if len(value) > MAX_TEXT:  # as long as any other field may be
                raise PydanticCustomError(
                    "string_too_long",
                    "should have at most {max_length} characters",
                    {"max_length": MAX_TEXT},
                )
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise PydanticCustomError("pos_id_type", "should be a string or an integer")

    @field_validator("weight", mode="before")
    @classmethod
    def _weight_with_unit(cls, value: Any) -> Any:
        # Unlike pos_id, a number is refused: 3.5 alone has no unit, so the parser would read
        # no weight from its text and the record would match as if none were sent. Refused
        # with what to send instead, an integration finds its bug. Other values are left to
        # the field's own check (text).
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise PydanticCustomError(
                "weight_type", 'should be text with its unit ("3.5g", "1/8 oz"), not a number'
            )
        return value

    def fields(self) -> dict[str, Any]:
        """The record as ``poslink.Matcher`` takes it."""
        return {
            "name": self.name,
            "category": self.category or "",
            "brand": self.brand,
            "product_type": self.product_type,
            "lineage": self.lineage,
            "weight": self.weight,
            "pos_id": self.pos_id,
            "source": self.source,
        }


class MatchOut(BaseModel):
    """The decision for one record."""

    jane_product_id: str | None = Field(description="the catalog id; null when none is sure")
    score: float = Field(description="the calibrated chance that the id is right (match_score)")
    status: Literal["matched", "no_match", "ambiguous", "rejected"]
    reason: str = Field(description="why, in a few words")
    pos_id: str | None = Field(None, description="the record's pos_id, when it gave one")


class BatchOut(BaseModel):
    """One decision per record, in the order sent."""

    matches: list[MatchOut]


class ErrorOut(BaseModel):
    """What every refused request gets."""

    error: str = Field(description="a stable code: malformed_json, invalid_record, ...")
    detail: str = Field(description="the problem, naming the field")


class ExplainQuery(BaseModel):
    """``GET /v1/explain``'s parameters: a record, and how many candidates to list."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_TEXT)
    category: str = Field("", max_length=MAX_TEXT)
    brand: str | None = Field(None, max_length=MAX_TEXT)
    product_type: str | None = Field(None, max_length=MAX_TEXT)
    lineage: str | None = Field(None, max_length=MAX_TEXT)
    weight: str | None = Field(None, max_length=MAX_TEXT)
    pos_id: str | None = Field(None, max_length=MAX_TEXT)
    source: str | None = Field(None, max_length=200)
    top: int = Field(8, ge=0, le=50, description="candidates to list")


def batch_model(max_batch: int) -> type[BaseModel]:
    """The batch request body, holding 1 to ``max_batch`` records."""
    return create_model(
        "BatchIn",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"Up to {max_batch} records, matched in order.",
        records=(list[RecordIn], Field(min_length=1, max_length=max_batch)),
    )


def match_out(found: Match, pos_id: str | int | None) -> dict[str, Any]:
    """A decision as the JSON the service answers with (``MatchOut``)."""
    out: dict[str, Any] = {
        "jane_product_id": found.jane_product_id,
        "score": found.score,
        "status": found.status.value,
        "reason": found.reason,
    }
    if pos_id is not None:
        out["pos_id"] = str(pos_id)
    return out
