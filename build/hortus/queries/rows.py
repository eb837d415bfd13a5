"""Pages, tasks and groups as the rows a query reads fields from, in each dialect.

Dataview sees a page as its fields (frontmatter and inline, by their own and their
simplified names) and `file` (`file.name`, `file.tasks`, ...); a task as its own fields
over its page's. Bases sees a page as its properties (`note.x`, bare `x`) and `file`
(`file.name` with its extension, `file.hasTag()`, ...). `member` is `a.b` for any value."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hortus.queries.summary import Garden, ListItemSummary, PageSummary
from hortus.queries.values import Duration, FileRef, Link, Value

_NON_WORD = re.compile(r"[^\w\s-]")


def simple_name(key: str) -> str:
    """Dataview's simplified field name: lower case, spaces as `-`, punctuation dropped."""
    return _NON_WORD.sub("", key.strip()).lower().replace(" ", "-")


def subtags(tags: tuple[str, ...]) -> list[str]:
    """`#a/b/c` is also `#a/b` and `#a` (Dataview's `file.tags`)."""
    found: list[str] = []
    for tag in tags:
        parts = tag.split("/")
        for depth in range(len(parts), 0, -1):
            name = "/".join(parts[:depth])
            if name not in found:
                found.append(name)
    return found


class PageRow:
    """A page in a Dataview query: its fields, `file`, and what FLATTEN added to it."""

    __slots__ = ("extra", "garden", "page")

    def __init__(self, page: PageSummary, garden: Garden, extra: dict | None = None) -> None:
        self.page = page
        self.garden = garden
        self.extra = extra

    def get(self, name: str) -> Value:
        if self.extra and name in self.extra:
            return self.extra[name]
        if name == "file":
            return FileObject(self.page, self.garden)
        fields = self.page.fields
        if name in fields:
            return fields[name]
        return fields.get(simple_name(name))

    def keys(self) -> list[str]:
        return ["file", *self.page.fields, *(self.extra or {})]

    def with_extra(self, name: str, value: Value) -> PageRow:
        return PageRow(self.page, self.garden, {**(self.extra or {}), name: value})


class FileObject:
    """Dataview's `file`: implicit fields of a page, computed when read."""

    __slots__ = ("garden", "page")

    FIELDS = (
        "name", "folder", "path", "ext", "link", "size", "ctime", "cday", "mtime", "mday",
        "tags", "etags", "inlinks", "outlinks", "aliases", "tasks", "lists", "frontmatter",
        "day", "starred",
    )  # fmt: skip

    def __init__(self, page: PageSummary, garden: Garden) -> None:
        self.page = page
        self.garden = garden

    def get(self, name: str) -> Value:
        page = self.page
        simple = {
            "name": lambda: page.basename if page.ext == "md" else page.name,
            "folder": lambda: page.folder,
            "path": lambda: page.path,
            "ext": lambda: page.ext,
            "link": lambda: page.link(),
            "size": lambda: page.size,
            "ctime": lambda: page.ctime,
            "cday": lambda: _day(page.ctime),
            "mtime": lambda: page.mtime,
            "mday": lambda: _day(page.mtime),
            "tags": lambda: subtags(page.tags),
            "etags": lambda: list(page.tags),
            "inlinks": lambda: [self.garden.pages[p].link() for p in page.inlinks],
            "outlinks": lambda: list(page.links),
            "aliases": lambda: list(page.aliases),
            "tasks": lambda: [
                TaskRow(i, page, self.garden) for i in page.items if i.status is not None
            ],
            "lists": lambda: [TaskRow(i, page, self.garden) for i in page.items],
            "frontmatter": lambda: dict(page.properties),
            "day": lambda: _file_day(page),
            "starred": lambda: False,
        }
        getter = simple.get(name)
        return getter() if getter is not None else None

    def keys(self) -> list[str]:
        return list(self.FIELDS)


def _day(value: dt.datetime | None) -> dt.datetime | None:
    return dt.datetime(value.year, value.month, value.day) if value is not None else None


_DAY_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def _file_day(page: PageSummary) -> dt.datetime | None:
    for key in ("date", "day"):
        value = page.fields.get(key)
        if isinstance(value, dt.datetime):
            return value
    match = _DAY_IN_NAME.search(page.basename)
    if match is None:
        return None
    try:
        return dt.datetime(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


class TaskRow:
    """A list item or task (Dataview's `file.tasks` element, and a TASK query's row): its
    own fields first, then its page's."""

    __slots__ = ("extra", "garden", "item", "page")

    def __init__(
        self, item: ListItemSummary, page: PageSummary, garden: Garden, extra: dict | None = None
    ) -> None:
        self.item = item
        self.page = page
        self.garden = garden
        self.extra = extra

    def get(self, name: str) -> Value:
        if self.extra and name in self.extra:
            return self.extra[name]
        item = self.item
        if name in item.fields:
            return item.fields[name]
        own = {
            "status": lambda: item.status if item.status is not None else "",
            "checked": lambda: item.status not in (None, " ", ""),
            "completed": lambda: item.completed,
            "fullyCompleted": lambda: self.fully_completed(),
            "text": lambda: item.text,
            "visual": lambda: item.text,
            "line": lambda: item.line,
            "lineCount": lambda: item.line_count,
            "path": lambda: self.page.path,
            "section": lambda: self.page.link()._replace(subpath=item.section),
            "tags": lambda: list(item.tags),
            "outlinks": lambda: list(item.links),
            "link": lambda: self.page.link(),
            "children": lambda: self.children(),
            "task": lambda: item.status is not None,
            "annotated": lambda: bool(item.fields),
            "parent": lambda: item.parent,
            "blockId": lambda: None,
        }
        getter = own.get(name)
        if getter is not None:
            return getter()
        return PageRow(self.page, self.garden).get(name)

    def keys(self) -> list[str]:
        return ["status", "text", "completed", "line", "path", *self.item.fields]

    def children(self) -> list[TaskRow]:
        by_line = {i.line: i for i in self.page.items}
        return [
            TaskRow(by_line[c], self.page, self.garden) for c in self.item.children if c in by_line
        ]

    def fully_completed(self) -> bool:
        if self.item.status is not None and not self.item.completed:
            return False
        return all(child.fully_completed() for child in self.children())

    def with_extra(self, name: str, value: Value) -> TaskRow:
        return TaskRow(self.item, self.page, self.garden, {**(self.extra or {}), name: value})


class BasesPage:
    """Bases' `this`: the note showing the base; `this.file`, `this.status`."""

    __slots__ = ("page",)

    def __init__(self, page: PageSummary) -> None:
        self.page = page


class GroupRow(dict):
    """A row of a grouped Dataview query: `key`, `rows`, and the key under its own name."""


def member(value: Value, name: str, garden: Garden, bases: bool) -> Value:
    """`value.name`, for any value, in either dialect."""
    if isinstance(value, dict):
        got = value.get(name)
        if got is None and not bases and not isinstance(value, GroupRow):
            got = value.get(simple_name(name))
        return got
    if isinstance(value, PageRow | FileObject | TaskRow):
        return value.get(name)
    if isinstance(value, BasesPage):
        if name == "file":
            return FileRef(value.page.path)
        return value.page.properties.get(name)
    if isinstance(value, FileRef):
        page = garden.page(value.path)
        return bases_file_field(page, name, garden) if page is not None else None
    if isinstance(value, Link):
        page = garden.page(value.path) if value.url is not None else None
        if page is None:
            return None
        return bases_file_field(page, name, garden) if bases else PageRow(page, garden).get(name)
    if isinstance(value, dt.datetime):
        return date_field(value, name)
    if isinstance(value, Duration):
        return duration_field(value, name)
    if isinstance(value, str | list | tuple) and name == "length":
        return len(value)
    if isinstance(value, list | tuple) and not bases:
        return [member(v, name, garden, bases) for v in value]  # Dataview's swizzling
    return None


def date_field(value: dt.datetime, name: str) -> Value:
    fields = {
        "year": value.year, "month": value.month, "day": value.day, "hour": value.hour,
        "minute": value.minute, "second": value.second,
        "millisecond": value.microsecond // 1000, "weekday": value.isoweekday(),
        "week": value.isocalendar()[1], "weekyear": value.isocalendar()[0],
    }  # fmt: skip
    return fields.get(name)


def duration_field(value: Duration, name: str) -> Value:
    seconds = value.seconds
    fields = {
        "years": value.years, "months": value.months, "weeks": value.days // 7,
        "days": value.days, "hours": seconds // 3600, "minutes": seconds % 3600 // 60,
        "seconds": seconds % 60,
    }  # fmt: skip
    return fields.get(name)


def bases_file_field(page: PageSummary, name: str, garden: Garden) -> Value:
    """Bases' `file.*` fields (its help's table): `name` keeps the extension."""
    fields: dict[str, Any] = {
        "name": lambda: page.name,
        "basename": lambda: page.basename,
        "path": lambda: page.path,
        "folder": lambda: page.folder,
        "ext": lambda: page.ext,
        "size": lambda: page.size,
        "properties": lambda: dict(page.properties),
        "tags": lambda: list(page.tags),
        "links": lambda: [link for link in page.links if not link.embed],
        "embeds": lambda: [link for link in page.links if link.embed],
        "backlinks": lambda: [FileRef(p) for p in page.inlinks],
        "ctime": lambda: page.ctime,
        "mtime": lambda: page.mtime,
        "file": lambda: FileRef(page.path),
    }
    getter = fields.get(name)
    return getter() if getter is not None else None
