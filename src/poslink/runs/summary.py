"""What a run reports: its progress as it goes, its summary at the end."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from poslink.exceptions import RejectRateExceeded
from poslink.records import Status
from poslink.sources.base import Source


@runtime_checkable
class InputProgress(Protocol):
    """A progress display that also follows how much of the input file has been read.

    ``run`` calls ``watch`` with the source before reading it, then the display with the
    number of records done; ``source.progress()`` gives bytes read and the file's size, for
    a bar with a total and an estimated time left.
    """

    def __call__(self, records: int) -> None:
        """Some more records are done."""

    def watch(self, source: Source) -> None:
        """The source whose file the run reads."""


Progress = Callable[[int], None] | InputProgress


@dataclass(frozen=True)
class RunSummary:
    """What a run did."""

    records: int
    matched: int
    no_match: int
    ambiguous: int
    rejected: int
    seconds: float
    output: Path | str
    rejects: Path | str | None
    # With a decision store: records whose stored decision was reused, overrides applied, and
    # whether the whole output was an unchanged earlier one.
    reused: int | None = None
    overridden: int = 0
    output_reused: bool = False

    @classmethod
    def of(
        cls,
        counts: Mapping[Status, int],
        started: float,
        output: Path | str,
        rejects: Path | str | None,
        **store: Any,
    ) -> RunSummary:
        """The summary of a run that decided ``counts`` and began at ``started``."""
        return cls(
            records=sum(counts.values()),
            matched=counts.get(Status.MATCHED, 0),
            no_match=counts.get(Status.NO_MATCH, 0),
            ambiguous=counts.get(Status.AMBIGUOUS, 0),
            rejected=counts.get(Status.REJECTED, 0),
            seconds=time.perf_counter() - started,
            output=output,
            rejects=rejects,
            **store,
        )

    @property
    def reject_rate(self) -> float:
        """The share of records the source rejected (0 for an empty feed)."""
        return self.rejected / self.records if self.records else 0.0

    def check_rejects(self, max_rate: float, hint: str | None = None) -> None:
        """``RejectRateExceeded`` when more than ``max_rate`` of the records were rejected."""
        if self.reject_rate <= max_rate:
            return
        every = self.rejected == self.records
        why = (
            "every record was rejected: is the source (--source) or its column mapping right?"
            if every
            else f"see {self.rejects} for why"
            if self.rejects
            # Written straight to a stream: no rejects file says why.
            else "an output written to a stream has no rejects file: --out FILE writes one"
        )
        raise RejectRateExceeded(
            f"{self.rejected} of {self.records} records rejected ({self.reject_rate:.0%}),"
            f" more than --max-reject-rate {max_rate:g} allows; {why}"
            + (f" ({hint})" if hint else "")
        )

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data (``--summary-json``)."""
        return {
            "records": self.records,
            "matched": self.matched,
            "no_match": self.no_match,
            "ambiguous": self.ambiguous,
            "rejected": self.rejected,
            "reject_rate": round(self.reject_rate, 6),
            "seconds": round(self.seconds, 3),
            "output": str(self.output),
            "rejects": None if self.rejects is None else str(self.rejects),
            "reused": self.reused,
            "overridden": self.overridden,
            "output_reused": self.output_reused,
        }

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        rejects = f" (rejects: {self.rejects})" if self.rejects else ""
        store = ""
        if self.reused is not None:
            store = f"; {self.reused} decisions reused, {self.overridden} overridden"
            store += " (unchanged feed: earlier output reused)" if self.output_reused else ""
        return (
            f"{self.records} records: {self.matched} matched, {self.no_match} no match, "
            f"{self.ambiguous} ambiguous, {self.rejected} rejected{store} in "
            f"{self.seconds:.2f} s -> {self.output}{rejects}"
        )
