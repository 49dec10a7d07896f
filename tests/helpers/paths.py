"""Where the tests find things: the repository, its examples and the reference data beside it."""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
# The reference data lives beside the clone (../shared), as on CI; POSLINK_SHARED_DATA overrides.
SHARED = Path(os.environ.get("POSLINK_SHARED_DATA", REPO.parent / "shared" / "data"))
CHALLENGE = SHARED / "challenge"
KUSHY = SHARED / "kushy"
EXAMPLES = REPO / "examples"
# The bundled example's input and catalog, as ``poslink run`` arguments.
EXAMPLE_ARGS = ("--pos", EXAMPLES / "jane/pos.json", "--catalog", EXAMPLES / "jane/catalog.db")
