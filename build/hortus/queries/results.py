"""What the queries stage hands on: each query's result as plain typed records, ready to be
shown, and per note the results of its queries. Plain values only (tuples, text, numbers),
so a page's cache key is made from them and forked renderers share them.

Values are shown as `Shown` records: `Text`, `Markdown` (Dataview renders text as
Markdown), `LinkTo`, `Items` (a list), `Check` (a Bases checkbox), `Image`, `Empty`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Text(NamedTuple):
    """Plain text."""

    text: str


class Markdown(NamedTuple):
    """Text Dataview shows as Markdown (`**bold**`, `_italic_`). `links`: each `[[wikilink]]`
    in it, as written, and where it goes, resolved from the note holding the query; a link
    to an unpublished or missing note has no URL, so it shows as its text."""

    text: str
    links: tuple[tuple[str, LinkTo], ...] = ()


class LinkTo(NamedTuple):
    """A link to a page (or a file); `url` None: shown as its label only."""

    label: str
    url: str | None


class Items(NamedTuple):
    """A list value: a bulleted list in a Dataview cell, comma-separated in Bases."""

    items: tuple[Shown, ...]


class Check(NamedTuple):
    """A boolean Bases shows as a checkbox."""

    checked: bool


class Image(NamedTuple):
    """Bases' `image()`, a card's cover: an attachment or web address."""

    url: str
    alt: str


# A CSS hex colour and nothing else: what a card's cover may be besides an image.
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


class Swatch(NamedTuple):
    """A card's cover given as a hex colour (`#ff0000`): filled with it."""

    colour: str  # `#` and 3, 4, 6 or 8 hex digits, checked (it is written into a style)


class Empty(NamedTuple):
    """No value: Dataview shows `-`, Bases nothing."""

    dash: bool  # Dataview's `-`


Shown = Text | Markdown | LinkTo | Items | Check | Image | Empty


class Group(NamedTuple):
    """Rows under one key (`GROUP BY`, `groupBy`); the key is None when not grouped."""

    key: Shown | None
    rows: tuple[tuple[Shown, ...], ...]  # a table's cells; a list's (item, extra value)
    summaries: tuple[Shown | None, ...] = ()  # Bases: per column, for this group


class TableResult(NamedTuple):
    """A table: Dataview's TABLE, Bases' table view."""

    columns: tuple[str, ...]  # headings
    groups: tuple[Group, ...]
    count: int  # rows in all (Dataview shows it in the first heading)
    id_column: bool  # Dataview: the first column is the file or group (`File (3)`)
    summaries: tuple[Shown | None, ...] = ()  # Bases: per column, over every row
    nested: bool = False  # Dataview: a list value is a bulleted list (Bases: comma-separated)


class ListResult(NamedTuple):
    """A list: Dataview's LIST, Bases' list view. Each row is (item, its extra value)."""

    groups: tuple[Group, ...]
    count: int
    nested: bool = False  # Dataview: a list value is a nested list (Bases: comma-separated)


class TaskItem(NamedTuple):
    """A task (or list item) of a page, with the items nested under it."""

    path: str  # the note it is in
    token: int  # index of its inline token in that note's tokens (its text, as written)
    text: str  # its text, for a page that cannot render the token
    status: str | None  # the character in `[ ]`; None for a plain list item
    url: str  # the page, with the task's line as `#` anchor
    children: tuple[TaskItem, ...]


class TaskResult(NamedTuple):
    """Dataview's TASK: tasks, grouped (`GROUP BY file.link`) or not."""

    groups: tuple[TaskGroup, ...]
    count: int


class TaskGroup(NamedTuple):
    key: Shown | None
    tasks: tuple[TaskItem, ...]


class Card(NamedTuple):
    """A card of a Bases cards view."""

    title: LinkTo
    image: Image | Swatch | None
    fields: tuple[tuple[str, Shown], ...]  # (property heading, value)


class CardsResult(NamedTuple):
    groups: tuple[tuple[Shown | None, tuple[Card, ...]], ...]
    count: int


class ViewResult(NamedTuple):
    """One view of a base, evaluated."""

    name: str
    kind: str  # "table", "cards", "list"
    body: TableResult | ListResult | CardsResult | QueryFailure


class BaseResult(NamedTuple):
    """A base (a `.base` file or a ```base block): every view."""

    views: tuple[ViewResult, ...]


class QueryFailure(NamedTuple):
    """A query that cannot be parsed or evaluated: the message, shown in its place."""

    message: str


class ScriptBlock(NamedTuple):
    """A ```dataviewjs block: JavaScript hortus does not run; shown as code with a notice."""

    language: str


QueryResult = TableResult | ListResult | TaskResult | BaseResult | QueryFailure | ScriptBlock


@dataclass
class NoteQueries:
    """A note's query results, left in its env (`note_queries`) for the renderer."""

    blocks: dict[int, QueryResult] = field(default_factory=dict)  # by the fence's `query` number
    inline: dict[int, Shown | QueryFailure] = field(default_factory=dict)  # `= expr`, by number
    embeds: dict[str, BaseResult | QueryFailure] = field(default_factory=dict)  # base path ->
    language: str = "en"  # the pages' language tag: what the page says of a query is in it

    def key(self) -> list[Any]:
        """Everything shown, as plain data: the page's cache key takes it."""
        return [
            sorted(self.blocks.items()),
            sorted(self.inline.items()),
            sorted(self.embeds.items()),
        ]


QUERIES = "queries"  # where a note's NoteQueries is left in its env
QUERY_NUMBER = "query"  # a query token's number among its note's queries (token meta)


def note_queries(env: Mapping[str, Any]) -> NoteQueries | None:
    """A note's query results from its env (a ParsedNote's, or a render env made from it)."""
    return env.get(QUERIES)
