"""Obsidian embeds `![[file.png|300]]`, `![[Note#Heading]]`, and local Markdown images.

Token contract:

- ``embed``: one inline token (nesting 0, no children) per `![[...]]`, with
  ``content`` the source text and ``meta``::

      {"target": "img/file.png",  # path part, stripped
       "heading": "Heading" | None,   # last of a `#A#B` chain; `page=3` for a PDF page
       "headings": ["Heading"],       # the whole chain, outermost first
       "block": "block-id" | None,
       "width": 300 | None, "height": 200 | None,  # from `|300` / `|300x200`
       "modifier": "center" | None,   # text after `|` that is not a size
       "line": 0}                     # 0-based source line of the `!`

  The default render rule writes an empty ``<span class="embed">``; the link
  stage decides what the target is (image, note, PDF, media, canvas...).

- Markdown images stay markdown-it ``image`` tokens. Every one gets
  ``meta["local"]`` (True when the src has no scheme and does not start with
  `//` or `#`; a single leading `/` is a vault-root path, kept in ``path``),
  ``meta["width"]``/``meta["height"]`` from Obsidian's size in the alt text
  (`![alt|200](a.png)`, `![200x100](a.png)`; the size is removed
  from the alt and also set as ``width``/``height`` attributes) and
  ``meta["line"]``; a local one also gets ``meta["path"]``, the src
  URL-decoded without `#fragment` or `?query`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from hortus.markdown.plugins.common import (
    InlineRule,
    has_scheme,
    install_line_rule,
    parse_href,
    parse_linktext,
    registered_rule,
    relative_line,
    scan_double_brackets,
    split_alias,
    split_size,
)

__all__ = ["embeds_plugin"]

# `|200`, `|200x100` at the end of an alt text, or an alt that is only a size.
_ALT_SIZE = re.compile(r"(?:^|\|)\s*(\d+)\s*(?:x\s*(\d+))?\s*$")


def embeds_plugin(md: MarkdownIt) -> None:
    if "embed" in md.inline.ruler.get_all_rules():
        return  # already installed: a second image wrapper would annotate twice
    md.inline.ruler.before("image", "embed", _embed)
    # Wrap rather than re-implement markdown-it's image rule: only the resulting
    # token needs Obsidian's extras, and the wrapper knows where it started.
    md.inline.ruler.at("image", _annotating(registered_rule(md, "image")))
    install_line_rule(md)
    md.add_render_rule("embed", _render_embed)


def _embed(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "!":
        return False
    found = scan_double_brackets(state.src, state.pos + 1, state.posMax)
    if found is None:
        return False
    end, inner = found
    text, after_bar = split_alias(inner)
    link = parse_linktext(text)
    if link.empty:  # `![[|300]]`: nothing to embed
        return False
    if not silent:
        modifier, width, height = split_size(after_bar) if after_bar else (None, None, None)
        token = state.push("embed", "", 0)
        token.content = state.src[state.pos : end]
        token.markup = "![["
        token.meta = {
            "target": link.target,
            "heading": link.heading,
            "headings": list(link.headings),
            "block": link.block,
            "width": width,
            "height": height,
            "modifier": modifier,
            # relative to the block for now; the line rule adds the block's line
            "line": relative_line(state.src, state.pos),
        }
    state.pos = end
    return True


def _annotating(image_rule: InlineRule) -> InlineRule:
    def image(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not image_rule(state, silent):
            return False
        if not silent:
            # pushing the image may first flush pending text, so search for it
            for token in state.tokens[count:]:
                if token.type == "image":
                    _annotate_image(token, relative_line(state.src, start))
                    break
        return True

    return image


def _annotate_image(token: Token, line: int) -> None:
    width = height = None
    size = _ALT_SIZE.search(token.content)
    if size is not None:
        width = int(size[1])
        height = int(size[2]) if size[2] else None
        _strip_alt_suffix(token, token.content[size.start() :])
        token.content = token.content[: size.start()].rstrip()
        token.attrSet("width", str(width))
        if height is not None:
            token.attrSet("height", str(height))
    src = str(token.attrGet("src") or "")
    local = bool(src) and not has_scheme(src) and not src.startswith(("//", "#"))
    token.meta.update({"local": local, "width": width, "height": height, "line": line})
    if local:
        token.meta["path"] = parse_href(src).target


def _strip_alt_suffix(token: Token, suffix: str) -> None:
    # The size is plain text (digits, `x`, `|`), so it ends the last text child.
    children = token.children or []
    suffix = suffix.rstrip()
    if children and children[-1].type == "text":
        last = children[-1]
        text = last.content.rstrip()
        if text.endswith(suffix):
            last.content = text[: len(text) - len(suffix)]
            if not last.content:
                children.pop()


def _render_embed(
    self: RendererProtocol,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    return f'<span class="embed" data-target="{escapeHtml(tokens[idx].meta["target"])}"></span>'
