"""Where a sync puts each store's output, and each store's run configuration.

Shared by the local sync (``network/sync.py``) and the one on Spark
(``engines/spark/sync.py``), which lay their outputs out alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from poslink.config import RunConfig
from poslink.network.manifest import StoreEntry


class Layout(StrEnum):
    """How a sync lays out its outputs (``--format``)."""

    csv = "csv"
    parquet = "parquet"


@dataclass(frozen=True)
class StoreOutput:
    """Where one store's output and rejects go."""

    output: Path
    rejects: Path


def store_output(out: Path, store: str, layout: Layout | str) -> StoreOutput:
    """The output and rejects file of ``store`` under ``out``."""
    if Layout(layout) is Layout.parquet:
        folder = out / f"store={store}"
        return StoreOutput(folder / "part-0.parquet", folder / "_rejects.csv")
    return StoreOutput(out / f"{store}.csv", out / f"{store}.rejects.csv")


def report_paths(out: Path, layout: Layout | str) -> tuple[Path, Path]:
    """Where the report's JSON and HTML go by default."""
    prefix = "_" if Layout(layout) is Layout.parquet else ""
    return out / f"{prefix}report.json", out / f"{prefix}report.html"


def store_config(base: RunConfig, entry: StoreEntry, output: Path, layout: Layout) -> RunConfig:
    """One store's run configuration: the sync's, with the store's export, source and output."""
    data = base.model_dump()
    data.update(
        pos=entry.pos,
        out=output,
        source=entry.source,
        source_options=entry.options,
        store_id=entry.store,
        sink="parquet" if layout is Layout.parquet else "csv",
    )
    return RunConfig.model_validate(data)
