"""How POS APIs page: the parameters of each page and the sign of the last one.

A :class:`Paging` answers two questions for :class:`~poslink.sources.pull.Puller`: which query
parameters fetch page N, and whether another page follows the one just read. The styles the
named systems use: :class:`Offset` (``offset``/``limit``, ``Skip``/``Take``), :class:`Numbered`
(``pageNumber``/``pageSize``, with the totals a page reports), :class:`NextLink` (a JSON:API
``links.next``) and :class:`Single` (one document).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from poslink.sources.values import get_path, number_of

# -- paging --------------------------------------------------------------------------------


class Paging(ABC):
    """How an API pages: the parameters of each page and whether another one follows."""

    @abstractmethod
    def params(self, index: int, seen: int) -> dict[str, str]:
        """Query parameters of page ``index`` (from 0), ``seen`` records read before it."""

    @abstractmethod
    def more(self, page: Any, count: int, index: int, seen: int) -> bool:
        """Whether a page follows page ``index``, which held ``count`` records."""

    def total_pages(self, page: Any, seen: int) -> int | None:
        """How many pages there are in all, when the API says."""
        return None

    def next_url(self, page: Any) -> str | None:
        """The next page's link, when the API gives one."""
        return None


@dataclass(frozen=True)
class Offset(Paging):
    """``offset`` and ``limit`` style (Skip / Take): records skipped, records per page."""

    offset: str
    limit: str
    size: int

    def params(self, index: int, seen: int) -> dict[str, str]:
        """Skip what was read, take a page."""
        return {self.offset: str(seen), self.limit: str(self.size)}

    def more(self, page: Any, count: int, index: int, seen: int) -> bool:
        """A full page may be followed by another; a short or empty one is the last."""
        return count >= self.size


@dataclass(frozen=True)
class Numbered(Paging):
    """Page number and page size; totals (pages or records) read from the page when present."""

    number: str
    size_param: str
    size: int
    first: int = 1
    pages_at: tuple[str, ...] = ()
    records_at: tuple[str, ...] = ()
    bare_is_whole: bool = False  # an API version that answers a bare array answers all at once

    def params(self, index: int, seen: int) -> dict[str, str]:
        """The page's number and the page size."""
        return {self.number: str(self.first + index), self.size_param: str(self.size)}

    def total_pages(self, page: Any, seen: int) -> int | None:
        """The page count the API reports, or the record count divided by the page size."""
        for path in self.pages_at:
            pages = number_of(get_path(page, path))
            if pages is not None and pages >= 0:
                return int(pages)
        for path in self.records_at:
            records = number_of(get_path(page, path))
            if records is not None and records >= 0:
                return -(-int(records) // self.size)
        return None

    def more(self, page: Any, count: int, index: int, seen: int) -> bool:
        """Until an empty page, the reported total, or (no total) a short page."""
        if count == 0 or (self.bare_is_whole and isinstance(page, list)):
            return False
        total = self.total_pages(page, seen)
        if total is not None:
            return index + 1 < total
        return count >= self.size


@dataclass(frozen=True)
class NextLink(Paging):
    """A next-page link in the page (JSON:API ``links.next``), else ``fallback``'s paging."""

    fallback: Paging
    link_at: str = "links.next"

    def params(self, index: int, seen: int) -> dict[str, str]:
        """The fallback's parameters (a link carries its own)."""
        return self.fallback.params(index, seen)

    def next_url(self, page: Any) -> str | None:
        """The link, when the page has one."""
        link = get_path(page, self.link_at)
        return link if isinstance(link, str) and link.strip() else None

    def more(self, page: Any, count: int, index: int, seen: int) -> bool:
        """A page with links: more while it links to a next one; without links, the fallback."""
        links, _, _ = self.link_at.rpartition(".")
        if links and isinstance(get_path(page, links), dict):
            return count > 0 and self.next_url(page) is not None
        return self.fallback.more(page, count, index, seen)


class Single(Paging):
    """The API answers in one document."""

    def params(self, index: int, seen: int) -> dict[str, str]:
        """No paging parameters."""
        return {}

    def more(self, page: Any, count: int, index: int, seen: int) -> bool:
        """Never another page."""
        return False
