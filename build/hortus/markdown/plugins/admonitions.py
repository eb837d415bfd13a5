"""The Admonition plugin's blocks, which older vaults use instead of callouts, as callouts.

    ```ad-warning
    title: Optional *title*
    collapse: closed
    color: 200, 80, 80
    Content: Markdown, math, links, nested blocks.
    ```

Any type after `ad-` (case-insensitive) becomes that callout type, so the known types get
Obsidian's colours and icons and the others look like `note`, as the plugin's custom types
do in a vault without their settings. Option lines may come first, in any order: `title:`
(an empty title drops the title bar), `collapse:` (`open`, `closed` or `true`: foldable;
`none`: not), `color:` (`r, g, b` or `#rrggbb`: the callout's colour) and `icon:` (read and
not shown: the icon packs are the plugin's). The content is parsed as fresh blocks, as a
callout's is; a longer fence may hold a shorter one, as the plugin nests blocks.

Tokens: those of hortus.markdown.plugins.callouts (`callout_open` with `meta["type"]`,
`["fold"]`, `["title"]`, `["metadata"]` None, the title tokens unless the title is empty,
`callout_content_open`/`_close` when there is content, `callout_close`), so they render as
callouts do; `callout_open.meta["admonition"]` is True and, with `color:`, its `style` sets
`--callout-color`.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from hortus.markdown.plugins.callouts import default_title

_INFO = re.compile(r"ad-([^\s`]+)\s*$", re.IGNORECASE)
_OPTION = re.compile(r"(title|collapse|icon|color)[ \t]*:[ \t]?(.*)$", re.IGNORECASE)
_RGB = re.compile(r"(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})")
_HEX = re.compile(r"#?([0-9a-fA-F]{6})")
_ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def admonitions_plugin(md: MarkdownIt) -> None:
    """Register ```` ```ad-type ```` blocks ahead of code fences; callouts_plugin renders them."""
    alt = ["paragraph", "reference", "blockquote", "list"]
    md.block.ruler.before("fence", "admonition", _admonition, {"alt": alt})


def _admonition(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    pos = state.bMarks[start_line] + state.tShift[start_line]
    maximum = state.eMarks[start_line]
    marker = state.src[pos] if pos < maximum else ""
    if marker not in ("`", "~"):
        return False
    after = state.skipCharsStr(pos, marker)
    length = after - pos
    match = _INFO.match(state.src[after:maximum].strip())
    if length < 3 or match is None:
        return False
    if silent:
        return True
    close = _closing_line(state, start_line, end_line, marker, length)
    content_end = min(close, end_line)
    options, first = _options(state, start_line + 1, content_end)
    _push_callout(state, match.group(1).lower(), options, start_line, first, content_end, close)
    state.line = min(close + 1, end_line)
    return True


def _closing_line(state: StateBlock, start: int, end: int, marker: str, length: int) -> int:
    """The line of the closing fence, or `end` when the block runs to its container's end."""
    line = start
    while True:
        line += 1
        if line >= end:
            return end
        pos = state.bMarks[line] + state.tShift[line]
        maximum = state.eMarks[line]
        if pos < maximum and state.sCount[line] < state.blkIndent:
            return line  # less indented than the container: it ends here, unclosed
        if pos >= maximum or state.src[pos] != marker or state.is_code_block(line):
            continue
        after = state.skipCharsStr(pos, marker)
        if after - pos >= length and state.skipSpaces(after) >= maximum:
            return line


def _options(state: StateBlock, first: int, end: int) -> tuple[dict[str, str], int]:
    """The option lines at the top of the block, and the first line after them."""
    options: dict[str, str] = {}
    line = first
    while line < end:
        text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
        match = _OPTION.match(text)
        if match is None:
            break
        options.setdefault(match.group(1).lower(), match.group(2).strip())
        line += 1
    return options, line


def _push_callout(
    state: StateBlock,
    kind: str,
    options: dict[str, str],
    start: int,
    first: int,
    end: int,
    close: int,
) -> None:
    """The callout tokens, with the lines `first` to `end` tokenized as its content."""
    collapse = options.get("collapse", "none").lower()
    fold = {"open": "+", "closed": "-", "true": "-", "": "-"}.get(collapse, "")
    title = options.get("title")
    written = title if title else None
    opening = state.push("callout_open", "details" if fold else "div", 1)
    opening.attrs = {"class": "callout", "data-callout": kind}
    colour = _colour(options.get("color", ""))
    if colour:
        opening.attrs["style"] = f"--callout-color: {colour}"
    opening.meta = {
        "type": kind, "fold": fold, "title": written, "metadata": None, "admonition": True,
    }  # fmt: skip
    opening.map = [start, min(close + 1, state.lineMax)]
    if title != "" or fold:  # `title:` left empty hides the bar; a fold needs its summary
        title_tag = "summary" if fold else "div"
        state.push("callout_title_open", title_tag, 1).map = [start, start + 1]
        inline = state.push("inline", "", 0)
        inline.content = written or _ASCII_PUNCT.sub(r"\\\1", default_title(kind))
        inline.map = [start, start + 1]
        inline.children = []
        state.push("callout_title_close", title_tag, -1)
    if _has_content(state, first, end):
        content = state.push("callout_content_open", "div", 1)
        content.attrs = {"class": "callout-content"}
        content.map = [first, end]
        _tokenize(state, first, end, state.sCount[start])
        state.push("callout_content_close", "div", -1)
    state.push("callout_close", opening.tag, -1)


def _has_content(state: StateBlock, first: int, end: int) -> bool:
    return any(not state.isEmpty(line) for line in range(first, end))


def _tokenize(state: StateBlock, first: int, end: int, indent: int) -> None:
    """The lines as fresh blocks, indented as the fence is (inside a list item)."""
    old_max, old_indent, old_parent = state.lineMax, state.blkIndent, state.parentType
    state.lineMax, state.blkIndent, state.parentType = end, indent, "blockquote"
    try:
        state.md.block.tokenize(state, first, end)
    finally:
        state.lineMax, state.blkIndent, state.parentType = old_max, old_indent, old_parent


def _colour(value: str) -> str:
    """`r, g, b` as the callout stylesheet takes it, from `r, g, b` or `#rrggbb`; '' if
    neither (nothing else may reach the style attribute)."""
    rgb = _RGB.fullmatch(value.strip())
    if rgb is not None and all(int(part) <= 255 for part in rgb.groups()):
        return ", ".join(str(int(part)) for part in rgb.groups())
    hexa = _HEX.fullmatch(value.strip())
    if hexa is not None:
        digits = hexa.group(1)
        return ", ".join(str(int(digits[i : i + 2], 16)) for i in (0, 2, 4))
    return ""
