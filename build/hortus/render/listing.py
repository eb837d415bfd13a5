"""Long listings (a tag's notes, a folder's entries) cut into pages of a bounded size, so no
page of a large garden is a megabyte of links: `/tags/a/`, then `/tags/a/page/2/`..."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

LISTING_PAGE = 250  # entries on one page of a listing

T = TypeVar("T")


@dataclass(frozen=True)
class ListingPage(Generic[T]):
    """One page of a listing: its URL, its entries, and where the others are."""

    url: str
    entries: Sequence[T]
    number: int  # from 1
    urls: tuple[str, ...]  # every page of the listing, the first at the listing's own URL

    @property
    def total(self) -> int:
        return len(self.urls)

    @property
    def previous(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.urls[self.number] if self.number < self.total else None


def listing_url(url: str, index: int, size: int = LISTING_PAGE) -> str:
    """The page of the listing at `url` that holds its entry number `index` (from 0)."""
    number = index // size + 1
    return url if number == 1 else f"{url}page/{number}/"


def listing_pages(url: str, entries: Sequence[T], size: int = LISTING_PAGE) -> list[ListingPage[T]]:
    """The pages of the listing at `url`: one, however short, and no more than it needs."""
    count = max(1, -(-len(entries) // size))
    urls = tuple(listing_url(url, i * size, size) for i in range(count))
    return [
        ListingPage(urls[i], entries[i * size : (i + 1) * size], i + 1, urls) for i in range(count)
    ]
