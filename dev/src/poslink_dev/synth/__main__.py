"""``python -m poslink_dev.synth``: generate one workload and print a one-line summary."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from poslink_dev.synth import FORMATS, generate


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, generate, print the summary; the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m poslink_dev.synth",
        description="Generate a catalog, a POS feed and labels from the Kushy data set.",
    )
    parser.add_argument("--kushy", type=Path, required=True, help="the Kushy data set folder")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write into")
    parser.add_argument("--products", type=int, required=True, help="catalog size")
    parser.add_argument("--records", type=int, required=True, help="feed size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repetition",
        type=float,
        default=0.0,
        help="chance a listing repeats one from an earlier store (0: none)",
    )
    parser.add_argument(
        "--absent-share", type=float, default=0.4, help="share of records not in the catalog"
    )
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help="feed formats, comma-separated: json,csv,menu"
    )
    parser.add_argument("--csv-delimiter", default=";")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    started = time.perf_counter()
    try:
        workload = generate(
            args.kushy,
            args.out,
            n_products=args.products,
            n_records=args.records,
            seed=args.seed,
            repetition=args.repetition,
            absent_share=args.absent_share,
            formats=formats,
            csv_delimiter=args.csv_delimiter,
        )
    except (OSError, ValueError) as error:
        parser.error(str(error))
    print(
        f"wrote {workload.n_products} products and {workload.n_records} records "
        f"({','.join(formats)}) to {args.out} in {time.perf_counter() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
