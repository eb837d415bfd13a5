"""A note's properties (its frontmatter) as Obsidian's properties view reads them, and the
links they hold: `related: "[[Note]]"` is a link, as it is in Obsidian, so the link stage
resolves it and counts it as a backlink of its target.

Both the link stage and the view walk the properties the same way (`property_strings`, then
`text_parts` on each string), so the n-th PropertyLink found is the n-th link the view shows.
hortus's own keys (publishing, URL, classes, cell timeout) are settings, not properties:
they hold no links and are never shown."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hortus.markdown.plugins.common import parse_linktext, split_alias

# Read by hortus itself: `dg-*` (Digital Garden's), and those below. `title` is the page's
# title and `tags` its tag list, each shown where the page shows them.
HORTUS_KEYS = frozenset(
    {"permalink", "publish", "draft", "cssclasses", "cssclass", "title", "tags", "tag"}
    | {"timeout", "excalidraw-plugin", "share", "position"}
    # The cells' document options (Quarto's, and the note's memory cap).
    | {"execute", "jupyter", "ipynb-shell-interactivity", "code-fold", "code-summary"}
    | {"cell-memory-mb", "freeze"}
)
_LINK = re.compile(r"!?\[\[([^\[\]\n]+)\]\]")


def is_hortus_key(key: str) -> bool:
    lowered = key.strip().lower()
    return lowered in HORTUS_KEYS or lowered.startswith("dg-")


@dataclass(frozen=True)
class PropertyLink:
    """A `[[link]]` in a property's value, for the link stage."""

    key: str  # the property it is in
    target: str  # the note or file named, "" for the note itself
    heading: str | None  # `#Heading` in it (the last of a chain), if any
    block: str | None  # `#^block` in it, if any
    label: str  # what it shows: its alias, else what it names
    line: int  # the file line of the property


def property_strings(frontmatter: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(key, text) for every string of every property but hortus's own, in order: a list's
    strings one by one."""
    for key, value in frontmatter.items():
        if is_hortus_key(key):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                yield key, item


def text_parts(text: str) -> list[str | PropertyLink]:
    """The text split into plain strings and links (their `key` and `line` left empty)."""
    parts: list[str | PropertyLink] = []
    last = 0
    for match in _LINK.finditer(text):
        if match.start() > last:
            parts.append(text[last : match.start()])
        parts.append(_link(match.group(1)))
        last = match.end()
    if last < len(text):
        parts.append(text[last:])
    return parts


def _link(inner: str) -> PropertyLink:
    linktext, alias = split_alias(inner)
    target = parse_linktext(linktext)
    shown = alias or " > ".join(p for p in (target.target, *target.headings) if p)
    return PropertyLink("", target.target, target.heading, target.block, shown or inner, 0)


def property_links(frontmatter: dict[str, Any], source: Callable[[], str]) -> list[PropertyLink]:
    """Every link in the note's properties, in the order the view shows them. The note's
    text (`source()`, for the lines of the keys) is read only when a property links."""
    lines: dict[str, int] | None = None
    found = []
    for key, text in property_strings(frontmatter):
        for part in text_parts(text):
            if isinstance(part, PropertyLink):
                if lines is None:
                    lines = _key_lines(source())
                found.append(
                    PropertyLink(
                        key, part.target, part.heading, part.block, part.label, lines.get(key, 1)
                    )
                )
    return found


def _key_lines(source: str) -> dict[str, int]:
    """The file line of each top-level frontmatter key (the opening `---` is line 1)."""
    lines = source.split("\n")
    found: dict[str, int] = {}
    if not lines or lines[0].rstrip() != "---":
        return found
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            break
        match = _KEY.match(line)
        if match is not None:
            found.setdefault(match.group(1) or match.group(2) or match.group(3), number)
    return found


_KEY = re.compile(r"""(?:"([^"]+)"|'([^']+)'|([^\s:#'"-][^:]*?))\s*:(?:\s|$)""")
