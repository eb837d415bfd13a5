"""A note's properties as Obsidian's properties view shows them: one row per property, typed
(text, list, number, checkbox, date, date and time), links in them as links.

The rows are plain records for the theme's `partials/properties.html`; a link's URL is the
link stage's (an unpublished or missing target has none, and shows as plain text, as a link
in the text does). hortus's own keys are never shown; `[tool.hortus] hide-properties` hides
others, and `properties = false` the whole view."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from hortus.links import UNRESOLVED, ResolvedLink
from hortus.markdown import PropertyLink, is_hortus_key, text_parts


class PropertyPart(NamedTuple):
    """A piece of a property's value."""

    text: str  # what is shown
    url: str | None = None  # where it links (site-absolute, or an outside URL); None: text
    kind: str = "text"  # "text", "link" (a note of the site), "external", "broken"


class PropertyRow(NamedTuple):
    """One property of the view."""

    key: str  # the property's name, as written
    kind: str  # "text", "list", "number", "checkbox", "date", "datetime", "empty"
    values: list[list[PropertyPart]]  # each value (one, or a list's items) as its parts
    machine: str = ""  # a date's or number's value for `datetime=` / `data-value`


_URL = re.compile(r"https?://[^\s<>\"'`]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"
)


def property_rows(
    frontmatter: dict[str, Any], links: Sequence[ResolvedLink], hidden: Sequence[str] = ()
) -> list[PropertyRow]:
    """The rows of the view, in the frontmatter's order. `links` are the link stage's
    resolutions of the note's property links, in order (hidden rows' links are skipped over,
    as they are resolved too)."""
    hide = {key.casefold() for key in hidden}
    queue = iter(links)
    rows = []
    for key, value in frontmatter.items():
        if is_hortus_key(key):
            continue
        row = _row(key, value, queue)
        if key.casefold() not in hide:
            rows.append(row)
    return rows


def _row(key: str, value: Any, links: Iterator[ResolvedLink]) -> PropertyRow:
    if isinstance(value, bool):
        return PropertyRow(key, "checkbox", [[PropertyPart("true" if value else "false")]])
    if isinstance(value, int | float):
        return PropertyRow(key, "number", [[PropertyPart(_number(value))]], _number(value))
    if isinstance(value, dt.datetime):
        shown = value.strftime("%Y-%m-%d %H:%M")
        return PropertyRow(key, "datetime", [[PropertyPart(shown)]], value.isoformat())
    if isinstance(value, dt.date):
        return PropertyRow(key, "date", [[PropertyPart(value.isoformat())]], value.isoformat())
    if isinstance(value, list):
        items = [_parts(item, links) for item in value if item is not None and item != ""]
        return PropertyRow(key, "list" if items else "empty", items)
    if value is None or value == "":
        return PropertyRow(key, "empty", [])
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value.strip()):
        return PropertyRow(key, "datetime", [[PropertyPart(value.strip())]], value.strip())
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return PropertyRow(key, "date", [[PropertyPart(value.strip())]], value.strip())
    return PropertyRow(key, "text", [_parts(value, links)])


def _number(value: float) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _parts(value: Any, links: Iterator[ResolvedLink]) -> list[PropertyPart]:
    """A value's text with its links and URLs; anything but text is shown as JSON shows it."""
    if not isinstance(value, str):
        if isinstance(value, dt.date | bool | int | float):
            return [PropertyPart(str(value).lower() if isinstance(value, bool) else str(value))]
        return [PropertyPart(json.dumps(value, ensure_ascii=False, default=str))]
    parts: list[PropertyPart] = []
    for piece in text_parts(value):
        if isinstance(piece, PropertyLink):
            parts.append(_link_part(piece, next(links, UNRESOLVED)))
        else:
            parts.extend(_url_parts(piece))
    return parts


def _link_part(link: PropertyLink, found: ResolvedLink) -> PropertyPart:
    if found.url is None:
        # Missing and unpublished targets look the same, so the page reveals nothing.
        return PropertyPart(link.label, None, "broken")
    return PropertyPart(link.label, found.url, "link")


def _url_parts(text: str) -> Iterator[PropertyPart]:
    last = 0
    for match in _URL.finditer(text):
        if match.start() > last:
            yield PropertyPart(text[last : match.start()])
        yield PropertyPart(match.group(), match.group(), "external")
        last = match.end()
    if last < len(text):
        yield PropertyPart(text[last:])
