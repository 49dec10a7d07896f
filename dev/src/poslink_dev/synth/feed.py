"""Writing the feed: one record stream to ``pos.json``, ``pos.csv``, ``menu.json`` and labels.

All outputs are written as the records come, store by store, so memory does not grow with the
feed. Every format holds the same records in the same order; ``labels.csv`` numbers them, with
the true id, the ids accepted (both ids of a catalog duplicate, ';'-separated), the record's
tier (``exact``, ``store``, ``store_none``, ``other_brand``: see ``store_names``) and a note.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from poslink_dev.synth.listings import Listing, Record

FORMATS = ("json", "csv", "menu")
FILE_NAMES = {"json": "pos.json", "csv": "pos.csv", "menu": "menu.json", "labels": "labels.csv"}
CSV_HEADER = ("SKU", "Product Name", "Brand", "Category", "Strain", "Unit Weight", "Qty On Hand")
LABEL_HEADER = (
    "row",
    "productId",
    "productName",
    "jane_product_id",
    "acceptable",
    "tier",
    "note",
)


# One encoder for every value: json.dumps with options builds a new encoder per call.
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class FeedWriter:
    """Writes the requested formats plus labels into one folder; use it as a context manager."""

    def __init__(self, out_dir: Path, formats: Sequence[str], delimiter: str = ";") -> None:
        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise ValueError(f"unknown formats {sorted(unknown)}: choose from {FORMATS}")
        self.rows = 0
        self._files: list[IO[str]] = []
        self._json = self._open(out_dir, "json") if "json" in formats else None
        self._menu = self._open(out_dir, "menu") if "menu" in formats else None
        csv_file = self._open(out_dir, "csv") if "csv" in formats else None
        self._csv = (
            csv.writer(csv_file, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n")
            if csv_file
            else None
        )
        self._labels = csv.writer(self._open(out_dir, "labels"), lineterminator="\n")
        self._labels.writerow(LABEL_HEADER)
        if self._csv:
            self._csv.writerow(CSV_HEADER)
        if self._json:
            self._json.write("[")
        if self._menu:
            self._menu.write('{"products":[')

    def _open(self, out_dir: Path, kind: str) -> IO[str]:
        handle = (out_dir / FILE_NAMES[kind]).open("w", encoding="utf-8", newline="")
        self._files.append(handle)
        return handle

    def write(self, listing: Listing, records: Sequence[Record]) -> None:
        """Write one listing's records to every open format."""
        form = listing.form
        truth, twin = listing.spec.truth, listing.spec.twin
        truth_text = "" if truth is None else str(truth)
        acceptable = truth_text if twin is None else f"{truth_text};{twin}"
        first = self.rows == 0
        labels = self._labels
        for offset, record in enumerate(records):
            labels.writerow(
                (
                    self.rows + offset,
                    record.pos_id,
                    record.name,
                    truth_text,
                    acceptable,
                    listing.tier,
                    listing.note,
                )
            )
        if self._json:
            self._json.write(
                ("\n" if first else ",\n")
                + ",\n".join(
                    f'{{"category":{_dumps(form.state_category)},"productId":{r.pos_id},'
                    f'"productName":{_dumps(r.name)},"quantityAvailable":{r.quantity!r}}}'
                    for r in records
                )
            )
        if self._csv:
            brand, category = listing.brand_field, listing.category
            strain = listing.strain or ""
            self._csv.writerows(
                (r.pos_id, r.short, brand, category, strain, r.option, f"{r.quantity:g}")
                for r in records
            )
        if self._menu:
            # Written by hand, not json-dumped as a dict: this is the hottest loop at 1M records.
            strain = _dumps(listing.strain) if listing.strain else "null"
            lineage = _dumps(listing.spec.lineage.upper()) if listing.spec.lineage else "null"
            variants = ",".join(
                f'{{"sku":"{r.pos_id}","option":{_dumps(r.option or "each")},'
                f'"price":{r.price!r},"quantity":{r.quantity!r}}}'
                for r in records
            )
            self._menu.write(
                f'{"" if first else ","}\n{{"id":"p-{records[0].pos_id}",'
                f'"name":{_dumps(listing.name.body)},"brand":{{"name":{_dumps(listing.brand_field)}}},'
                f'"category":{_dumps(form.menu_category)},"strain":{strain},'
                f'"strainType":{lineage},"variants":[{variants}]}}'
            )
        self.rows += len(records)

    def write_all(self, stores: Iterable[Sequence[tuple[Listing, Sequence[Record]]]]) -> None:
        """Write every listing of every store."""
        for store in stores:
            for listing, records in store:
                self.write(listing, records)

    def close(self) -> None:
        """Close the JSON documents and every file."""
        if self._json:
            self._json.write("\n]\n")
        if self._menu:
            self._menu.write("\n]}\n")
        for handle in self._files:
            handle.close()

    def __enter__(self) -> FeedWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
