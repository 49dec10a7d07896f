"""``poslink bench``: the benchmark's command, added to poslink's CLI through the entry point
group ``poslink.commands`` when this package is installed (``python -m poslink_dev.bench`` runs
it too).

Each part lives in its own module, imported only when asked for: ``generated.py`` (the local
engine on generated workloads, beside a naive baseline), ``real.py`` (the labelled real data),
``engines.py`` (Spark and repeated syncs), ``service.py`` (``poslink serve`` under load),
``network.py`` (``poslink sync`` on a generated network of stores).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from poslink_dev.bench.generated import Case
    from poslink_dev.bench.network import NetworkCase

_KUSHY = Path("..") / "shared" / "data" / "kushy"
_MENUS = Path("..") / "shared" / "data" / "menus-nm"
_CHALLENGE = Path("..") / "shared" / "data" / "challenge"


def _say(text: str) -> None:
    """Print a line as poslink's commands do (no markup). poslink's CLI is imported here, not
    above: it loads this module as a command add-on, and this module is also run on its own."""
    from poslink.cli._app import out

    out.print(text, markup=False, highlight=False)


def bench(
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
            "(poslink serve under load, when poslink[serve] is installed), network (poslink sync "
            "on a generated network of stores, see --network)"
        ),
    ] = "local,real,spark,repeat,service,network",
    menus: Annotated[
        Path, typer.Option(help="the labelled real menus (catalog.db, pos/, labels.csv)")
    ] = _MENUS,
    challenge: Annotated[Path, typer.Option(help="the reference example")] = _CHALLENGE,
    network: Annotated[
        str | None,
        typer.Option(
            help="the network part's size, STORESxRECORDS[xPRODUCTS] (default by --sizes: "
            "full 1000x1000, small 100x1000, tiny 10x200x2000; 100,000 products unless given)"
        ),
    ] = None,
) -> None:
    """Measure poslink on generated workloads beside a naive RapidFuzz baseline."""
    from poslink.cli._app import errors
    from poslink.exceptions import ConfigError
    from poslink_dev.bench import generated
    from poslink_dev.bench.real import generated_tier_lines

    with errors():
        if sizes not in generated.SIZES:
            raise ConfigError(f"--sizes must be one of {', '.join(generated.SIZES)}, not {sizes!r}")
        wanted = {p.strip() for p in parts.split(",") if p.strip()}
        unknown = wanted - {"local", "real", "spark", "repeat", "service", "network"}
        if unknown:
            raise ConfigError(f"--parts: unknown part(s) {', '.join(sorted(unknown))}")
        net = _network_case(network or "", sizes) if "network" in wanted else None
        if wanted - {"real"} and not (kushy / "products.csv").is_file():
            raise ConfigError(f"{kushy}: not the Kushy data set (no products.csv)")
        _say(f"machine: {generated.machine()}")
        results: list[generated.Result] = []
        for case in generated.SIZES[sizes] if "local" in wanted else []:
            result = generated.run_case(case, work, kushy, workers=workers, sample=sample)
            # The table's header once, then each row as its workload is done (minutes apart):
            # the whole table again would print every row twice.
            _say("\n".join(generated.table([result])[0 if not results else -1 :]))
            results.append(result)
        misses = [f"{r.case.label}: {m}" for r in results for m in r.misses()]
        for miss in misses:
            _say(f"target missed: {miss}")
        tiers = generated_tier_lines(results)
        if tiers:
            _say("\n".join(["", *tiers]))
        real = _real_part(menus, challenge, work, workers) if "real" in wanted else []
        extra = real + _engine_parts(wanted, generated.SIZES[sizes], work, kushy)
        if net is not None:
            extra += _network_part(net, work, kushy, workers)
        if doc is not None:
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            doc.parent.mkdir(parents=True, exist_ok=True)
            measured = "\n".join(extra) + ("\n" if extra else "")
            if results:
                text = generated.document(
                    results, sizes, stamp, workers, sample, misses, tiers, parts
                )
                text += measured
            elif doc.is_file():
                # A run of some parts only updates their sections of an existing document.
                text = merge_sections(doc.read_text(encoding="utf-8"), measured)
            else:
                text = measured
            doc.write_text(text, encoding="utf-8")


def merge_sections(old: str, new: str) -> str:
    """``old`` Markdown with each ``## `` section of ``new`` in place of the one of the same
    heading (appended when ``old`` has none); what ``new`` has before its first heading goes."""
    sections = _sections(new)
    sections.pop("", None)
    kept = _sections(old)
    text = "".join(sections.get(h, body) for h, body in kept.items())
    for heading, body in sections.items():
        if heading not in kept:
            text = text.rstrip("\n") + "\n\n" + body
    return text


def _sections(text: str) -> dict[str, str]:
    """Text by ``## `` heading (the text before the first one under "")."""
    found: dict[str, str] = {}
    heading = ""
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            heading = line.strip()
        found[heading] = found.get(heading, "") + line
    return found


def _real_part(menus: Path, challenge: Path, work: Path, workers: int | None) -> list[str]:
    """Run poslink on the labelled real data; its Markdown lines (also printed)."""
    from poslink_dev.bench.real import real_inputs, real_lines, run_real

    inputs = real_inputs(menus, challenge)
    if not inputs:
        lines = ["", f"Labelled real data: not measured (neither {menus} nor {challenge} found)."]
    else:
        lines = ["", *real_lines([run_real(i, work / "real", workers) for i in inputs])]
        if not (menus / "labels.csv").is_file():
            lines.append(f"The real menus were not measured: {menus} not found.")
    for line in lines:
        _say(line)
    return lines


def _network_case(spec: str, sizes: str) -> NetworkCase:
    """The network to measure: ``--network``, else the one of ``--sizes``."""
    from poslink.exceptions import ConfigError
    from poslink_dev.bench import network

    try:
        return network.parse(spec or network.DEFAULT[sizes])
    except ValueError as exc:
        raise ConfigError(f"--network: {exc}") from None


def _network_part(case: NetworkCase, work: Path, kushy: Path, workers: int | None) -> list[str]:
    """Run the network part; its Markdown lines (also printed)."""
    from poslink_dev.bench import engines, network

    return network.network_lines(case, work, kushy, workers, engines.spark_available(), _say)


def _engine_parts(wanted: set[str], cases: list[Case], work: Path, kushy: Path) -> list[str]:
    """Run the Spark and repeated-sync parts; their Markdown lines (also printed)."""
    from poslink_dev.bench import engines, generated

    lines: list[str] = []
    spark = "spark" in wanted and engines.spark_available()
    chosen = engines.spark_cases(cases) if spark else []
    repeat = engines.repeat_case(cases) if "repeat" in wanted else None
    for case in {*chosen, *([repeat] if repeat else [])}:
        generated.ensure_workload(case, work, kushy)
    if chosen:
        lines += ["", "## Spark engine (`--engine spark`, local[2])", ""]
        lines += engines.spark_lines(chosen, work)
    elif "spark" in wanted:
        lines += ["", "Spark engine: not measured (PySpark not installed)."]
    if repeat is not None:
        lines += ["", "## Repeated syncs (`--decisions`)", ""]
        lines += engines.repeat_lines(repeat, work)
    if "service" in wanted:
        from poslink_dev.bench import service

        lines += service.lines(cases, work, kushy)
    for line in lines:
        _say(line)
    return lines
