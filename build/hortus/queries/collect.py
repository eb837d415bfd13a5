"""The garden's summaries, made from what the earlier stages found: each published page's
properties, inline fields, tags, links, backlinks, dates and (when a query asks) its list
items and tasks."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePosixPath

from markdown_it.token import Token

from hortus.links import LinkGraph, ResolvedLink, VaultIndex
from hortus.markdown import FIELDS, InlineField, ParsedNote, link_index, link_tokens
from hortus.queries.fieldvalues import frontmatter_value, inline_value, links_in
from hortus.queries.rows import simple_name
from hortus.queries.summary import Garden, ListItemSummary, PageSummary
from hortus.queries.values import Link, Value, plain_data
from hortus.vault import BASE_SUFFIX, NOTE_SUFFIXES, Note, NoteDates, Vault

_CREATED_KEYS = ("created", "ctime", "date created", "created_at", "creation date")
_ITEM_LINE = re.compile(r"^[\s>]*(?:\d+[.)]|[*+-])\s+(?:\[(.)\]\s+)?(.*)$")


def build_garden(
    vault: Vault,
    parsed: list[ParsedNote],
    graph: LinkGraph,
    dates: dict[Note, NoteDates],
    now: dt.datetime,
) -> Garden:
    """Every published page's summary, and the look-ups queries use."""
    index = VaultIndex(vault)
    pages = [p for p in parsed if _is_page(p.note)]
    published = {str(p.note.path) for p in pages}

    def resolve(target: str, source: str) -> str | None:
        found, _count, outside = index.find(target, PurePosixPath(source))
        path = str(found.path) if isinstance(found, Note) else None
        return path if not outside and path in published else None

    def private(target: str, source: str) -> bool:
        found, _count, _outside = index.find(target, PurePosixPath(source))
        return isinstance(found, Note) and str(found.path) not in published

    def attachment(target: str, source: str) -> str | None:
        found, _count, _outside = index.find(target, PurePosixPath(source))
        return graph.attachments.get(found) if isinstance(found, PurePosixPath) else None

    garden = Garden(
        pages={},
        resolve_name=resolve,
        today=now.replace(hour=0, minute=0, second=0, microsecond=0),
        now=now,
        attachment_url=attachment,
        names_private=private,
        targets={str(p.note.path): (p.note.url, p.note.title) for p in pages},
        language=vault.language.tag,
    )
    summaries = {str(p.note.path): _summary(p, garden, graph, dates) for p in pages}
    garden.pages = dict(sorted(summaries.items()))
    garden.index_tags()
    for p in parsed:
        if p.note.path.suffix.lower() == BASE_SUFFIX:
            garden.others[str(p.note.path)] = _base_summary(p.note, now)
    return garden


def _is_page(note: Note) -> bool:
    return note.page and not note.drawing and note.path.suffix.lower() in NOTE_SUFFIXES


def _summary(
    p: ParsedNote, garden: Garden, graph: LinkGraph, dates: dict[Note, NoteDates]
) -> PageSummary:
    note, path = p.note, str(p.note.path)

    def make_link(target: str, display: str | None, embed: bool) -> Link:
        return garden.link_to(target, path, display)._replace(embed=embed)

    raw = {k: plain_data(v) for k, v in note.frontmatter.items() if k != "position"}
    properties = {k: frontmatter_value(v, make_link, dataview=False) for k, v in raw.items()}
    typed = {k: frontmatter_value(v, make_link, dataview=True) for k, v in raw.items()}
    fields = _fields(typed, p.env.get(FIELDS, []), _item_lines(p), make_link)
    known = dates.get(note, NoteDates())
    created = next((typed[k] for k in typed if k.lower() in _CREATED_KEYS), None)
    # A date the history cannot tell (a shallow clone's) stays unknown (null), never made up.
    mtime = _midnight(known.updated)
    ctime = created if isinstance(created, dt.datetime) else _midnight(known.created)

    def links() -> tuple[Link, ...]:
        found = _links(p, graph, garden)
        listed = (x for v in typed.values() for x in links_in(v) if not x.private)
        return (*found, *listed)

    summary = PageSummary(
        path=path,
        url=note.url,
        title=note.title,
        properties=properties,
        fields=fields,
        tags=tuple("#" + t for t in graph.note_tags.get(note.path, note.tags)),
        load_links=links,
        aliases=note.aliases,
        mtime=mtime,
        ctime=ctime,
        size=len(note.source.encode("utf-8")),
        inlinks=tuple(str(n.path) for n in graph.backlinks.get(note.path, [])),
    )
    summary.load_items = lambda: _items(p, make_link, graph)
    return summary


def _midnight(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime(day.year, day.month, day.day) if day is not None else None


def _base_summary(note: Note, now: dt.datetime) -> PageSummary:
    return PageSummary(
        path=str(note.path), url=note.url if note.page else "", title=note.title,
        properties={}, fields={}, tags=(), aliases=(), mtime=now, ctime=now,
        size=len(note.source.encode("utf-8")), base=True,
    )  # fmt: skip


def _fields(
    frontmatter: dict[str, Value],
    found: list[InlineField],
    task_lines: set[int],
    make_link: Callable[[str, str | None, bool], Link],
) -> dict[str, Value]:
    """Dataview's fields of a page: frontmatter and inline fields (not those of tasks),
    by their own and simplified names; a key given twice holds a list."""
    fields: dict[str, Value] = {}

    def add(key: str, value: Value) -> None:
        for name in dict.fromkeys((key, simple_name(key))):
            if name not in fields:
                fields[name] = value
            elif isinstance(fields[name], list) and name in added:
                fields[name].append(value)
            else:
                fields[name] = [fields[name], value]
                added.add(name)

    added: set[str] = set()
    for key, value in frontmatter.items():
        add(key, value)
    for field in found:
        if field.line not in task_lines and field.wrapping != "emoji":
            add(field.key, inline_value(field.value, make_link))
    return fields


def _item_lines(p: ParsedNote) -> set[int]:
    """Lines of the note's tasks (their fields are theirs, not the page's)."""
    lines = p.note.source.split("\n")
    found = set()
    for token in p.tokens:
        if token.type == "list_item_open" and token.map:
            match = _ITEM_LINE.match(lines[token.map[0]]) if token.map[0] < len(lines) else None
            if match is not None and match.group(1) is not None:
                found.add(token.map[0])
    return found


def _links(p: ParsedNote, graph: LinkGraph, garden: Garden) -> list[Link]:
    """Links of the text: to published pages, to files, and to what does not exist (by the
    name written); never to a private note."""
    links = []
    resolved = graph.resolved.get(p.note.path, [])
    for (token, _parent), target in zip(link_tokens(p.tokens), resolved, strict=False):
        if target.status == "missing":
            name = token.meta.get("target") or token.meta.get("internal", {}).get("target")
            if name:
                links.append(Link(str(name), None, None, None, target.embed))
        elif target.status != "ok":
            continue
        elif target.note is not None and target.page:
            url = (target.url or "").partition("#")[0] or None
            links.append(
                Link(str(target.note), None, url, target.heading_id or target.block_id,
                     target.embed, target.title)
            )  # fmt: skip
        elif target.file is not None and target.url is not None:
            links.append(Link(str(target.file), None, target.url, None, target.embed))
    return links


def _items(
    p: ParsedNote, make_link: Callable[[str, str | None, bool], Link], graph: LinkGraph
) -> tuple[ListItemSummary, ...]:
    """The note's list items and tasks, with their fields, tags and links."""
    lines = p.note.source.split("\n")
    resolved = graph.resolved.get(p.note.path, [])
    fields_by_line: dict[int, list[InlineField]] = {}
    for field in p.env.get(FIELDS, []):
        fields_by_line.setdefault(field.line, []).append(field)
    items: list[ListItemSummary] = []
    open_items: list[int] = []  # lines of the list items enclosing the current token
    children: dict[int, list[int]] = {}
    section: str | None = None
    tokens = p.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and index + 1 < len(tokens):
            section = tokens[index + 1].content
        elif token.type == "list_item_close" and open_items:
            open_items.pop()
        elif token.type == "list_item_open" and token.map:
            line = token.map[0]
            match = _ITEM_LINE.match(lines[line]) if line < len(lines) else None
            parent = open_items[-1] if open_items else None
            open_items.append(line)
            if match is None:
                continue
            inline = _first_inline(tokens, index)
            if parent is not None:
                children.setdefault(parent, []).append(line)
            items.append(
                _item(
                    line,
                    match,
                    (tokens, inline),
                    parent,
                    section,
                    fields_by_line,
                    make_link,
                    resolved,
                )
            )
    return tuple(item_with_children(item, children) for item in items)


def _first_inline(tokens: list[Token], start: int) -> int:
    """The index of a list item's first inline token (its text), or -1."""
    for index in range(start + 1, min(start + 4, len(tokens))):
        if tokens[index].type == "inline":
            return index
    return -1


def _item(
    line: int,
    match: re.Match[str],
    text_at: tuple[list[Token], int],
    parent: int | None,
    section: str | None,
    fields_by_line: dict[int, list[InlineField]],
    make_link: Callable[[str, str | None, bool], Link],
    resolved: list[ResolvedLink],
) -> ListItemSummary:
    fields: dict[str, Value] = {}
    for field in fields_by_line.get(line, []):
        for name in dict.fromkeys((field.key, simple_name(field.key))):
            fields.setdefault(name, inline_value(field.value, make_link))
    tags: list[str] = []
    links: list[Link] = []
    tokens, inline = text_at
    for child in tokens[inline].children or () if inline >= 0 else ():
        if child.type == "tag":
            tags.append("#" + child.meta["tag"])
        number = link_index(child)
        if number is not None and number < len(resolved):
            target = resolved[number]
            if target.status == "ok" and target.note is not None and target.page:
                url = (target.url or "").partition("#")[0] or None
                links.append(Link(str(target.note), None, url, None, target.embed, target.title))
    return ListItemSummary(
        line=line, status=match.group(1), text=match.group(2), parent=parent, children=(),
        fields=fields, tags=tuple(dict.fromkeys(tags)), links=tuple(links), section=section,
        token=inline,
    )  # fmt: skip


def item_with_children(item: ListItemSummary, children: dict[int, list[int]]) -> ListItemSummary:
    return replace(item, children=tuple(children.get(item.line, ())))
