"""What a note declares that other notes' pages depend on, read once from its tokens: the
links it makes, its headings and block ids (what links into it find), its inline tags. The
link stage works from these summaries, so an unchanged note's tokens are never walked."""

from __future__ import annotations

from typing import NamedTuple

from markdown_it.token import Token

from hortus.markdown import ParsedNote, link_index, token_line

# Where a link sits: the index, in the note's token list, of the token that holds it.
Position = int


class LinkRef(NamedTuple):
    """One link, embed or image of a note, in the order of its link_index."""

    kind: str  # "note": a wikilink, embed or Markdown link; "image"; "blank": image, no URL
    embed: bool  # written `![[...]]`
    target: str  # what it names (a note, a file, a path)
    heading: str | None  # `#heading` in it
    block: str | None  # `#^block` in it
    line: int  # its 1-based line in the note's file
    position: Position


class HeadingRef(NamedTuple):
    level: int
    id: str  # its anchor
    text: str  # its text, without markup
    position: Position
    source: str  # its text as written, markup and all (`[DHCP](dhcp.md) snooping`)


class BlockRef(NamedTuple):
    """A block with an id `^x`: the tokens it spans (first and last, included)."""

    id: str
    first: Position
    last: Position


class NoteSummary(NamedTuple):
    """What the link stage reads of a note's text."""

    links: tuple[LinkRef, ...]
    headings: tuple[HeadingRef, ...]
    blocks: tuple[BlockRef, ...]  # blocks whose token carries the id, in token order
    block_ids: tuple[str, ...]  # every `^id` the note declares
    tags: tuple[str, ...]  # inline `#tags`, in token order
    too_deep: int | None  # the first line (0-based) nested past the parser's limit
    size: int  # tokens


def summarize(parsed: ParsedNote) -> NoteSummary:
    """The summary of a parsed note."""
    tokens = parsed.tokens
    links: list[LinkRef] = []
    tags: list[str] = []
    for position, token in enumerate(tokens):
        if token.meta:
            _note(token, None, position, links, tags)
        for child in token.children or ():
            if child.meta:  # what links or tags carries a meta; most text does not
                _note(child, token, position, links, tags)
    deep = parsed.env.get("too_deep")
    return NoteSummary(
        links=tuple(links),
        headings=_headings(tokens),
        blocks=_blocks(tokens),
        block_ids=tuple(str(b[0]) for b in parsed.env.get("block_ids", [])),
        tags=tuple(tags),
        too_deep=min(deep) if deep else None,
        size=len(tokens),
    )


def _note(
    token: Token, parent: Token | None, position: Position, links: list[LinkRef], tags: list[str]
) -> None:
    if link_index(token) is not None:
        links.append(_link_ref(token, parent, position))
    elif token.type == "tag":
        tags.append(token.meta["tag"])


def _link_ref(token: Token, parent: Token | None, position: Position) -> LinkRef:
    meta, line = token.meta, token_line(token, parent)
    if token.type in ("wikilink", "embed"):
        return LinkRef(
            "note", token.type == "embed", meta.get("target", ""), meta.get("heading"),
            meta.get("block"), line, position,
        )  # fmt: skip
    if token.type == "link_open":
        info = meta["internal"]
        if "line" in info:
            line = int(info["line"]) + 1
        return LinkRef(
            "note", False, info.get("target", ""), info.get("heading"), info.get("block"),
            line, position,
        )  # fmt: skip
    if not (token.attrGet("src") or "").strip():
        return LinkRef("blank", False, "", None, None, line, position)
    return LinkRef("image", False, meta.get("path", ""), None, None, line, position)


def _headings(tokens: list[Token]) -> tuple[HeadingRef, ...]:
    """As hortus.markdown.headings finds them, with where each one is."""
    found = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and i + 1 < len(tokens):
            inline = tokens[i + 1]
            text = "".join(
                c.content for c in inline.children or () if c.type in ("text", "code_inline")
            )
            anchor = str(token.attrGet("id") or "")
            found.append(HeadingRef(int(token.tag[1]), anchor, text, i, inline.content))
    return tuple(found)


def _blocks(tokens: list[Token]) -> tuple[BlockRef, ...]:
    """Each block opened with an id `^x`, spanning what section_tokens gives for it."""
    found = []
    for start, token in enumerate(tokens):
        anchor = token.attrs.get("id") if token.nesting == 1 and token.attrs else None
        if isinstance(anchor, str) and anchor.startswith("^"):
            end = next(
                (
                    i
                    for i in range(start + 1, len(tokens))
                    if tokens[i].nesting == -1 and tokens[i].level == token.level
                ),
                len(tokens) - 1,
            )
            found.append(BlockRef(anchor[1:], start, end))
    return tuple(found)


def section_links(
    summary: NoteSummary, heading_id: str | None, block_id: str | None
) -> list[tuple[int, LinkRef]]:
    """The links (with their link_index) in the part of a note an embed shows: a heading's
    section or one block, else the whole note, as section_tokens cuts it."""
    span = _section_span(summary, heading_id, block_id)
    return [
        (i, ref)
        for i, ref in enumerate(summary.links)
        if span is None or span[0] <= ref.position < span[1]
    ]


def _section_span(
    summary: NoteSummary, heading_id: str | None, block_id: str | None
) -> tuple[int, int] | None:
    if heading_id is not None:
        for n, heading in enumerate(summary.headings):
            if heading.id == heading_id:
                end = next(
                    (h.position for h in summary.headings[n + 1 :] if h.level <= heading.level),
                    summary.size,
                )
                return heading.position, end
    if block_id is not None:
        for block in summary.blocks:
            if block.id == block_id:
                return block.first, block.last + 1
    return None
