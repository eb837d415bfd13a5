"""Obsidian inline tags: `#tag`, `#nested/tag`, `#标签`, `#tag-with_dash`.

Obsidian's rules: a tag starts at the beginning of the text or after whitespace (opening
`*`, `=`, `~` markers in between are allowed: `**#tag**`); it holds
letters of any script, digits, `_`, `-` and `/`, and at least one character that is not a
digit (`#1984` is not a tag, `#y1984` is). Code spans, link targets, autolinks, entities
(`&#123;`) and escaped `\\#` are consumed by their own rules before this one sees the `#`;
a `#` in a URL's middle is not after whitespace; a heading's `# ` is followed by a space.
Link text is not searched, so `[#x](url)` stays a plain link.

Token: inline `tag`, content `#nested/tag` (as written), meta `{"tag": "nested/tag"}`
(as written: Obsidian compares tags case-insensitively but shows them as typed).
Default HTML: `<a class="tag" href="/tags/nested/tag/" data-tag="nested/tag">#nested/tag</a>`,
the href the tag's page on the site (hortus.vault.tag_url), so `#Tag` and `#tag` share it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from hortus.vault import tag_url

__all__ = ["is_tag_char", "tags_plugin"]

_EXTRA_TAG_CHARS = frozenset("_-/\u200d")  # `\u200d` joins multi-part emoji
_MARKUP_BEFORE = frozenset("*=~")  # not `_`: it belongs to tags (`_#x_` is no tag)


def tags_plugin(md: MarkdownIt) -> None:
    """Register `#tag` as an inline `tag` token with a default link renderer."""
    md.inline.ruler.push("tag", _tag)
    md.add_render_rule("tag", _render_tag)


def is_tag_char(char: str) -> bool:
    """Letters and digits of any script, combining marks, emoji, `_`, `-`, `/`."""
    if char in _EXTRA_TAG_CHARS:
        return True
    category = unicodedata.category(char)
    return category[0] in "LMN" or category == "So"


def _tag(state: StateInline, silent: bool) -> bool:
    start = state.pos
    src = state.src
    if src[start] != "#":
        return False
    # Whitespace or the start must come before the `#`; emphasis or highlight markers
    # in between do not count, so `**#tag**` and `==#tag==` still hold a tag.
    before = start
    while before > 0 and src[before - 1] in _MARKUP_BEFORE:
        before -= 1
    if before > 0 and not src[before - 1].isspace():
        return False
    if state.linkLevel > 0:
        return False  # inside link text, where a nested link would be invalid

    end = start + 1
    while end < state.posMax and is_tag_char(src[end]):
        end += 1
    body = src[start + 1 : end].rstrip("/")  # a trailing `/` ends a sentence, not a level
    if not body or body.isdigit() or body.startswith("/"):
        return False

    if not silent:
        token = state.push("tag", "", 0)
        token.content = "#" + body
        token.markup = "#"
        token.meta = {"tag": body}
    state.pos = start + 1 + len(body)
    return True


def _render_tag(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    tag = tokens[idx].meta["tag"]
    return (
        f'<a class="tag" href="{escapeHtml(tag_url(tag))}" data-tag="{escapeHtml(tag)}">'
        f"#{escapeHtml(tag)}</a>"
    )
