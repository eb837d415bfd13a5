"""Heading ids: each heading's slug (hortus.vault.heading_slug), made unique in the note.

Rules, after mdit-py-plugins' anchors plugin, which hortus used before: the slug is of the
heading's plain text and code spans; a later heading of the same slug gets `-1`, `-2`, ...;
an id already set is kept and never given to another heading. A heading whose plain text
gives no slug (only an inline query `` `=this.file.name` ``, a link or an emoji) would get
an empty id, which HTML forbids and nothing can link to: its slug is then of its source as
written, as Obsidian links to it by that text, and failing that `heading`.

Token: `heading_open` gets the attribute `id`.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from hortus.vault import heading_slug

__all__ = ["FALLBACK_ID", "anchors_plugin"]
FALLBACK_ID = "heading"


def anchors_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("anchor", _heading_ids)


def _heading_ids(state: StateCore) -> None:
    tokens = state.tokens
    taken = {
        str(token.attrGet("id"))
        for token in tokens
        if token.type == "heading_open" and token.attrGet("id")
    }
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or token.attrGet("id") or i + 1 >= len(tokens):
            continue
        inline = tokens[i + 1]
        text = "".join(
            c.content for c in inline.children or () if c.type in ("text", "code_inline")
        )
        slug = heading_slug(text) or heading_slug(inline.content) or FALLBACK_ID
        token.attrSet("id", _unique(slug, taken))


def _unique(slug: str, taken: set[str]) -> str:
    """`slug`, or the first of `slug-1`, `slug-2`, ... not yet taken; then taken."""
    unique, number = slug, 1
    while unique in taken:
        unique = f"{slug}-{number}"
        number += 1
    taken.add(unique)
    return unique
