"""Matching: blocking index, feature scores and the decision, free of any engine code."""

from poslink.matching.index import CatalogIndex
from poslink.matching.matcher import Matcher

__all__ = ["CatalogIndex", "Matcher"]
