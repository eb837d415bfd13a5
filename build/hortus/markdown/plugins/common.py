"""What the link, embed and Markdown-link plugins share: reading a link's target, and lines.

Obsidian writes a link destination as ``path#Heading#Sub`` or ``path#^block``
(wikilinks) or as a URL-encoded ``path.md#Heading`` (Markdown links). This
module splits those into the parts the link stage resolves. Inline rules know only
where a link starts inside its block's text; `install_line_rule` adds the core rule
that turns those block-relative lines into lines of the note. The token contracts
are in the plugin modules.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

__all__ = [
    "InlineRule",
    "LinkTarget",
    "display_label",
    "has_scheme",
    "install_line_rule",
    "parse_href",
    "parse_linktext",
    "registered_rule",
    "relative_line",
    "scan_double_brackets",
    "split_alias",
    "split_size",
]

# RFC 3986 scheme: `https:`, `mailto:`, `data:`; also catches `C:` (a Windows
# path outside the vault, which must never be treated as a vault file).
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Obsidian's size suffix: `300` or `300x200`.
_SIZE = re.compile(r"^\s*(\d+)\s*(?:x\s*(\d+))?\s*$")


@dataclass(frozen=True)
class LinkTarget:
    target: str  # path part, "" for a link into the same note
    headings: tuple[str, ...]  # `#A#B` chain, outermost first
    block: str | None  # `^id` without the caret

    @property
    def heading(self) -> str | None:
        # Obsidian resolves a nested chain by its last heading.
        return self.headings[-1] if self.headings else None

    @property
    def empty(self) -> bool:
        return not (self.target or self.headings or self.block)


def _split_subpath(target: str, parts: Iterable[str]) -> LinkTarget:
    names = [part.strip() for part in parts]
    names = [name for name in names if name]  # `[[Note##H]]` has an empty part
    block = None
    if names and names[-1].startswith("^"):
        block = names.pop()[1:].strip() or None
    return LinkTarget(target, tuple(names), block)


def parse_linktext(text: str) -> LinkTarget:
    """`folder/Note#Heading#Sub` or `Note#^id` (a wikilink without its alias)."""
    path, *subpath = text.split("#")
    return _split_subpath(path.strip(), subpath)


def parse_href(href: str) -> LinkTarget:
    """A Markdown link destination as markdown-it normalised it (percent-encoded).

    Split before decoding, so an encoded `%23` or `%3F` stays part of a name.
    """
    path, *fragment = href.split("#")
    path = path.split("?", 1)[0]
    return _split_subpath(unquote(path), (unquote(part) for part in fragment))


def split_alias(inner: str) -> tuple[str, str | None]:
    """Split `target|alias`; `\\|` is how Obsidian writes the pipe inside tables.

    Table cells arrive here already unescaped by markdown-it's table rule; outside
    tables `\\|` is read as a plain `|` too, so a link copied out of a table works.
    """
    bar = inner.find("|")
    if bar < 0:
        return inner, None
    text = inner[:bar]
    if text.endswith("\\"):
        text = text[:-1]
    alias = inner[bar + 1 :].strip()
    return text, alias or None


def split_size(modifier: str) -> tuple[str | None, int | None, int | None]:
    """`300`, `300x200`, `alt|300` or `center` -> (rest, width, height)."""
    rest, bar, last = modifier.rpartition("|")
    size = _SIZE.match(last)
    if size is None:
        return modifier.strip() or None, None, None
    height = int(size[2]) if size[2] else None
    return (rest.strip() or None) if bar else None, int(size[1]), height


def display_label(target: str, headings: Iterable[str], block: str | None) -> str:
    """What Obsidian shows for a link without alias: `Note > Heading > Sub`, `Note > ^id`."""
    parts = [target] if target else []
    parts.extend(headings)
    if block:
        parts.append("^" + block)
    return " > ".join(parts)


def has_scheme(url: str) -> bool:
    return _SCHEME.match(url) is not None


def scan_double_brackets(src: str, pos: int, end: int) -> tuple[int, str] | None:
    """Find `[[inner]]` starting at `pos`; return (position after `]]`, inner).

    The closing `]]` must be on the same line, and the link part may not contain
    brackets, so `[[a [[b]]` links only `b`.
    """
    if not src.startswith("[[", pos):
        return None
    close = src.find("]]", pos + 2, end)
    if close < 0:
        return None
    inner = src[pos + 2 : close]
    if "\n" in inner:
        return None
    linktext = inner.split("|", 1)[0]
    if "[" in linktext or "]" in linktext or not inner.strip():
        return None
    if "`" in inner and _code_span_crosses(src, pos + 2, close, end):
        return None
    return close + 2, inner


_BACKTICKS = re.compile(r"`+")


def _code_span_crosses(src: str, start: int, close: int, end: int) -> bool:
    """True when a code span opens inside `[[...]]` and closes after it.

    Code spans bind tighter than brackets (CommonMark), so `[[a `b]]` c`` is text
    followed by a code span, not a link.
    """
    pos = start
    while (opener := _BACKTICKS.search(src, pos, close)) is not None:
        run = opener.group()
        closer = opener.end()
        while (closer_match := _BACKTICKS.search(src, closer, end)) is not None:
            if closer_match.group() == run:
                break
            closer = closer_match.end()
        if closer_match is None:
            pos = opener.end()  # unmatched backticks are literal text
            continue
        if closer_match.start() >= close:
            return True
        pos = closer_match.end()
    return False


LINE_RULE = "link_lines"


def install_line_rule(md: MarkdownIt) -> None:
    """Make the lines that wikilinks, embeds, images and Markdown links record absolute.

    Inline rules only know the offset inside the block's content, so they record a line
    relative to the block; the block's first line lives in its map. One core rule serves
    every plugin that records lines, installed by whichever of them comes first."""
    if LINE_RULE not in md.core.ruler.get_all_rules():
        md.core.ruler.after("inline", LINE_RULE, _absolute_lines)


def _absolute_lines(state: StateCore) -> None:
    def walk(children: list[Token], base: int) -> None:
        for child in children:
            _shift_line(child, base)
            if child.children:
                walk(child.children, base)

    for token in state.tokens:
        if token.type == "inline" and token.map and token.children:
            walk(token.children, token.map[0])


def _shift_line(token: Token, base: int) -> None:
    if token.type in ("wikilink", "embed") or (token.type == "image" and "line" in token.meta):
        token.meta["line"] += base
    elif token.type == "link_open" and "internal" in token.meta:
        token.meta["internal"]["line"] += base


def relative_line(src: str, pos: int) -> int:
    """How many newlines come before `pos` in an inline block's source.

    Counting from the start on each call would be quadratic in a paragraph with
    100,000 links; the newline offsets of the last source seen are kept and
    bisected instead.
    """
    global _newlines
    seen, offsets = _newlines  # one tuple: read and replaced whole
    if src is not seen:
        offsets = [m.start() for m in _NEWLINE.finditer(src)]
        _newlines = (src, offsets)
    return bisect_left(offsets, pos)


_NEWLINE = re.compile("\n")
_newlines: tuple[str | None, list[int]] = (None, [])


InlineRule = Callable[[StateInline, bool], bool]


def registered_rule(md: MarkdownIt, name: str) -> InlineRule:
    """The inline rule currently registered as `name`, to be wrapped."""
    for rule in md.inline.ruler.__rules__:
        if rule.name == name:
            return rule.fn
    raise KeyError(f"markdown-it has no inline rule {name!r}")
