"""Rebuild ``match_score``'s calibration (``src/poslink/matching/data/calibration.json``).

    .venv/bin/python tools/calibrate.py            # what `make calibrate` runs

Runs the matcher, without its probability threshold, over labelled data: the development half
of the real menus (../shared/data/menus-nm, names only and with the Brand column), the
reference example (../shared/data/challenge) and workloads generated from Kushy with three
seeds; takes, per kind of decision, each id given with its evidence and whether the labels
accept it; and fits one monotone curve per kind (``poslink.matching.calibration.fit``).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from poslink.config import RunConfig
from poslink.matching.calibration import fit
from poslink.matching.matcher import Matcher
from poslink.records import RECORD_FIELDS, PosRecord
from poslink.runs.parts import CatalogAccess, build_source
from poslink_dev.synth import generate

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "poslink" / "matching" / "data" / "calibration.json"
MENU_COLUMNS = {
    "columns": {
        "id": "SKU",
        "name": "Product Name",
        "brand": "Brand",
        "category": "Category",
        "quantity": "Qty",
    }
}


def samples_of(
    config: RunConfig, labels: Path, into: dict[str, list[tuple[float, bool]]]
) -> tuple[int, int]:
    """Add the (evidence, right) samples of one labelled run; return (ids given, right)."""
    accepted: dict[int, set[str]] = {}
    with labels.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            ok = row.get("acceptable") or row.get("jane_product_id") or ""
            accepted[int(row["row"])] = {a.strip() for a in ok.split(";")}
    index = CatalogAccess(config).index
    source = build_source(config)
    parser = index.parser(source.category_table)
    matcher = Matcher(index, config.matcher)
    given = right = 0
    for record in source.records():
        if not isinstance(record, PosRecord) or record.row not in accepted:
            continue
        values = [getattr(record, f) for f in RECORD_FIELDS]
        item = parser.parse_pos(
            values[0] or "",
            values[1] or "",
            brand=values[2],
            product_type=values[3],
            lineage=values[4],
            weight=values[5],
        )
        found = matcher.assess(item)
        if found.candidate is None or not found.kind:
            continue
        pid = str(index.product_id(found.candidate.position))
        ok = pid in accepted[record.row]
        into[found.kind].append((found.evidence, ok))
        given += 1
        right += ok
    return given, right


def missing_inputs(shared: Path) -> list[Path]:
    """The labelled data and Kushy files under ``shared`` that are not there."""
    needed = [
        shared / "menus-nm" / name
        for name in ("pos/products.json", "pos/products.csv", "catalog.db", "labels.csv")
    ]
    needed += [shared / "challenge" / n for n in ("pos/products.json", "db/jane.db", "labels.csv")]
    needed.append(shared / "kushy")
    return [path for path in needed if not path.exists()]


def main() -> int:
    """Fit and write the calibration; print what it was fitted on."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--seeds", type=int, nargs="*", default=[3, 5, 8])
    args = ap.parse_args()
    menus, challenge = args.shared / "menus-nm", args.shared / "challenge"
    missing = missing_inputs(args.shared)
    if missing:
        # Before anything is generated or written: the shipped calibration stays as it is.
        print(
            f"calibrate: error: {missing[0]}: no such file (the labelled data beside the"
            " clone, or --shared DIR)",
            file=sys.stderr,
        )
        return 2
    samples: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    base = {"out": Path("unused.csv"), "matcher": {"threshold": 0.0}}
    runs = [
        (
            "menus, names only",
            RunConfig(pos=menus / "pos/products.json", catalog=str(menus / "catalog.db"), **base),
            menus / "labels.csv",
        ),
        (
            "menus, Brand column",
            RunConfig(
                pos=menus / "pos/products.csv",
                source="csv",
                source_options=MENU_COLUMNS,
                catalog=str(menus / "catalog.db"),
                **base,
            ),
            menus / "labels.csv",
        ),
        (
            "challenge",
            RunConfig(
                pos=challenge / "pos/products.json", catalog=str(challenge / "db/jane.db"), **base
            ),
            challenge / "labels.csv",
        ),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            work = generate(
                args.shared / "kushy",
                Path(tmp) / f"w{seed}",
                n_products=6000,
                n_records=3000,
                seed=seed,
                formats=("json",),
            )
            runs.append(
                (
                    f"generated, seed {seed}",
                    RunConfig(pos=work.pos_json, catalog=str(work.catalog), **base),
                    work.labels,
                )
            )
        for name, config, labels in runs:
            given, right = samples_of(config, labels, samples)
            print(f"{name}: {given} ids given before the threshold, {right} right")
    calibration = fit(samples)
    args.out.write_text(calibration.to_json(), encoding="utf-8")
    for kind, curve in sorted(calibration.curves.items()):
        pairs = zip(curve.evidence, curve.probability, strict=True)
        knots = ", ".join(f"{x:.2f}:{y:.2f}" for x, y in pairs)
        print(f"{kind} ({curve.samples} ids): {knots}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
