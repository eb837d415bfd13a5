"""HTML for resolved links, embeds, tags and transclusions (the link stage decided where
each goes; here it becomes markup). Everything from a note's text is escaped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.links.linker import Resolution
from hortus.markdown.plugins.linktarget import display_label
from hortus.vault.urls import relative_url, tag_url

IMAGE = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".svg", ".webp", ".avif", ".ico", ".tif", ".tiff"}
AUDIO = {".mp3", ".wav", ".m4a", ".ogg", ".3gp", ".flac", ".aac", ".opus"}
VIDEO = {".mp4", ".webm", ".ogv", ".mov", ".mkv", ".m4v"}
TRANSCLUSION_DEPTH = 4
# Notes and sections expanded on one page, counting those inside embedded notes.
EMBED_LIMIT = 200


def _href(env: dict[str, Any], url: str) -> str:
    return escape(relative_url(env["page_url"], url))


def _resolution(token: Token) -> Resolution:
    return token.meta.get("resolved") or Resolution("missing")


def _render_wikilink(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    meta = tokens[idx].meta
    label = meta.get("text") or display_label(
        meta.get("target", ""), meta.get("headings") or [], meta.get("block")
    )
    found = _resolution(tokens[idx])
    if found.url is None:
        # Missing and unpublished targets look the same, so the page reveals nothing.
        return f'<span class="broken-link">{escape(label)}</span>'
    return f'<a class="internal" href="{_href(env, found.url)}">{escape(label)}</a>'


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if "internal" not in token.meta:
        return self.renderToken(tokens, idx, options, env)
    found = _resolution(token)
    if found.url is None:
        # Looked for only when the link is broken, and without copying the token list.
        for later in range(idx + 1, len(tokens)):
            if tokens[later].type == "link_close" and tokens[later].level == token.level:
                tokens[later].meta["broken"] = True
                break
        return '<span class="broken-link">'
    token.attrSet("href", _href(env, found.url))
    token.attrJoin("class", "internal")
    return self.renderToken(tokens, idx, options, env)


def _render_link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    if tokens[idx].meta.get("broken"):
        return "</span>"
    return self.renderToken(tokens, idx, options, env)


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if token.meta.get("local"):
        found = _resolution(token)
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
    found = _resolution(token)
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


def section_tokens(
    tokens: list[Token], heading_id: str | None, block_id: str | None
) -> list[Token]:
    """The part of a note an embed asks for: a heading's section or one block; else all."""
    if heading_id is not None:
        for start, token in enumerate(tokens):
            if token.type == "heading_open" and token.attrGet("id") == heading_id:
                level = int(token.tag[1])
                end = next(
                    (
                        i
                        for i in range(start + 1, len(tokens))
                        if tokens[i].type == "heading_open" and int(tokens[i].tag[1]) <= level
                    ),
                    len(tokens),
                )
                return tokens[start:end]
    if block_id is not None:
        for start, token in enumerate(tokens):
            if token.nesting == 1 and token.attrGet("id") == "^" + block_id:
                end = next(
                    (
                        i
                        for i in range(start + 1, len(tokens))
                        if tokens[i].nesting == -1 and tokens[i].level == token.level
                    ),
                    len(tokens) - 1,
                )
                return tokens[start : end + 1]
    return [t for t in tokens if t.type != "front_matter"]
