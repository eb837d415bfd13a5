"""Stage 2: Markdown to tokens with markdown-it-py, one plugin per Obsidian syntax."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from hortus.markdown.code import highlight_code
from hortus.markdown.plugins.blockids import blockids_plugin
from hortus.markdown.plugins.callouts import callouts_plugin
from hortus.markdown.plugins.cjk import cjk_plugin
from hortus.markdown.plugins.comments import comments_plugin
from hortus.markdown.plugins.embeds import embeds_plugin
from hortus.markdown.plugins.mark import highlight_plugin
from hortus.markdown.plugins.math import math_plugin
from hortus.markdown.plugins.mdlinks import mdlinks_plugin
from hortus.markdown.plugins.nesting import nesting_plugin
from hortus.markdown.plugins.tags import tags_plugin
from hortus.markdown.plugins.wikilinks import wikilinks_plugin
from hortus.vault.reader import Note
from hortus.vault.slugs import heading_slug


@dataclass(frozen=True)
class MathRef:
    tex: str
    display: bool
    line: int  # 1-based line in the note's file


@dataclass
class ParsedNote:
    note: Note
    tokens: list[Token]
    env: dict[str, Any]
    math: list[MathRef] = field(default_factory=list)


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


def headings(parsed: ParsedNote) -> list[Heading]:
    found: list[Heading] = []
    tokens = parsed.tokens
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and i + 1 < len(tokens):
            text = "".join(
                c.content for c in tokens[i + 1].children or () if c.type in ("text", "code_inline")
            )
            found.append(Heading(int(token.tag[1]), str(token.attrGet("id") or ""), text))
    return found


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "highlight": highlight_code})
    md.enable(["table", "strikethrough"])
    # Lists, quotes and callouts nested past markdown-it's limit keep their text.
    md.use(nesting_plugin)
    md.use(front_matter_plugin)
    md.use(footnote_plugin)
    md.use(tasklists_plugin)
    md.use(comments_plugin)  # first: nothing inside `%%...%%` may become anything else
    md.use(callouts_plugin)
    md.use(cjk_plugin)
    md.use(math_plugin)
    md.use(highlight_plugin)
    md.use(embeds_plugin)
    md.use(wikilinks_plugin)
    md.use(mdlinks_plugin)
    md.use(tags_plugin)
    md.use(blockids_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_slug)
    return md


def parse_note(md: MarkdownIt, note: Note) -> ParsedNote:
    env: dict[str, Any] = {"note": note}
    return note_from_tokens(note, md.parse(note.source, env), env)


def note_from_tokens(note: Note, tokens: list[Token], env: dict[str, Any]) -> ParsedNote:
    return ParsedNote(note=note, tokens=tokens, env=env, math=list(_math_refs(tokens)))


def token_line(token: Token, parent: Token | None = None) -> int:
    """1-based source line of a token; inline children borrow their block's line."""
    if "line" in token.meta:
        return int(token.meta["line"]) + 1
    for owner in (token, parent):
        if owner is not None and owner.map:
            return owner.map[0] + 1
    return 1


def _math_refs(tokens: list[Token]):
    for token in tokens:
        if token.type == "math_block":
            yield MathRef(token.content, True, token_line(token))
        elif token.type == "math_inline":
            yield MathRef(token.content, False, token_line(token))
        for child in token.children or ():
            if child.type in ("math_inline", "math_block"):
                yield MathRef(child.content, child.type == "math_block", token_line(child, token))
            for grandchild in child.children or ():  # formulas in an image's alt text
                if grandchild.type in ("math_inline", "math_block"):
                    yield MathRef(
                        grandchild.content,
                        grandchild.type == "math_block",
                        token_line(grandchild, token),
                    )
