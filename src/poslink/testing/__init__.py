"""Test helpers for poslink and its plugins: the source conformance suite and test doubles.

``SourceConformance`` is the suite every source passes; ``MemorySource``, ``MemoryCatalog``
and ``MemorySink`` stand in for the extension points. Needs ``pip install 'poslink[testing]'``.
"""

from poslink.testing.conformance import (
    BAD,
    SAMPLES,
    UNICODE_NAMES,
    Bad,
    Item,
    Sample,
    SourceConformance,
)
from poslink.testing.doubles import MemoryCatalog, MemorySink, MemorySource

__all__ = [
    "BAD",
    "SAMPLES",
    "UNICODE_NAMES",
    "Bad",
    "Item",
    "MemoryCatalog",
    "MemorySink",
    "MemorySource",
    "Sample",
    "SourceConformance",
]
