"""Obsidian wikilinks `[[Note]]`, `[[Note|text]]`, `[[Note#Heading]]`, `[[#^id]]`.

Token contract: one inline token of type ``wikilink`` (nesting 0, no children)
whose ``content`` is the source `[[...]]` and whose ``meta`` is::

    {"target": "folder/Note",   # path part, stripped; "" for a same-note link
     "heading": "Sub" | None,   # last heading of `#Heading#Sub`
     "headings": ["Heading", "Sub"],  # the whole chain, outermost first
     "block": "block-id" | None,
     "text": "alias" | None,
     "line": 0}                 # 0-based source line of the `[[`

Only syntax lives here; the link stage resolves the target and overrides the
``wikilink`` render rule. Nothing inside code spans or code blocks is a link,
`[[` without a closing `]]` on the same line and `[[]]` stay text.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from hortus.markdown.plugins.common import (
    display_label,
    install_line_rule,
    parse_linktext,
    relative_line,
    scan_double_brackets,
    split_alias,
)

__all__ = ["wikilink_label", "wikilinks_plugin"]


def wikilinks_plugin(md: MarkdownIt) -> None:
    if "wikilink" in md.inline.ruler.get_all_rules():
        return  # already installed
    # Before `link`, so `[[Note]]` is never read as a reference link `[Note]`.
    md.inline.ruler.before("link", "wikilink", _wikilink)
    install_line_rule(md)
    md.add_render_rule("wikilink", _render_wikilink)


def _wikilink(state: StateInline, silent: bool) -> bool:
    found = scan_double_brackets(state.src, state.pos, state.posMax)
    if found is None:
        return False
    end, inner = found
    text, alias = split_alias(inner)
    link = parse_linktext(text)
    if link.empty:  # `[[|x]]`, `[[#]]`: nothing to link to
        return False
    if not silent:
        token = state.push("wikilink", "a", 0)
        token.content = state.src[state.pos : end]
        token.markup = "[["
        token.meta = {
            "target": link.target,
            "heading": link.heading,
            "headings": list(link.headings),
            "block": link.block,
            "text": alias,
            # relative to the block for now; the line rule adds the block's line
            "line": relative_line(state.src, state.pos),
        }
    state.pos = end
    return True


def wikilink_label(meta: dict) -> str:
    """The text a wikilink shows: its alias, else `Note > Heading` as Obsidian does."""
    if meta.get("text"):
        return str(meta["text"])
    headings = meta.get("headings") or ([meta["heading"]] if meta.get("heading") else [])
    return display_label(meta["target"], headings, meta.get("block"))


def _render_wikilink(
    self: RendererProtocol,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    meta = tokens[idx].meta
    return (
        f'<a class="internal" data-target="{escapeHtml(meta["target"])}">'
        f"{escapeHtml(wikilink_label(meta))}</a>"
    )
