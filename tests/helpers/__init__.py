"""The tests' helpers: paths, small catalogs, the installed command; servers and browsers in
the submodules (``helpers.pgserver``, ``helpers.apiserver``, ``helpers.browser`` ...).

Tests import them as a package (``from helpers import poslink``); ``tests/`` is on the path
(pytest's ``pythonpath``), and ``tests/conftest.py`` holds only fixtures.
"""

from helpers.catalogs import make_catalog, products
from helpers.cli import BAD_POS_FILES, Runner, bad_pos_file, poslink, poslink_here
from helpers.paths import CHALLENGE, EXAMPLE_ARGS, EXAMPLES, KUSHY, REPO, SHARED, TESTS

__all__ = [
    "BAD_POS_FILES",
    "CHALLENGE",
    "EXAMPLES",
    "EXAMPLE_ARGS",
    "KUSHY",
    "REPO",
    "SHARED",
    "TESTS",
    "Runner",
    "bad_pos_file",
    "make_catalog",
    "poslink",
    "poslink_here",
    "products",
]
