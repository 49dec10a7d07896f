"""The learning figure: what reviewing the highest-impact groups teaches the next run.

A simulated reviewer works the console's queue on a labelled feed: for each of the ``groups``
highest-impact groups it answers what the labels say of the group's listings (the most common
label; a group none of whose listings is labelled is skipped, as a person unsure would), and
confirms the lessons the console proposes and ticks. Then the feed is run again, and recall and
precision are measured on the labelled records of groups that were *not* reviewed: what the
taught aliases and nicknames did for records nobody looked at.

    python -m poslink.console.replay ../shared/data/menus-nm --work /tmp/replay

reads the feed's ``pos/products.csv`` (with its Brand column), ``catalog.db`` and
``labels.csv`` and prints the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from poslink.catalogs import open_catalog
from poslink.config import RunConfig
from poslink.console import actions
from poslink.console.learn import propose
from poslink.console.listings import Parsers
from poslink.console.queue import build_queue
from poslink.evaluate import evaluate, read_labels, read_output
from poslink.matching import CatalogIndex
from poslink.pipeline import run
from poslink.store.db import DecisionStore
from poslink.store.knowledge import SOURCE, load_learned

REVIEWER = "simulated-reviewer"
CSV_COLUMNS = {
    "id": "SKU",
    "name": "Product Name",
    "brand": "Brand",
    "category": "Category",
    "quantity": "Qty",
}


@dataclass(frozen=True)
class Figure:
    """Recall and precision on the records not reviewed, before and after the review."""

    groups_reviewed: int
    groups_skipped: int
    listings_reviewed: int
    lessons: list[str]
    records_scored: int
    positives: int  # of those, records the labels give an id
    found_before: int
    found_after: int
    recall_before: float
    recall_after: float
    precision_before: float
    precision_after: float


FEEDS = ("csv", "json")


def feed_config(data: Path, work: Path, out: str, feed: str = "csv") -> RunConfig:
    """A run of the feed's CSV export (with its Brand column) or its JSON export (names only),
    with a decision store in ``work``."""
    if feed == "json":
        return RunConfig(
            pos=data / "pos" / "products.json",
            catalog=str(data / "catalog.db"),
            out=work / out,
            decisions=str(work / "decisions.db"),
            store_id="menus",
        )
    return RunConfig(
        pos=data / "pos" / "products.csv",
        catalog=str(data / "catalog.db"),
        out=work / out,
        source="csv",
        source_options={"columns": CSV_COLUMNS},
        decisions=str(work / "decisions.db"),
        store_id="menus",
    )


def simulate(data: Path, work: Path, groups: int = 50, feed: str = "csv") -> Figure:
    """Run, review the top ``groups`` groups as the labels answer, run again; measure."""
    work.mkdir(parents=True, exist_ok=True)
    run(feed_config(data, work, "before.csv", feed))
    labels = read_labels(data / "labels.csv")
    skus = [r["SKU"].strip() for r in _rows(data / "pos" / "products.csv")]
    answer_of: dict[str, list[str]] = {}
    for label in labels:
        answer_of.setdefault(skus[label.row], []).append(label.expected or "none")
    index = CatalogIndex.build(open_catalog(str(data / "catalog.db")).products())
    products = {p.id: p for p in index.products}
    reviewed: set[str] = set()
    taught: list[str] = []
    done = skipped = 0
    with DecisionStore(str(work / "decisions.db")) as store:
        parsers = Parsers(index, lambda source, at: load_learned(store, source, at))
        queue = build_queue(store, index, parsers)
        for group in queue.groups[:groups]:
            reviewed.update(x.pos_id for x in group.listings)
            said = [a for x in group.listings for a in answer_of.get(x.pos_id, [])]
            if not said:
                skipped += 1
                continue
            answer = Counter(said).most_common(1)[0][0]
            actions.decide(store, REVIEWER, group.id, group.listings, queue.names, answer)
            done += 1
            if answer == "none":
                continue
            product = products[answer]
            chosen: dict[str, tuple[str, str, str, str, str, str, str]] = {}
            for x in group.listings:
                parser = parsers.get(x.source, x.store)
                for p in propose(parser, x.record, product):
                    if p.suggested:
                        lesson = (p.kind, p.text, p.target, p.brand, SOURCE, x.source, p.example)
                        chosen.setdefault(p.key, lesson)
            actions.teach(store, REVIEWER, group.id, list(chosen.values()))
            taught += [f"{k} -> {v[2]}" for k, v in chosen.items()]
    run(feed_config(data, work, "after.csv", feed))
    kept = [label for label in labels if skus[label.row] not in reviewed]
    before = evaluate(kept, read_output(work / "before.csv"))
    after = evaluate(kept, read_output(work / "after.csv"))
    return Figure(
        groups_reviewed=done,
        groups_skipped=skipped,
        listings_reviewed=len(reviewed),
        lessons=taught,
        records_scored=len(kept),
        positives=before.positives,
        found_before=before.found,
        found_after=after.found,
        recall_before=round(before.recall, 4),
        recall_after=round(after.recall, 4),
        precision_before=round(before.precision, 4),
        precision_after=round(after.precision, 4),
    )


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    """Print the learning figure of a labelled feed as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data", type=Path, help="a folder with pos/products.csv, catalog.db, labels.csv"
    )
    parser.add_argument("--work", type=Path, required=True, help="a new folder for the runs")
    parser.add_argument("--groups", type=int, default=50, help="groups the reviewer works")
    parser.add_argument("--feed", choices=FEEDS, default="csv", help="the export to run")
    args = parser.parse_args()
    figure = simulate(args.data, args.work, args.groups, args.feed)
    print(json.dumps(asdict(figure), indent=2))


if __name__ == "__main__":
    main()
