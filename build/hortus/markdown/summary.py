"""What a note's tokens declare beside their markup: its links, numbered; its formulas; the
source line of any token.

Every token the link stage resolves (a wikilink, an embed, a Markdown link into the vault,
a local image or one with no URL) gets `meta[LINK_INDEX]`, its place among the note's links
in token order, from the parser's last core rule. The link stage hands on its resolutions
of a note as a list in that order, so the renderer finds a token's resolution by this index
and the tokens stay as the parser made them (and as the parse cache stores them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

LINK_INDEX = "link_index"
CODE_KINDS = "code_kinds"  # env: the note's fence languages, and `=` for an inline query


@dataclass(frozen=True)
class MathRef:
    """A formula as written in a note, for the typesetter."""

    tex: str  # the TeX source between the dollars
    display: bool  # `$$...$$` (a block) rather than `$...$`
    line: int  # 1-based line in the note's file


def token_line(token: Token, parent: Token | None = None) -> int:
    """1-based source line of a token; inline children borrow their block's line."""
    if "line" in token.meta:
        return int(token.meta["line"]) + 1
    for owner in (token, parent):
        if owner is not None and owner.map:
            return owner.map[0] + 1
    return 1


def walk_tokens(tokens: list[Token]) -> Iterator[tuple[Token, Token | None]]:
    """Each token of the list and each inline token inside one, with the token it sits in."""
    for token in tokens:
        yield token, None
        for child in token.children or ():
            yield child, token


def link_tokens(tokens: list[Token]) -> Iterator[tuple[Token, Token | None]]:
    """The tokens the link stage resolves, in the order of their LINK_INDEX."""
    for token, parent in walk_tokens(tokens):
        if LINK_INDEX in token.meta:
            yield token, parent


def link_index(token: Token) -> int | None:
    """The token's place among its note's links, or None when it links nowhere to resolve."""
    return token.meta.get(LINK_INDEX)


def _is_link(token: Token) -> bool:
    if token.type in ("wikilink", "embed"):
        return True
    if token.type == "link_open":
        return "internal" in token.meta
    if token.type == "image":
        # A local file, or no URL at all (reported, and shown as a missing image).
        return bool(token.meta.get("local")) or not (token.attrGet("src") or "").strip()
    return False


def number_links(state: StateCore) -> None:
    """The parser's last core rule: each link token's LINK_INDEX, once tokens stop moving
    (footnotes go to the end, comments and block ids drop tokens, before this)."""
    count = 0
    for token, _ in walk_tokens(state.tokens):
        if _is_link(token):
            token.meta[LINK_INDEX] = count
            count += 1


def fence_language(token: Token) -> str:
    """The first word of a fence's info, lower-cased, as the stages that run or query code
    read it; '' for a fence without one."""
    words = token.info.split(maxsplit=1)
    return words[0].lower() if words else ""


def record_code_kinds(state: StateCore) -> None:
    """A core rule: the first word of each fence's info (lower-cased, as the stages that run
    or query code read it) and `=` when a code span is an inline query, in env[CODE_KINDS];
    the parse cache keeps the env, so a later build tells which notes hold queries without
    reading every note's tokens or text."""
    kinds: set[str] = set()
    for token, _ in walk_tokens(state.tokens):
        if token.type == "fence":
            kinds.add(fence_language(token))
        elif token.type == "inline_query":
            kinds.add("=")
    state.env[CODE_KINDS] = tuple(sorted(kinds))


def code_kinds(env: dict[str, Any]) -> tuple[str, ...] | None:
    """What record_code_kinds found in a note; None for tokens it did not see."""
    return env.get(CODE_KINDS)


def math_refs(tokens: list[Token]) -> Iterator[MathRef]:
    """Every formula of a note, in token order, with its line."""
    for token in tokens:
        if token.type in ("math_block", "math_inline"):
            yield MathRef(token.content, token.type == "math_block", token_line(token))
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
