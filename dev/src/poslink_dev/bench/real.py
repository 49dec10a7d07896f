"""The benchmark's labelled real data: dispensary menus (two inputs) and the reference example.

``poslink bench`` runs poslink on them as a user would (a separate process, timed from outside)
and scores each output tier by tier with :mod:`poslink.scorecard`. The real menus come twice:
the names alone (the ``jane-json`` export) and with the store's Brand column (the ``csv``
export). The data is read where it lies (``../shared/data``); nothing of it is copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from poslink.evaluate import read_labels, read_output
from poslink.scorecard import Scorecard, markdown_rows, scorecard
from poslink_dev.bench.generated import Result, measure

# How the menus' CSV export is read: its columns by name.
MENU_CSV_OPTIONS: tuple[str, ...] = (
    "columns.id=SKU",
    "columns.name=Product Name",
    "columns.brand=Brand",
    "columns.category=Category",
    "columns.quantity=Qty",
)


@dataclass(frozen=True)
class Target:
    """What one tier (or group) of one input must reach (issue #11's targets)."""

    input: str  # a RealInput label
    tier: str  # a tier or group name, or "all"
    precision: float | None = None  # at least
    recall: float | None = None  # at least
    given_share: float | None = None  # at most: for tiers where no id is right

    def text(self) -> str:
        """E.g. ``precision >= 0.97, recall >= 0.85``."""
        parts = [
            f"precision >= {self.precision:g}" if self.precision is not None else "",
            f"recall >= {self.recall:g}" if self.recall is not None else "",
            f"at most {self.given_share:.1%} given an id" if self.given_share is not None else "",
        ]
        return ", ".join(p for p in parts if p)

    def met(self, card: Scorecard) -> bool | None:
        """Whether the scorecard meets it; None when it has no such tier."""
        figures = {**card.tiers, **{n: m for n, (_, m) in card.groups.items()}}
        m = card.overall if self.tier == "all" else figures.get(self.tier)
        if m is None:
            return None
        return (
            (self.precision is None or m.precision >= self.precision)
            and (self.recall is None or m.recall >= self.recall)
            and (self.given_share is None or m.given_share <= self.given_share)
        )


NAMES, BRAND, CHALLENGE = "menus, names only", "menus, names + Brand column", "challenge"
STORES = "labelled+labelled_none"  # the stores' own names: a labelled_none id is a wrong id
TARGETS: tuple[Target, ...] = (
    Target(NAMES, STORES, precision=0.97, recall=0.75),
    Target(BRAND, STORES, precision=0.97, recall=0.85),
    Target(NAMES, "linked", precision=0.995, recall=0.98),
    Target(BRAND, "linked", precision=0.995, recall=0.98),
    Target(NAMES, "other_brand", given_share=0.005),
    Target(BRAND, "other_brand", given_share=0.005),
    Target(CHALLENGE, "all", precision=1.0, recall=0.97),
)


@dataclass(frozen=True)
class RealInput:
    """One labelled input: what it is called, its files and the ``poslink run`` arguments."""

    label: str
    pos: Path
    catalog: Path
    labels: Path
    args: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """A file name for its output."""
        return "".join(c if c.isalnum() else "-" for c in self.label.lower()).strip("-")


@dataclass(frozen=True)
class RealResult:
    """What poslink did on one input: time, memory and the scorecard."""

    input: RealInput
    records: int
    seconds: float
    rss_mb: float
    card: Scorecard


def real_inputs(menus: Path, challenge: Path) -> list[RealInput]:
    """The inputs that are present: the menus' two exports, then the reference example."""
    inputs = []
    if (menus / "labels.csv").is_file():
        catalog, labels = menus / "catalog.db", menus / "labels.csv"
        inputs.append(RealInput(NAMES, menus / "pos/products.json", catalog, labels))
        options = tuple(arg for option in MENU_CSV_OPTIONS for arg in ("-o", option))
        inputs.append(
            RealInput(
                BRAND,
                menus / "pos/products.csv",
                catalog,
                labels,
                ("--source", "csv", *options),
            )
        )
    if (challenge / "labels.csv").is_file():
        inputs.append(
            RealInput(
                CHALLENGE,
                challenge / "pos/products.json",
                challenge / "db/jane.db",
                challenge / "labels.csv",
            )
        )
    return inputs


def run_real(item: RealInput, work: Path, workers: int | None = None) -> RealResult:
    """Run poslink on one input into ``work`` and score the output against its labels."""
    work.mkdir(parents=True, exist_ok=True)
    out = work / f"{item.slug}.csv"
    args: list[str | Path] = ["run", "--pos", item.pos, "--catalog", item.catalog]
    args += [*item.args, "--out", out, "-q"]
    if workers:
        args += ["--workers", str(workers)]
    seconds, rss, _ = measure(args)
    output = read_output(out)  # one row per input record
    return RealResult(item, len(output), seconds, rss, scorecard(read_labels(item.labels), output))


def real_lines(results: list[RealResult]) -> list[str]:
    """The results as a Markdown section: per input, its tiers, tier groups and all rows."""
    lines = [
        "## Labelled real data",
        "",
        "`poslink run` on labelled data nobody here generated, scored row by row against its",
        "labels (`poslink eval`). *menus*: real New Mexico dispensary menus against a catalog",
        "of the products they link to, once from the names alone and once with the store's",
        "Brand column. Tiers: `linked`, names equal to the catalog's; `labelled`, stores' own",
        "names for a catalog brand's products; `labelled_none`, the same for products not in",
        "the catalog (an id there is a wrong id); `labelled+labelled_none`, the stores' own",
        "names together; `other_brand`, items of brands absent from the catalog (`given an id`",
        "is their error rate). *challenge*: the reference example, without tiers. These inputs",
        "are small: their records/s is mostly process start-up and the index build.",
        "",
        "| input | records/s | run s | tier | rows | ids given | wrong | precision | recall | F1 "
        "| given an id |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        first = f"| {r.input.label} | {r.records / r.seconds:,.0f} | {r.seconds:.1f} "
        for n, row in enumerate(markdown_rows(r.card)):
            lines.append((first if n == 0 else "| | | ") + row)
    lines += ["", "Targets (issue #11):", ""]
    for r in results:
        for target in TARGETS:
            if target.input == r.input.label and (met := target.met(r.card)) is not None:
                verdict = "met" if met else "**missed**"
                lines.append(f"- {target.input}, {target.tier}: {target.text()} — {verdict}")
    return [*lines, ""]


# The target for every tier of a generated workload: precision, recall (where ids are
# expected); a group of tiers (a tier with its _none tier) holds the same precision.
GENERATED_PRECISION, GENERATED_RECALL = 0.995, 0.95


def generated_tier_lines(results: list[Result]) -> list[str]:
    """The generated workloads' figures per tier as a Markdown section (none without tiers)."""
    rows = []
    for r in results:
        for n, row in enumerate(markdown_rows(r.card)):
            rows.append((f"| {r.case.label} " if n == 0 else "| ") + row)
    if not rows:
        return []
    verdicts = []
    for r in results:
        # A tier without catalog products to give (other_brand, store_none) has no precision
        # worth the name (any id there is wrong): its ids count in its group's precision
        # (store+store_none) and in the "given an id" column.
        tiers = {name: m for name, m in r.card.tiers.items() if m.positives}
        met = all(
            m.precision >= GENERATED_PRECISION and m.recall >= GENERATED_RECALL
            for m in tiers.values()
        ) and all(m.precision >= GENERATED_PRECISION for _, m in r.card.groups.values())
        verdicts.append(
            f"- {r.case.label}: precision >= {GENERATED_PRECISION:g} and recall >= "
            f"{GENERATED_RECALL:g} on every tier with products to give"
            f" ({', '.join(sorted(tiers))}), precision on every group"
            f" ({', '.join(sorted(r.card.groups)) or 'none'}) — {'met' if met else '**missed**'}"
        )
    return [
        "### Generated workloads per tier",
        "",
        "The generated labels' tiers (`poslink_dev.synth`): `exact`, the catalog's own text;",
        "`store`, a store's rendering of a catalog product; `store_none`, a store's rendering",
        "of a catalog brand's product the catalog does not have (an id there is a wrong id);",
        "`store+store_none`, the two together; `other_brand`, a brand absent from the catalog",
        "(`given an id` is its error rate).",
        "",
        "| workload | tier | rows | ids given | wrong | precision | recall | F1 | given an id |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Target (issue #11):",
        "",
        *verdicts,
    ]
