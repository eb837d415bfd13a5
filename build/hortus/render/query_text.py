"""A query's text values (Dataview's Markdown) as inline HTML: emphasis and code as Markdown
makes them, `[[wikilinks]]` as links the queries stage resolved, web addresses as external
links, and images as `<img>` with Obsidian's size (`![alt|60](a.jpg)`, `![[a.jpg|60x40]]`).

An image shows when it is a web address (http or https) or an attachment the site
publishes (resolved by the queries stage, Markdown.links); otherwise its alt text or name
shows, never a broken image."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from hortus.markdown import PropertyLink, text_parts
from hortus.queries import WIKILINK, LinkTo, Markdown, image_key, off_site
from hortus.render.links import IMAGE, embed_file
from hortus.vault import relative_url

_TEXT_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_WEB = re.compile(r"https?://", re.IGNORECASE)
# Obsidian's size at the end of an alt text (`alt|60`, `|60x40`) or as the whole alt (`60`).
_ALT_SIZE = re.compile(r"(?:^|\|)\s*(\d+)\s*(?:x\s*(\d+))?\s*$")


def text_html(value: Markdown, page_url: str) -> str:
    """A text value as inline HTML on the page at `page_url`."""
    return _TEXT_MARKDOWN.renderInline(
        value.text, {"links": dict(value.links), "page_url": page_url}
    )


def valid_link(url: str) -> bool:
    """markdown-it's check: no `javascript:`, `vbscript:`, `file:` or non-image `data:`."""
    return bool(_TEXT_MARKDOWN.validateLink(url))


def _text_wikilink(state: StateInline, silent: bool) -> bool:
    """`[[link]]` or `![[embed]]` in a text value, never left as raw brackets: a link the
    queries stage resolved (Markdown.links), else what it shows, as text."""
    match = WIKILINK.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        written = match.group()
        embed = written.startswith("!")
        parts = [p for p in text_parts(written.removeprefix("!")) if isinstance(p, PropertyLink)]
        token = state.push("query_wikilink", "", 0)
        token.content = parts[0].label if parts else match.group(1)
        key = written if embed else written.removeprefix("!")
        token.meta["link"] = state.env.get("links", {}).get(key)
        token.meta["embed"] = match.group(1) if embed else None
    state.pos = match.end()
    return True


def _render_text_wikilink(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    token = tokens[idx]
    link: LinkTo | None = token.meta["link"]
    embedded: str | None = token.meta["embed"]
    if embedded is not None:
        # A query value shows an embedded image; a note or other file shows as its name.
        target, _, modifier = embedded.partition("|")
        file = PurePosixPath(target.split("#", 1)[0].strip())
        if file.suffix.lower() not in IMAGE:
            return escape(token.content)
        alt, width, height = _split_size(modifier)
        if link is None or link.url is None:
            return escape(alt or file.name)
        meta = {"width": width, "height": height, "modifier": alt}
        return embed_file(file, link.url, meta, env)
    if link is None:
        return escape(token.content)
    if link.url is None:
        # Missing and unpublished targets look the same, as in a note's text.
        return f'<span class="broken-link">{escape(link.label)}</span>'
    href = escape(relative_url(env["page_url"], link.url))
    return f'<a class="internal" href="{href}">{escape(link.label)}</a>'


def _split_size(alt: str) -> tuple[str, int | None, int | None]:
    size = _ALT_SIZE.search(alt)
    if size is None:
        return alt.strip(), None, None
    height = int(size[2]) if size[2] else None
    return alt[: size.start()].strip(), int(size[1]), height


def _render_text_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    alt, width, height = _split_size(self.renderInlineAsText(token.children or [], options, env))
    src = str(token.attrGet("src") or "")
    if off_site(src):
        # markdown-it already refused `javascript:`; a page shows only web images.
        url = src if _WEB.match(src) and valid_link(src) else None
        fallback = alt
    else:
        link: LinkTo | None = env.get("links", {}).get(image_key(src))
        url = relative_url(env["page_url"], link.url) if link and link.url else None
        fallback = alt or PurePosixPath(image_key(src)).name
    if url is None:
        return escape(fallback)
    size = "".join(f' {k}="{v}"' for k, v in (("width", width), ("height", height)) if v)
    return f'<img src="{escape(url)}" alt="{escape(alt)}"{size} loading="lazy">'


def _render_text_link_open(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    token = tokens[idx]
    if not off_site(str(token.attrGet("href") or "")):
        # A note's path: not resolved for query values, so its text, not a dead link.
        token.meta["dropped"] = True
        return ""
    token.attrSet("class", "external")
    token.attrSet("rel", "noopener")
    return self.renderToken(tokens, idx, options, env)


def _render_text_link_close(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    opening = next(t for t in reversed(tokens[:idx]) if t.type == "link_open")
    return "" if opening.meta.get("dropped") else self.renderToken(tokens, idx, options, env)


_TEXT_MARKDOWN.inline.ruler.before("link", "query_wikilink", _text_wikilink)
_TEXT_MARKDOWN.add_render_rule("query_wikilink", _render_text_wikilink)
_TEXT_MARKDOWN.add_render_rule("image", _render_text_image)
_TEXT_MARKDOWN.add_render_rule("link_open", _render_text_link_open)
_TEXT_MARKDOWN.add_render_rule("link_close", _render_text_link_close)
