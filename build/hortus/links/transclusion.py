"""Transclusions: the part of a note an embed shows, and embeds that lead back to themselves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import groupby
from pathlib import PurePosixPath

from markdown_it.token import Token

from hortus.diagnostics import Diagnostics
from hortus.links.records import UNRESOLVED, ResolvedLink
from hortus.links.summary import NoteSummary, section_links
from hortus.markdown import link_index

# An embed as a node of the embed graph: the note, and the heading or block it shows.
Section = tuple[PurePosixPath, str | None, str | None]


def repeats_embed(chain: Sequence[Section], target: Section) -> bool:
    """Whether embedding `target` from the innermost part of `chain` (what is being shown,
    outermost first) would show it again inside itself. A note may embed a section of its
    own (Obsidian's help does, to repeat a step): that is a loop only when the same section
    is already being shown, or when the whole note is embedded inside any part of it."""
    note, heading_id, block_id = target
    if heading_id is None and block_id is None:
        return any(shown[0] == note for shown in chain)
    return target in chain


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


def link_of(token: Token, links: Sequence[ResolvedLink]) -> ResolvedLink:
    """What the link stage decided for a link token, given its note's resolved links."""
    index = link_index(token)
    return links[index] if index is not None and index < len(links) else UNRESOLVED


def is_transclusion(link: ResolvedLink) -> bool:
    """An embed of a note (or of part of one), shown as a block where it is written."""
    return link.embed and link.note is not None


def report_embed_cycles(
    summaries: Mapping[PurePosixPath, NoteSummary],
    resolved: Mapping[PurePosixPath, list[ResolvedLink]],
    embeds: Mapping[str, Sequence[str]],
    diagnostics: Diagnostics,
) -> None:
    """A note that embeds itself, directly or through others, is shown once and then as a
    notice; say so, at the embed that closes the loop. `embeds`: per note that embeds
    notes (its path as text), those notes."""
    done: set[Section] = set()
    reported: set[tuple[str, int, PurePosixPath]] = set()

    def edges(node: Section) -> list[tuple[Section, int]]:
        links = resolved.get(node[0], [])
        found = []
        for index, ref in section_links(summaries[node[0]], node[1], node[2]):
            link = links[index] if index < len(links) else UNRESOLVED
            if is_transclusion(link) and link.note is not None and link.note in summaries:
                found.append(((link.note, link.heading_id, link.block_id), ref.line))
        return found

    def report(node: Section, line: int, loop: list[PurePosixPath]) -> None:
        key = (str(node[0]), line, loop[-1])
        if key in reported:
            return
        reported.add(key)
        shown = f"{node[0]} embeds itself" if len(loop) == 2 else " → ".join(map(str, loop))
        diagnostics.warn(
            str(node[0]), line, "embed-cycle",
            f"embed cycle: {shown}; the repeat is shown as a notice",
        )  # fmt: skip

    # A walk from a note that embeds no note finds nothing: only the others are walked
    # (most notes embed nothing at all: their links are not even read).
    starts = sorted(
        path for path in map(PurePosixPath, embeds) if path in summaries and path in resolved
    )
    for start in starts:
        root: Section = (start, None, None)
        if root in done:
            continue
        stack = [(root, iter(edges(root)))]
        chain = [root]
        while stack:
            node, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                done.add(node)
                stack.pop()
                chain.pop()
                continue
            target, line = step
            if repeats_embed(chain, target):
                report(node, line, _loop(chain, target))
            elif target not in done:
                stack.append((target, iter(edges(target))))
                chain.append(target)


def _loop(chain: list[Section], target: Section) -> list[PurePosixPath]:
    """The notes of the loop that embedding `target` closes, from where it starts back to
    it; a step inside one note (a section of it) is not a step to another."""
    first = chain.index(target) if target in chain else [s[0] for s in chain].index(target[0])
    steps = [note for note, _ in groupby([shown[0] for shown in (*chain[first:], target)])]
    return steps if len(steps) > 1 else [target[0], target[0]]  # a note that embeds itself
