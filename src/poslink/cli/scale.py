"""Commands for scale: ``index build`` (a saved catalog index) and ``bench``."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from poslink.cli._app import app, errors, out

index_app = typer.Typer(help="Build a catalog index once and reuse it (`run --index FILE`).")
app.add_typer(index_app, name="index")

_KUSHY = Path("..") / "shared" / "data" / "kushy"


@index_app.command("build")
def index_build_cmd(
    catalog: Annotated[str, typer.Option("--catalog", help="catalog: SQLite file path")],
    out_path: Annotated[Path, typer.Option("--out", help="the index file to write")],
) -> None:
    """Parse and block the catalog once; later runs load it with `--index FILE`."""
    from poslink.catalogs import open_catalog
    from poslink.matching import CatalogIndex
    from poslink.matching.saved import save_index

    with errors():
        started = time.perf_counter()
        index = CatalogIndex.build(open_catalog(catalog).products())
        save_index(index, out_path)
    out.print(
        f"poslink: indexed {len(index)} products (catalog {index.version}) in "
        f"{time.perf_counter() - started:.2f} s -> {out_path}",
        markup=False,
        highlight=False,
    )


@app.command("bench")
def bench_cmd(
    sizes: Annotated[
        str, typer.Option(help="tiny (a smoke run), small (quick) or full (the documented run)")
    ] = "small",
    work: Annotated[
        Path, typer.Option(help="where generated workloads are kept (reused when present)")
    ] = Path("out/bench"),
    kushy: Annotated[Path, typer.Option(help="the Kushy data set folder")] = _KUSHY,
    workers: Annotated[
        int | None, typer.Option(min=1, help="poslink run --workers (default: every core)")
    ] = None,
    sample: Annotated[int, typer.Option(min=1, help="records the naive baseline matches")] = 200,
    doc: Annotated[
        Path | None, typer.Option(help="write the results to this Markdown file")
    ] = None,
) -> None:
    """Measure poslink on generated workloads beside a naive RapidFuzz baseline."""
    from poslink import bench
    from poslink.exceptions import ConfigError

    with errors():
        if sizes not in bench.SIZES:
            raise ConfigError(f"--sizes must be one of {', '.join(bench.SIZES)}, not {sizes!r}")
        if not (kushy / "products.csv").is_file():
            raise ConfigError(f"{kushy}: not the Kushy data set (no products.csv)")
        out.print(f"machine: {bench.machine()}", markup=False, highlight=False)
        results = []
        for case in bench.SIZES[sizes]:
            result = bench.run_case(case, work, kushy, workers=workers, sample=sample)
            results.append(result)
            out.print(bench.table([result])[-1], markup=False, highlight=False)
        lines = bench.table(results)
        out.print("\n".join(lines), markup=False, highlight=False)
        misses = [f"{r.case.label}: {m}" for r in results for m in r.misses()]
        for miss in misses:
            out.print(f"target missed: {miss}", markup=False, highlight=False)
        if doc is not None:
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            doc.parent.mkdir(parents=True, exist_ok=True)
            doc.write_text(
                bench.document(results, sizes, stamp, workers, sample, misses), encoding="utf-8"
            )
