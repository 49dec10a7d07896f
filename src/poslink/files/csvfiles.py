"""CSV files a person fills in or saves from a spreadsheet (labels, overrides, lessons, review
answers), opened to read.

``utf-8-sig``: a spreadsheet's "CSV UTF-8" begins with a byte order mark, which would otherwise
be read as part of the first column's name. A file that cannot be opened, is not UTF-8 text
(saved as Latin-1) or is not CSV (a field beyond the csv module's limit) is one
``InputError`` naming it, not a traceback.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from poslink.exceptions import InputError


@contextmanager
def reading_csv(path: Path) -> Iterator[TextIO]:
    """``path`` open as text for ``csv`` (see the module docstring); closed after."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from exc
    with handle:
        try:
            yield handle
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text") from exc
        except csv.Error as exc:
            raise InputError(f"{path}: not a CSV file: {exc}") from exc
