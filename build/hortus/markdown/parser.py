"""Markdown to tokens with markdown-it-py, one plugin per Obsidian syntax."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from hortus.markdown.code import highlight_code
from hortus.markdown.plugins import (
    admonitions_plugin,
    anchors_plugin,
    blockids_plugin,
    callouts_plugin,
    canvascards_plugin,
    cjk_plugin,
    comments_plugin,
    crossrefs_plugin,
    embeds_plugin,
    inlinefields_plugin,
    mark_plugin,
    math_plugin,
    mdlinks_plugin,
    nesting_plugin,
    plaindataview_plugin,
    tags_plugin,
    wikilinks_plugin,
)
from hortus.markdown.summary import (
    CODE_KINDS,
    LINK_INDEX,
    MathRef,
    math_refs,
    number_links,
    record_code_kinds,
)
from hortus.vault import Note


@dataclass
class ParsedNote:
    """A note and what parsing it gave: what every later stage reads."""

    note: Note  # the note as the vault stage read it
    tokens: list[Token]  # markdown-it's tokens, link tokens numbered (see summary)
    env: dict[str, Any]  # markdown-it's env: `note`, `block_ids`, `footnotes`, `too_deep`, ...
    math: list[MathRef] = field(default_factory=list)  # its formulas, in token order

    def release(self) -> None:
        """Let go of the tokens where they can be had again (a note kept in the parse
        cache); a note parsed here keeps them."""


@dataclass(frozen=True)
class Heading:
    """A heading of a note, for its table of contents and for links to it."""

    level: int  # 1 for `#`, up to 6
    id: str  # the anchor id, as the heading's slug
    text: str  # its text, without markup


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


def make_parser(dataview: bool = True) -> MarkdownIt:
    """`dataview`: whether the vault's Obsidian runs the Dataview plugin; without it, its
    fields are text and its queries code."""
    md = MarkdownIt("commonmark", {"html": True, "highlight": highlight_code})
    md.enable(["table", "strikethrough"])
    # Lists, quotes and callouts nested past markdown-it's limit keep their text.
    md.use(nesting_plugin)
    md.use(front_matter_plugin)
    md.use(footnote_plugin)
    md.use(tasklists_plugin)
    md.use(comments_plugin)  # first: nothing inside `%%...%%` may become anything else
    md.use(callouts_plugin)
    md.use(admonitions_plugin)  # rendered by the callouts' rules
    md.use(cjk_plugin)
    md.use(math_plugin)
    md.use(mark_plugin)
    md.use(embeds_plugin)
    md.use(wikilinks_plugin)
    md.use(mdlinks_plugin)
    md.use(tags_plugin)
    md.use(crossrefs_plugin)
    md.use(blockids_plugin)
    if dataview:
        md.use(inlinefields_plugin)  # after the link plugins: a field's value may hold links
    else:
        md.use(plaindataview_plugin)
    md.use(anchors_plugin)  # heading ids
    md.use(canvascards_plugin)  # after every rule that records a line
    md.core.ruler.push(LINK_INDEX, number_links)  # last: after every rule that moves tokens
    md.core.ruler.push(CODE_KINDS, record_code_kinds)
    return md


def parse_note(md: MarkdownIt, note: Note) -> ParsedNote:
    env: dict[str, Any] = {"note": note}
    return note_from_tokens(note, md.parse(note.source, env), env)


def note_from_tokens(note: Note, tokens: list[Token], env: dict[str, Any]) -> ParsedNote:
    """A ParsedNote from the tokens and env that parsing `note` gave (or a cache kept)."""
    return ParsedNote(note=note, tokens=tokens, env=env, math=list(math_refs(tokens)))
