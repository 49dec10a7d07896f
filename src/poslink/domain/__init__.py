"""Cannabis domain knowledge (as data files) and the parser that uses it."""

from poslink.domain.brands import BrandIndex
from poslink.domain.knowledge import Knowledge, load_knowledge
from poslink.domain.parser import Parser

__all__ = ["BrandIndex", "Knowledge", "Parser", "load_knowledge"]
