"""Obsidian callouts: a blockquote whose first line is `[!type]`, optionally foldable.

    > [!warning]- Optional *title*
    > Content, nested callouts, lists, code, math.

The first line is read before the blockquote rule runs and then hidden from it, so the
content is parsed as fresh blocks exactly as in any blockquote (a `$$` block or a list
right after the title line works). Types are case-insensitive; `data-callout` holds the
written type lower-cased and the stylesheet maps aliases (`summary`, `faq`, ...) and
unknown types (which look like `note`), as Obsidian does. Foldable callouts become
`<details>`/`<summary>` so folding works without JavaScript.

Tokens (all block level):

- `callout_open` (tag `div`, or `details` when foldable): attrs `class="callout"`,
  `data-callout=<type>`, `data-callout-metadata` when `[!type|metadata]` is used;
  meta `{"type", "fold": "" | "+" | "-", "title": <source of the title or None>,
  "metadata"}`; `map` like the blockquote's.
- `callout_title_open` (tag `div` or `summary`), an `inline` token with the title
  (the written title, or the type with its first letter upper-cased), `callout_title_close`.
- `callout_content_open` / `callout_content_close` (tag `div`) around the content, only
  when there is content.
- `callout_close`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.blockquote import blockquote
from markdown_it.token import Token

# `[!type]`, `[!type|metadata]`, then an optional fold sign and an optional title.
# The type must hold more than spaces; that is checked after the match, since saying it in the
# pattern (`[^\]|]*[^\]|\s][^\]|]*`) backtracks quadratically on a long unclosed `[!...`.
_FIRST_LINE = re.compile(r"\[!([^\]|]*)(?:\|([^\]]*))?\]([+-]?)[ \t]*(.*)$")
_ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def callouts_plugin(md: MarkdownIt) -> None:
    """Register callouts: a block rule ahead of `blockquote`, and their renderers."""
    md.block.ruler.before(
        "blockquote",
        "callout",
        _callout,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.add_render_rule("callout_open", _render_open)
    md.add_render_rule("callout_close", _render_close)
    md.add_render_rule("callout_title_open", _render_title_open)
    md.add_render_rule("callout_title_close", _render_title_close)
    md.add_render_rule("callout_content_open", _render_content_open)
    md.add_render_rule("callout_content_close", _render_content_close)


def default_title(callout_type: str) -> str:
    """Obsidian's title for a callout without one: the type, first letter upper-cased."""
    lowered = callout_type.lower()
    return lowered[:1].upper() + lowered[1:]


def _callout(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    src = state.src
    pos = state.bMarks[start_line] + state.tShift[start_line]
    maximum = state.eMarks[start_line]
    if pos >= maximum or src[pos] != ">":
        return False
    match = _first_line(src, pos, maximum)
    if match is None:
        return False
    if silent:
        return True  # a blockquote either way, so it may interrupt what blockquotes do

    # Let the blockquote rule see an empty first line: the content starts on the next one.
    # It restores bMarks/tShift/sCount itself; eMarks is ours to restore.
    first = len(state.tokens)
    hidden_end = pos + 1 + (1 if src[pos + 1 : pos + 2] == " " else 0)
    state.eMarks[start_line] = min(hidden_end, maximum)
    try:
        if not blockquote(state, start_line, end_line, False):
            return False
    finally:
        state.eMarks[start_line] = maximum
    state.tokens[first:] = _callout_tokens(state.tokens[first:], match, start_line)
    return True


def _first_line(src: str, pos: int, maximum: int) -> re.Match[str] | None:
    """The `[!type] Title` line of a quote starting at `pos` (its `>`), if it has one."""
    text_start = pos + 1
    while text_start < maximum and src[text_start] in " \t":
        text_start += 1
    match = _FIRST_LINE.match(src[text_start:maximum].rstrip())
    if match is None or not match.group(1).strip():
        return None
    return match


def _callout_tokens(quote: list[Token], match: re.Match[str], start_line: int) -> list[Token]:
    """A blockquote's tokens made a callout's: typed open and close, title, content."""
    raw_type, metadata, fold, title = match.groups()
    callout_type = raw_type.strip().lower()
    title = title.strip() if title and title.strip() else None
    opening, closing = quote[0], quote[-1]
    content = quote[1:-1]
    foldable = fold in ("+", "-")

    opening.type = "callout_open"
    opening.tag = "details" if foldable else "div"
    opening.attrs = {"class": "callout", "data-callout": callout_type}
    if metadata is not None and metadata.strip():
        opening.attrs["data-callout-metadata"] = metadata.strip()
    opening.meta = {
        "type": callout_type,
        "fold": fold,
        "title": title,
        "metadata": metadata.strip() if metadata is not None else None,
    }
    closing.type = "callout_close"
    closing.tag = opening.tag

    level = opening.level
    title_tag = "summary" if foldable else "div"
    title_open = Token("callout_title_open", title_tag, 1, block=True, level=level + 1)
    title_open.map = [start_line, start_line + 1]
    inline = Token("inline", "", 0, block=True, level=level + 2, children=[])
    inline.map = [start_line, start_line + 1]
    # A default title is plain text; escaping keeps `[!my_*type*]` from turning into markup.
    inline.content = (
        title if title is not None else _ASCII_PUNCT.sub(r"\\\1", default_title(raw_type.strip()))
    )
    title_close = Token("callout_title_close", title_tag, -1, block=True, level=level + 1)

    rebuilt = [opening, title_open, inline, title_close]
    if content:
        for token in content:
            token.level += 1
        content_open = Token("callout_content_open", "div", 1, block=True, level=level + 1)
        content_open.attrs = {"class": "callout-content"}
        content_open.map = [start_line + 1, opening.map[1]] if opening.map else None
        content_close = Token("callout_content_close", "div", -1, block=True, level=level + 1)
        rebuilt += [content_open, *content, content_close]
    rebuilt.append(closing)
    return rebuilt


def _attrs(token: Token) -> str:
    return "".join(f' {escapeHtml(k)}="{escapeHtml(str(v))}"' for k, v in token.attrs.items())


def _foldable(token: Token) -> bool:
    return token.tag in ("details", "summary")


def _render_open(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    token = tokens[idx]
    if _foldable(token):
        is_open = " open" if token.meta.get("fold") == "+" else ""
        return f"<details{_attrs(token)}{is_open}>\n"
    return f"<div{_attrs(token)}>\n"


def _render_close(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    return "</details>\n" if _foldable(tokens[idx]) else "</div>\n"


def _render_title_open(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    tag = tokens[idx].tag
    return (
        f'<{tag} class="callout-title"><div class="callout-icon"></div>'
        '<div class="callout-title-inner">'
    )


def _render_title_close(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    return f"</div></{tokens[idx].tag}>\n"


def _render_content_open(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    return f"<div{_attrs(tokens[idx])}>\n"


def _render_content_close(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    return "</div>\n"
