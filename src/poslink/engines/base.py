"""The Engine extension point and the per-record step every engine shares."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from poslink.config import MatcherConfig
from poslink.domain.parser import Parser, unparsable
from poslink.exceptions import ConfigError, SkippedRecord, first_error
from poslink.files.rejects import RejectsFile
from poslink.matching import CatalogIndex, Matcher
from poslink.records import Match, ParsedItem, PosRecord, Status
from poslink.sinks.base import Sink
from poslink.sources.base import Source

M = TypeVar("M", bound=BaseModel)


@dataclass
class Job:
    """Everything one run needs, handed to an engine."""

    source: Source
    index: CatalogIndex
    matcher: MatcherConfig
    sink: Sink
    rejects: RejectsFile
    progress: Callable[[int], None] | None = None


class EngineOptionError(ConfigError):
    """A bad engine option: ``key`` (dotted, within ``engine_options``) and what is wrong, so
    that a run can say where the option was set (``RunConfig.where``)."""

    def __init__(self, engine: str, key: str, problem: str) -> None:
        super().__init__(f"engine {engine!r} option {key}: {problem}")
        self.key = key
        self.problem = problem


class Engine(ABC):
    """Runs a job; every engine gives the same rows in the same order."""

    name: str = ""
    # Whether the engine reads and writes URLs (s3a://, gs://) itself; the local engine does not.
    handles_urls: bool = False

    def __init__(self, **options: Any) -> None:
        self.options = options

    def validated(self, model: type[M]) -> M:
        """The engine's options read as ``model``; a bad one is a ``ConfigError`` naming it."""
        try:
            return model.model_validate(self.options)
        except ValidationError as exc:
            key, message = first_error(exc, model)
            raise EngineOptionError(self.name, key, message) from exc

    @abstractmethod
    def run(self, job: Job) -> Counter[Status]:
        """Match every record of the job's source into its sink; count the statuses."""

    def writes_directory(self) -> bool:
        """Whether the output this engine writes at ``--out`` is a directory (of parts)."""
        return False

    def check_output_folder(self, out: Path) -> None:
        """Refuse the existing folder ``out`` where this engine would write a directory there
        (``writes_directory``) and replacing it would lose what is not its own output.

        An engine writing no directory has nothing to refuse (``check_paths`` refuses a folder
        at ``--out`` for it).
        """
        return None

    def writes_output(self, sink: Sink) -> bool:
        """Whether this engine writes ``sink``'s output and the rejects itself.

        Then ``run`` gets the sink unopened and must publish both whole or leave nothing;
        otherwise the pipeline opens the sink and commits or aborts it around ``run``.
        """
        return False


def parse_record(parser: Parser, record: PosRecord) -> ParsedItem:
    """Parse a record's name with the structured fields its source gave."""
    return parser.parse_pos(
        record.name,
        record.category,
        brand=record.brand,
        product_type=record.product_type,
        lineage=record.lineage,
        weight=record.weight,
    )


def match_record(record: PosRecord | SkippedRecord, parser: Parser, matcher: Matcher) -> Match:
    """Parse and match one record; an unusable record becomes a ``rejected`` match."""
    if isinstance(record, SkippedRecord):
        return Match(record.row, None, 0.0, Status.REJECTED, record.reason)
    try:
        item = parse_record(parser, record)
    except Exception as exc:
        return Match(record.row, None, 0.0, Status.REJECTED, unparsable(exc))
    return matcher.match(record.row, item)
