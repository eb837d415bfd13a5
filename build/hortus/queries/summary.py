"""What a query can see of the garden: a summary of each published page, and the look-ups
every query needs (by path, by tag, by folder, by name). Built from published notes only, so
no query can see, name or count a private note."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from hortus.queries.values import Link


@dataclass(frozen=True)
class ListItemSummary:
    """A list item or task of a page, as Dataview indexes it."""

    line: int  # 0-based line of its first line in the note (Dataview's `line`)
    status: str | None  # the character between `[ ]`, None for a plain list item
    text: str  # its text, without the marker and the checkbox
    parent: int | None  # the line of the list item it is nested in
    children: tuple[int, ...]  # the lines of the items nested in it
    fields: dict[str, Any]  # its inline fields, `[due:: 2024-01-01]`, `🗓️2024-01-01`
    tags: tuple[str, ...]  # `#tags` in its text, with the `#`
    links: tuple[Link, ...]  # links in its text
    section: str | None  # the heading it sits under
    token: int  # index of its inline token in the note's tokens, for showing its text
    line_count: int = 1  # lines it spans

    @property
    def completed(self) -> bool:
        return self.status in ("x", "X")


@dataclass
class PageSummary:
    """A published page as the queries see it."""

    path: str  # vault path, `folder/Note.md`
    url: str  # the page's site URL
    title: str  # the note's title
    properties: dict[str, Any]  # frontmatter, as query values (dates, links)
    fields: dict[str, Any]  # inline fields (`key:: value`), as Dataview types them
    tags: tuple[str, ...]  # frontmatter and inline tags, with `#`, as written, unique
    aliases: tuple[str, ...]  # frontmatter aliases
    mtime: dt.datetime | None  # when it last changed (the page's date); None: not known
    ctime: dt.datetime | None  # when it was made: frontmatter `created`, else its first
    # commit; None when not known
    size: int  # bytes of its text
    inlinks: tuple[str, ...] = ()  # paths of the pages that link to it
    base: bool = False  # a `.base` file (only ever `this`, never a row)
    # Its outgoing links (text and frontmatter) to published pages and files, as given or
    # read when a query first asks for them.
    links_given: tuple[Link, ...] | None = field(default=None, repr=False)
    load_links: Callable[[], tuple[Link, ...]] | None = field(default=None, repr=False)
    # Reads its list items when a query first asks (most queries never do).
    load_items: Callable[[], tuple[ListItemSummary, ...]] | None = field(default=None, repr=False)
    _items: tuple[ListItemSummary, ...] | None = field(default=None, repr=False)

    @property
    def links(self) -> tuple[Link, ...]:
        """Its outgoing links to published pages and files (never to a private note)."""
        if self.links_given is None:
            self.links_given = self.load_links() if self.load_links is not None else ()
        return self.links_given

    @property
    def items(self) -> tuple[ListItemSummary, ...]:
        """Its list items and tasks, in order."""
        if self._items is None:
            self._items = self.load_items() if self.load_items is not None else ()
        return self._items

    @cached_property
    def name(self) -> str:
        return posixpath.basename(self.path)

    @cached_property
    def basename(self) -> str:
        name = self.name
        return name.rpartition(".")[0] if "." in name else name

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.path)

    @property
    def ext(self) -> str:
        return self.name.rpartition(".")[2] if "." in self.name else ""

    def link(self, display: str | None = None) -> Link:
        return Link(self.path, display, self.url or None, None, False, self.title)


# How a query finds the page a link names, from the note the link is written in:
# (target text, the note's vault path) -> the published page's path, or None.
Resolver = Callable[[str, str], "str | None"]


@dataclass
class Garden:
    """Every published page's summary, and the indexes the queries look pages up with."""

    pages: dict[str, PageSummary]  # by vault path, in path order
    resolve_name: Resolver  # a link target to a published page, as Obsidian resolves it
    today: dt.datetime  # the build's date (midnight), `SOURCE_DATE_EPOCH` when set
    now: dt.datetime  # the build's moment
    # A file a link names -> its site URL, when a published note already publishes it.
    attachment_url: Resolver = lambda _target, _source: None
    # Whether a link target names a note that is not published (kept out of `links`).
    names_private: Callable[[str, str], bool] = lambda _target, _source: False
    # Path -> (URL, title) of every published page, known before the summaries are made.
    targets: dict[str, tuple[str, str]] = field(default_factory=dict)
    by_tag: dict[str, list[str]] = field(default_factory=dict)  # `#tag` casefolded -> paths
    others: dict[str, PageSummary] = field(default_factory=dict)  # `.base` files, by path
    language: str = "en"  # the pages' language tag: how Dataview's dates are written
    # Results of queries that read nothing of the note they are in, by their text.
    results: dict[tuple, Any] = field(default_factory=dict)

    def index_tags(self) -> None:
        self.by_tag = {}
        for path, page in self.pages.items():
            for tag in page.tags:
                parts = tag.casefold().split("/")
                for depth in range(1, len(parts) + 1):
                    bucket = self.by_tag.setdefault("/".join(parts[:depth]), [])
                    if not bucket or bucket[-1] != path:
                        bucket.append(path)

    def page(self, path: str | None) -> PageSummary | None:
        if path is None:
            return None
        return self.pages.get(path) or self.others.get(path)

    def tagged(self, tag: str) -> list[str]:
        """Pages with `#tag` or a tag nested under it, in path order."""
        key = tag.casefold()
        return self.by_tag.get(key if key.startswith("#") else "#" + key, [])

    def in_folder(self, folder: str) -> list[str]:
        """Pages in `folder` or below it; a path to a note names that note."""
        folder = folder.strip().strip("/")
        if not folder:
            return list(self.pages)
        prefix = folder.casefold() + "/"
        found = [p for p in self.pages if p.casefold().startswith(prefix)]
        if found:
            return found
        exact = [
            p for p in self.pages if p.casefold() in (folder.casefold(), folder.casefold() + ".md")
        ]
        return exact

    def link_to(self, target: str, source: str, display: str | None = None) -> Link:
        """The Link a note at `source` makes by naming `target` (`Note#Heading`): to a
        published page, or unresolved (its text only: a private note is never named)."""
        name, _, subpath = target.partition("#")
        path = self.resolve_name(name, source) if name else source
        if path is None or path not in self.targets:
            private = bool(name) and self.names_private(name, source)
            return Link(name or target, display, None, subpath or None, private=private)
        url, title = self.targets[path]
        return Link(path, display, url, subpath or None, False, title)
