"""``poslink eval``: an output's precision, recall and F1 against hand labels."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from poslink.cli._app import app, beside, errors, out
from poslink.evaluate import Label, Metrics, check_fits, read_labels, read_output
from poslink.exceptions import EXIT_REJECTS, ConfigError
from poslink.files.atomic import AtomicFile
from poslink.runs.paths import refuse_overwriting

log = logging.getLogger("poslink")


@app.command("eval")
def eval_cmd(
    labels: Annotated[Path, typer.Option("--labels", help="hand labels CSV")],
    out_path: Annotated[Path, typer.Option("--out", help="a poslink output CSV")],
    report: Annotated[Path | None, typer.Option(help="also write the figures as JSON")] = None,
    # min=0: a negative count sliced the table from its end (all errors but the last ones).
    show_errors: Annotated[
        int, typer.Option("--errors", min=0, help="error rows to show (0: none)")
    ] = 50,
    as_json: Annotated[
        bool, typer.Option("--json", help="print the figures as JSON instead of text")
    ] = False,
    group: Annotated[
        list[str] | None,
        typer.Option(
            help="also report tiers together: NAME=TIER,TIER (T and T_none always are); repeatable"
        ),
    ] = None,
    fail_under: Annotated[
        str | None,
        typer.Option(
            help="exit 1 when a figure is under its bound: precision=0.98,recall=0.9,f1=0.9"
        ),
    ] = None,
) -> None:
    """Precision, recall and F1 of an output against labels, with a table of its errors.

    Labels with a `tier` column: the figures per tier too.

    An output with a `match_score` column: predicted and observed precision per score band.
    """
    from poslink.scorecard import reliability_lines, scorecard, tier_lines

    with errors():
        bounds = parse_bounds(fail_under) if fail_under else {}
        groups = {}
        for item in group or []:
            name, sep, members = item.partition("=")
            tiers = tuple(t.strip() for t in members.split(",") if t.strip())
            if not sep or not name.strip() or not tiers:
                raise ConfigError(f"option --group {item!r}: expected NAME=TIER,TIER")
            groups[name.strip()] = tiers
        if report is not None:
            refuse_overwriting(report, {"--labels": labels, "--out": out_path}, "--report")
        labelled, written = read_labels(labels), read_output(out_path)
        check_fits(labelled, written, labels, out_path)
        check_groups(groups, labelled, labels)
        card = scorecard(labelled, written, groups)
        figures = card.as_dict()
        if report is not None:
            write_report(report, figures)
    metrics = card.overall
    # `--report -` is the JSON on standard output: the figures are not printed there again
    # (--json) or after it (the text, then on stderr), which would leave no JSON to read.
    say = out if report is None else beside(report)
    if as_json:
        if say is out:
            print(json.dumps(figures, indent=2))
        _fail_under(bounds, metrics)
        return
    say.print(
        f"precision {metrics.precision:.4f}  recall {metrics.recall:.4f}  F1 {metrics.f1:.4f}  "
        f"({metrics.records} records, {metrics.predicted} ids given, {metrics.positives} expected, "
        f"{len(metrics.errors)} errors)",
        markup=False,
        highlight=False,
    )
    for line in [*_spaced(tier_lines(card)), *_spaced(reliability_lines(card))]:
        say.print(line, markup=False, highlight=False)
    if metrics.errors and show_errors:
        table = Table("row", "name", "given", "acceptable", "status", "error")
        for e in metrics.errors[:show_errors]:
            table.add_row(str(e.row), e.name, e.predicted, e.acceptable, e.status, e.kind)
        say.print(table)
    _fail_under(bounds, metrics)


def _spaced(lines: list[str]) -> list[str]:
    """A block of lines with a blank line before it; nothing for no lines."""
    return ["", *lines] if lines else []


def check_groups(groups: dict[str, tuple[str, ...]], labelled: list[Label], path: Path) -> None:
    """Refuse a ``--group`` naming a tier the labels do not have: a mistyped tier would
    otherwise be reported as a group of fewer rows (or none), as if those were its figures."""
    present = {label.tier for label in labelled if label.tier}
    for name, members in groups.items():
        unknown = [tier for tier in members if tier not in present]
        if unknown:
            known = ", ".join(sorted(present)) or "none, no tier column"
            raise ConfigError(
                f"option --group {name + '=' + ','.join(members)!r}: {path} has no tier"
                f" {', '.join(unknown)} (its tiers: {known})"
            )


def write_report(path: Path, figures: dict[str, Any]) -> None:
    """Write ``--report`` whole or not at all, as every output is (a temporary file renamed
    into place); a path that cannot be written is an ``OutputError``, one line and exit 4."""
    target = AtomicFile(path, newline=None)
    try:
        target.open().write(json.dumps(figures, indent=2) + "\n")
        target.commit()
    except BaseException:
        target.abort()
        raise


def _fail_under(bounds: dict[str, float], metrics: Metrics) -> None:
    """Exit 1 (``EXIT_REJECTS``) when a figure is under its ``--fail-under`` bound.

    The figures are those the report prints, to 4 decimals: where no row expects an id,
    recall is 1 (no id was missed), as the headline says, not the JSON's null.
    """
    figures = {
        "precision": round(metrics.precision, 4),
        "recall": round(metrics.recall, 4),
        "f1": round(metrics.f1, 4),
    }
    under = [f"{k} {figures[k]:.4f} < {v:g}" for k, v in bounds.items() if figures[k] < v]
    if under:
        log.error(
            "under --fail-under: %s",
            ", ".join(under),
            extra={"fields": {"exit_code": EXIT_REJECTS, "kind": "gate"}},
        )
        raise typer.Exit(EXIT_REJECTS)


FIGURES = ("precision", "recall", "f1")


def parse_bounds(text: str) -> dict[str, float]:
    """``precision=0.98,recall=0.9`` as {figure: least value}; ``ConfigError`` if malformed."""
    bounds: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not sep or name not in FIGURES or not 0.0 <= number <= 1.0:
            raise ConfigError(
                f"--fail-under {text!r}: expected FIGURE=VALUE[,...] with FIGURE one of"
                f" {', '.join(FIGURES)} and VALUE from 0 to 1"
            )
        bounds[name] = number
    return bounds
