"""`from hortus import garden`: a cell's read-only view of the published pages.

    from hortus import garden
    books = garden.tagged("book")
    ratings = [p.properties.get("rating") for p in books]

The build leaves the garden in files (hortus.queries writes them, only published pages);
this view reads the index when first asked, and a page's file only when one of its details
is. The cells stage records every file a cell reads, and keeps its cached results only while
those files are unchanged: a cell is run again when what it read of the garden changed.

Standard library only: the worker process imports this module."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

# The folder the build left the garden in (hortus.queries.export.GARDEN_DIR says the same).
GARDEN_DIR = "HORTUS_GARDEN"


def _frozen(value: Any) -> Any:
    """A JSON value as an unchangeable one; `{"$date": ...}` back to a date."""
    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return dt.date.fromisoformat(value["$date"])
        if set(value) == {"$datetime"}:
            return dt.datetime.fromisoformat(value["$datetime"])
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


class Page:
    """A published page: `path`, `url`, `title`, `tags` at once; `properties`, `links`,
    `backlinks`, `updated`, `created` and `fields` (inline `key:: value`) read on first use."""

    __slots__ = ("_details", "_file", "_folder", "path", "tags", "title", "url")

    def __init__(self, entry: dict[str, Any], folder: Path) -> None:
        self.path: str = entry["path"]
        self.url: str = entry["url"]
        self.title: str = entry["title"]
        self.tags: tuple[str, ...] = tuple(entry["tags"])
        self._file = entry["file"]
        self._folder = folder
        self._details: dict[str, Any] | None = None

    def _detail(self, name: str) -> Any:
        if self._details is None:
            text = (self._folder / self._file).read_text(encoding="utf-8")
            self._details = {k: _frozen(v) for k, v in json.loads(text).items()}
        return self._details[name]

    properties = property(lambda self: self._detail("properties"))
    links = property(lambda self: self._detail("links"))
    backlinks = property(lambda self: self._detail("backlinks"))
    updated = property(lambda self: self._detail("updated"))
    created = property(lambda self: self._detail("created"))
    fields = property(lambda self: self._detail("fields"))

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2].removesuffix(".md")

    def __repr__(self) -> str:
        return f"Page({self.path!r})"


class GardenView:
    """Every published page, in path order."""

    def __init__(self) -> None:
        self._pages: tuple[Page, ...] | None = None
        self._today: dt.date | None = None

    def _load(self) -> tuple[Page, ...]:
        if self._pages is None:
            folder = os.environ.get(GARDEN_DIR)
            index = Path(folder) / "index.json" if folder else None
            if index is None or not index.is_file():
                raise RuntimeError(
                    "the garden is there for cells run by `hortus build` (or `check`, `serve`)"
                )
            data = json.loads(index.read_text(encoding="utf-8"))
            self._pages = tuple(Page(entry, index.parent) for entry in data["pages"])
            self._today = dt.date.fromisoformat(data["today"])
        return self._pages

    @property
    def pages(self) -> tuple[Page, ...]:
        return self._load()

    @property
    def today(self) -> dt.date:
        """The build's date (`SOURCE_DATE_EPOCH` when set), as queries' `today()`."""
        self._load()
        assert self._today is not None
        return self._today

    def page(self, name: str) -> Page | None:
        """The page with this path, file name or title (case-insensitive), or None."""
        wanted = name.casefold().removesuffix(".md")
        for page in self._load():
            if wanted in (page.path.casefold().removesuffix(".md"), page.name.casefold()):
                return page
        return next((p for p in self._load() if p.title.casefold() == wanted), None)

    def tagged(self, tag: str) -> tuple[Page, ...]:
        """Pages with `tag` or a tag nested under it (`a` finds `a/b`)."""
        wanted = tag.lstrip("#").casefold()
        return tuple(
            page
            for page in self._load()
            if any(
                t.casefold() == wanted or t.casefold().startswith(wanted + "/") for t in page.tags
            )
        )

    def __iter__(self) -> Iterator[Page]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return f"<garden of {len(self)} published pages>"

    def __reduce__(self) -> str:
        return "garden"  # pickled (a namespace kept between cells) as this module's one view


garden = GardenView()
