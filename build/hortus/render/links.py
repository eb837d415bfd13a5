"""HTML for resolved links, embeds, tags and transclusions (the link stage decided where
each goes; here it becomes markup). Everything from a note's text is escaped.

The render rules read a token's ResolvedLink from env["links"], the resolutions of the note
whose tokens are rendered, by the token's link_index."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.links import ResolvedLink, is_transclusion, link_of
from hortus.markdown import link_index, wikilink_label
from hortus.vault import relative_url, tag_url

IMAGE = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".svg", ".webp", ".avif", ".ico", ".tif", ".tiff"}
AUDIO = {".mp3", ".wav", ".m4a", ".ogg", ".3gp", ".flac", ".aac", ".opus"}
VIDEO = {".mp4", ".webm", ".ogv", ".mov", ".mkv", ".m4v"}


def _href(env: dict[str, Any], url: str) -> str:
    return escape(relative_url(env["page_url"], url))


def _link(token: Token, env: dict[str, Any]) -> ResolvedLink:
    return link_of(token, env.get("links", ()))


def _render_wikilink(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    label = wikilink_label(tokens[idx].meta)
    found = _link(tokens[idx], env)
    if found.url is None:
        # Missing and unpublished targets look the same, so the page reveals nothing.
        return f'<span class="broken-link">{escape(label)}</span>'
    return f'<a class="internal" href="{_href(env, found.url)}">{escape(label)}</a>'


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if "internal" not in token.meta:
        return self.renderToken(tokens, idx, options, env)
    found = _link(token, env)
    if found.url is None:
        # Looked for only when the link is broken, and without copying the token list.
        for later in range(idx + 1, len(tokens)):
            if tokens[later].type == "link_close" and tokens[later].level == token.level:
                tokens[later].meta["broken"] = True
                break
        return '<span class="broken-link">'
    token.attrSet("href", _href(env, found.url))
    # The token is shared by every page that shows it (an embedded note is rendered on each
    # page embedding it): its class is added once, not once per render.
    if "internal" not in str(token.attrGet("class") or "").split():
        token.attrJoin("class", "internal")
    return self.renderToken(tokens, idx, options, env)


def _render_link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    if tokens[idx].meta.get("broken"):
        return "</span>"
    return self.renderToken(tokens, idx, options, env)


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if link_index(token) is not None:  # a local image, or one without a URL
        found = _link(token, env)
        alt = self.renderInlineAsText(token.children or [], options, env)
        if found.url is None or found.file is None:
            return f'<span class="embed-missing">{escape(alt or token.meta.get("path", ""))}</span>'
        token.attrSet("src", _href(env, found.url))
        _size(token, token.meta)
    token.attrSet("loading", "lazy")
    return self.image(tokens, idx, options, env)


def _size(token: Token, meta: dict[str, Any]) -> None:
    for key in ("width", "height"):
        if meta.get(key):
            token.attrSet(key, str(int(meta[key])))


def _render_embed(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    token = tokens[idx]
    meta = token.meta
    found = _link(token, env)
    name = meta.get("target", "")
    if found.status == "private":
        return '<span class="embed-private">This content is not published.</span>'
    if found.status == "drawing":
        return (
            f'<span class="embed-drawing">Drawing “{escape(name)}”: export it as SVG or PNG '
            "in Excalidraw to show it here.</span>"
        )
    if found.status == "ok" and found.note is not None:
        line = meta.get("line")
        return env["body"].transclude(found, env, None if line is None else int(line) + 1)
    if found.url is None:
        return f'<span class="embed-missing" title="missing embed">{escape(name)}</span>'
    return embed_file(found.file, found.url, meta, env)


def embed_file(
    file: PurePosixPath | None, url: str, meta: dict[str, Any], env: dict[str, Any]
) -> str:
    """An embedded attachment: an image, a player, a PDF viewer, or a link to the file."""
    assert file is not None
    suffix = file.suffix.lower()
    src = _href(env, url)
    if suffix in IMAGE:
        size = "".join(f' {key}="{int(meta[key])}"' for key in ("width", "height") if meta.get(key))
        alt = meta.get("modifier") or file.stem
        return f'<img src="{src}" alt="{escape(alt)}"{size} loading="lazy">'
    if suffix in AUDIO:
        return f'<audio class="embed-audio" controls preload="metadata" src="{src}"></audio>'
    if suffix in VIDEO:
        return f'<video class="embed-video" controls preload="metadata" src="{src}"></video>'
    if suffix == ".pdf":
        fragment = meta.get("heading") or ""
        page = f"#{fragment}" if re.fullmatch(r"page=\d+", fragment) else ""
        return (
            f'<span class="embed-pdf"><iframe src="{src}{page}" title="{escape(file.name)}" '
            f'loading="lazy"></iframe><a href="{src}">{escape(file.name)}</a></span>'
        )
    return f'<a class="embed-file" href="{src}">{escape(file.name)}</a>'


def _render_tag(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    tag = tokens[idx].meta["tag"]
    return f'<a class="tag" href="{_href(env, tag_url(tag))}">#{escape(tag)}</a>'


def install_link_rules(md: MarkdownIt) -> None:
    md.add_render_rule("wikilink", _render_wikilink)
    md.add_render_rule("embed", _render_embed)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("tag", _render_tag)


def unwrap_transclusions(tokens: list[Token], links: Sequence[ResolvedLink]) -> list[Token]:
    """The tokens to render: an embedded note is a block (`<div>`), which a `<p>` cannot
    hold, so the paragraph an embed of a note was written in is dropped when it holds only
    embeds, and is a `<div>` otherwise. The note's own tokens are left as they are: changed
    paragraph tokens are copies, in a new list."""
    if not any(is_transclusion(link) for link in links):
        return tokens
    shown = list(tokens)
    for i, token in enumerate(tokens[:-2]):
        if token.type != "paragraph_open" or token.hidden:
            continue
        inline = tokens[i + 1]
        children = inline.children or []
        if inline.type != "inline" or not any(_transcludes(c, links) for c in children):
            continue
        # Paragraphs do not nest; a footnote's last one has its back-link before the close.
        end = i + 2
        while end < len(tokens) and tokens[end].type != "paragraph_close":
            end += 1
        if end == len(tokens):
            continue
        close = tokens[end]
        if all(_blank_or_embed(c) for c in children) and not token.attrs and end == i + 2:
            shown[i], shown[end] = token.copy(hidden=True), close.copy(hidden=True)
        else:
            shown[i], shown[end] = token.copy(tag="div"), close.copy(tag="div")
    return shown


def _transcludes(token: Token, links: Sequence[ResolvedLink]) -> bool:
    return token.type == "embed" and is_transclusion(link_of(token, links))


def _blank_or_embed(token: Token) -> bool:
    return token.type in ("embed", "softbreak", "hardbreak") or (
        token.type == "text" and not token.content.strip()
    )
