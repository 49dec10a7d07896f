"""Commands for scale: ``index build`` (a saved catalog index) and ``bench``."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from poslink.cli._app import app, errors, out

if TYPE_CHECKING:
    from poslink.bench import Case

index_app = typer.Typer(help="Build a catalog index once and reuse it (`run --index FILE`).")
app.add_typer(index_app, name="index")

_KUSHY = Path("..") / "shared" / "data" / "kushy"
_MENUS = Path("..") / "shared" / "data" / "menus-nm"
_CHALLENGE = Path("..") / "shared" / "data" / "challenge"


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
    parts: Annotated[
        str,
        typer.Option(
            help="what to measure, comma-separated: local (with the naive baseline), real (the "
            "labelled real menus and the reference example, per tier), spark (local[2], when "
            "PySpark is installed), repeat (a second run with a decision store), service "
            "(poslink serve under load, when poslink[serve] is installed)"
        ),
    ] = "local,real,spark,repeat,service",
    menus: Annotated[
        Path, typer.Option(help="the labelled real menus (catalog.db, pos/, labels.csv)")
    ] = _MENUS,
    challenge: Annotated[Path, typer.Option(help="the reference example")] = _CHALLENGE,
) -> None:
    """Measure poslink on generated workloads beside a naive RapidFuzz baseline."""
    from poslink import bench
    from poslink.bench_real import generated_tier_lines
    from poslink.exceptions import ConfigError

    with errors():
        if sizes not in bench.SIZES:
            raise ConfigError(f"--sizes must be one of {', '.join(bench.SIZES)}, not {sizes!r}")
        wanted = {p.strip() for p in parts.split(",") if p.strip()}
        unknown = wanted - {"local", "real", "spark", "repeat", "service"}
        if unknown:
            raise ConfigError(f"--parts: unknown part(s) {', '.join(sorted(unknown))}")
        if wanted - {"real"} and not (kushy / "products.csv").is_file():
            raise ConfigError(f"{kushy}: not the Kushy data set (no products.csv)")
        out.print(f"machine: {bench.machine()}", markup=False, highlight=False)
        results = []
        for case in bench.SIZES[sizes] if "local" in wanted else []:
            result = bench.run_case(case, work, kushy, workers=workers, sample=sample)
            results.append(result)
            out.print(bench.table([result])[-1], markup=False, highlight=False)
        if results:
            out.print("\n".join(bench.table(results)), markup=False, highlight=False)
        misses = [f"{r.case.label}: {m}" for r in results for m in r.misses()]
        for miss in misses:
            out.print(f"target missed: {miss}", markup=False, highlight=False)
        tiers = generated_tier_lines(results)
        if tiers:
            out.print("\n".join(["", *tiers]), markup=False, highlight=False)
        real = _real_part(menus, challenge, work, workers) if "real" in wanted else []
        extra = real + _engine_parts(wanted, bench.SIZES[sizes], work, kushy)
        if doc is not None:
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            doc.parent.mkdir(parents=True, exist_ok=True)
            text = (
                bench.document(results, sizes, stamp, workers, sample, misses, tiers)
                if results
                else ""
            )
            doc.write_text(text + "\n".join(extra) + ("\n" if extra else ""), encoding="utf-8")


def _real_part(menus: Path, challenge: Path, work: Path, workers: int | None) -> list[str]:
    """Run poslink on the labelled real data; its Markdown lines (also printed)."""
    from poslink.bench_real import real_inputs, real_lines, run_real

    inputs = real_inputs(menus, challenge)
    if not inputs:
        lines = ["", f"Labelled real data: not measured (neither {menus} nor {challenge} found)."]
    else:
        lines = ["", *real_lines([run_real(i, work / "real", workers) for i in inputs])]
        if not (menus / "labels.csv").is_file():
            lines.append(f"The real menus were not measured: {menus} not found.")
    for line in lines:
        out.print(line, markup=False, highlight=False)
    return lines


def _engine_parts(wanted: set[str], cases: list[Case], work: Path, kushy: Path) -> list[str]:
    """Run the Spark and repeated-sync parts; their Markdown lines (also printed)."""
    from poslink import bench, bench_engines

    lines: list[str] = []
    spark = "spark" in wanted and bench_engines.spark_available()
    chosen = bench_engines.spark_cases(cases) if spark else []
    repeat = bench_engines.repeat_case(cases) if "repeat" in wanted else None
    for case in {*chosen, *([repeat] if repeat else [])}:
        bench.ensure_workload(case, work, kushy)
    if chosen:
        lines += ["", "## Spark engine (`--engine spark`, local[2])", ""]
        lines += bench_engines.spark_lines(chosen, work)
    elif "spark" in wanted:
        lines += ["", "Spark engine: not measured (PySpark not installed)."]
    if repeat is not None:
        lines += ["", "## Repeated syncs (`--decisions`)", ""]
        lines += bench_engines.repeat_lines(repeat, work)
    if "service" in wanted:
        from poslink.service import bench as service_bench

        lines += service_bench.lines(cases, work, kushy)
    for line in lines:
        out.print(line, markup=False, highlight=False)
    return lines
