"""Dollar math for markdown-it-py, delimited the way Obsidian delimits it.

Token contract (nothing else is produced):

- ``math_inline``: ``$...$``. ``content`` is the TeX between the dollars.
- ``math_block``: display math ``$$...$$``. ``content`` is the TeX with
  surrounding whitespace removed, ``markup`` is ``"$$"``. It is a block token
  (``block=True``) between the paragraphs around it, also when the ``$$``
  opened in the middle of a line of a paragraph: the paragraph is split there.
  Only a ``$$`` nested in emphasis, a link, a heading, a table cell or an
  inline footnote stays an inline child, with ``block=False`` (render it as
  display math in a ``<span>``, since a ``<div>`` is not allowed there).

Every math token has ``map = [first_line, end_line)`` (0-based source lines,
the first one being the line of the opening dollar) and ``meta["line"] ==
map[0]``, so a formula that fails to typeset can be reported as
``note.md:LINE``.

Rules, after Obsidian:

- ``$$`` opens display math anywhere: at the start of a line, also right
  after paragraph text (no blank line needed), in list items, block quotes
  and callouts, or in the middle of a line. It closes at the next ``$$``, may
  span blank lines when it starts a line, and text after the closing ``$$``
  continues as a paragraph. A ``$$`` with no closing ``$$`` is literal text.
- ``$`` opens inline math when the next character is not whitespace. The
  closing ``$`` is the next unescaped ``$`` (as in TeX, a bare ``$`` always
  ends math); it must not follow whitespace nor be followed by a digit,
  otherwise the opening ``$`` is literal text. So ``$5 and $10`` and ``$ x $``
  are text, while ``${hash}-${i}`` has the formula ``{hash}-``: write such text
  in a code span or escape the dollar.
- ``\\$`` is a literal dollar, in text and inside math. Inline math never
  crosses a blank line, and nothing inside a code span is math.
- Math content is never parsed as Markdown.

mdit-py-plugins' ``dollarmath`` cannot be configured to do this (it has no
display math in the middle of a paragraph, no closing ``$$`` followed by text,
and requires ``$$`` to end its line), so these rules replace it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock, paragraph
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

__all__ = ["math_plugin"]

# A backslash escapes the next character, so `\$` never delimits math.
_DOUBLE_DOLLAR = re.compile(r"\\.|\$\$", re.DOTALL)
_SINGLE_DOLLAR = re.compile(r"\\.|\$", re.DOTALL)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SPACE = " \t\n"


def _find(pattern: re.Pattern[str], src: str, start: int, end: int) -> int:
    """Index of the first unescaped delimiter in ``src[start:end]``, or -1."""
    for match in pattern.finditer(src, start, end):
        if match.group()[0] == "$":
            return match.start()
    return -1


def _count_double(src: str, start: int, end: int) -> int:
    return sum(m.group() == "$$" for m in _DOUBLE_DOLLAR.finditer(src, start, end))


# --- inline rule -------------------------------------------------------------


def _math_inline(state: StateInline, silent: bool) -> bool:
    src, start, maximum = state.src, state.pos, state.posMax
    if src[start] != "$":
        return False

    if src.startswith("$$", start) and start + 1 < maximum:
        end = _find(_DOUBLE_DOLLAR, src, start + 2, maximum)
        if end >= 0 and not src[start + 2 : end].strip():
            # `$$ $$`: MathJax typesets an empty formula, which shows nothing.
            state.pos = end + 2
            return True
        if end < 0:
            # Unclosed: literal text, consumed whole so that its
            # second dollar cannot open inline math.
            if not silent:
                state.pending += "$$"
            state.pos = start + 2
            return True
        if not silent:
            _push_math(state, "math_block", src[start + 2 : end].strip(), "$$", start, end + 2)
        state.pos = end + 2
        return True

    if start + 1 >= maximum or src[start + 1] in _SPACE:
        return False
    end = _find(_SINGLE_DOLLAR, src, start + 1, maximum)
    if end < 0 or src[end - 1] in _SPACE:
        return False
    if end + 1 < maximum and "0" <= src[end + 1] <= "9":
        return False
    content = src[start + 1 : end]
    if _BLANK_LINE.search(content):
        return False
    if not silent:
        _push_math(state, "math_inline", content, "$", start, end + 1)
    state.pos = end + 1
    return True


def _push_math(
    state: StateInline, kind: str, content: str, markup: str, start: int, end: int
) -> None:
    token = state.push(kind, "math", 0)
    token.content = content
    token.markup = markup
    # Source offsets within the inline content; the core rule turns them into
    # line numbers and uses them to split the paragraph.
    token.meta = {"start": start, "end": end}


# --- block rule --------------------------------------------------------------


def _closing_dollars(
    state: StateBlock, startLine: int, endLine: int, start: int
) -> tuple[int, int] | None:
    """(line, offset) of the `$$` closing the one at `start`, on this line or a later one of
    the same container (blank lines allowed); None when a less indented line leaves a list
    item first, or the block ends."""
    line, pos = startLine, start + 2
    while (close := _find(_DOUBLE_DOLLAR, state.src, pos, state.eMarks[line])) < 0:
        line += 1
        if line >= endLine:
            return None
        if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            return None
        pos = state.bMarks[line] + state.tShift[line]
    return line, close


def _math_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    if state.is_code_block(startLine):
        return False
    src = state.src
    start = state.bMarks[startLine] + state.tShift[startLine]
    if not src.startswith("$$", start) or start + 2 > state.eMarks[startLine]:
        return False

    found = _closing_dollars(state, startLine, endLine, start)
    if found is None:
        return False
    line, close = found
    if line == startLine:
        raw = src[start + 2 : close]
    else:
        raw = (
            src[start + 2 : state.eMarks[startLine]]
            + "\n"
            + state.getLines(startLine + 1, line, state.blkIndent, True)
            + src[state.bMarks[line] + state.tShift[line] : close]
        )
    content = raw.strip()
    if not content:
        # `$$ $$` on its own: an empty formula shows nothing in Obsidian either.
        if src[close + 2 : state.eMarks[line]].strip():
            return False
        if not silent:
            state.line = line + 1
        return True

    if silent:
        # Asked whether this line interrupts a paragraph. An odd number of
        # `$$` earlier in that paragraph means this one closes display math
        # opened mid-line there, so the paragraph must go on.
        if state.parentType == "paragraph" and state.line < startLine:
            begin = state.bMarks[state.line] + state.tShift[state.line]
            if _count_double(src, begin, state.bMarks[startLine]) % 2:
                return False
        return True

    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = content
    token.markup = "$$"
    token.map = [startLine, line + 1]
    token.meta = {"line": startLine}

    rest = close + 2
    if not src[rest : state.eMarks[line]].strip():
        state.line = line + 1
        return True

    # Text after the closing `$$` continues as a paragraph: start the line
    # there, at the container's indentation (so it can be neither an indented
    # code block nor the end of a list item), and let the paragraph rule take
    # it and the lines that follow. Calling it directly keeps `- x` or `# x`
    # after the formula as text, not a new list or heading.
    text = src[rest : state.eMarks[line]]
    state.bMarks[line] = rest
    state.tShift[line] = len(text) - len(text.lstrip(" \t"))
    state.sCount[line] = state.blkIndent
    state.line = line
    return paragraph(state, line, endLine, False)


# --- core rule: line numbers, and display math lifted out of paragraphs ------


def _math_lines(state: StateCore) -> None:
    tokens = state.tokens
    formulas: list[Token] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            formulas += _set_lines(token, state.env)

    if any(f.type == "math_block" for f in formulas):
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if (
                token.type == "paragraph_open"
                and index + 2 < len(tokens)
                and tokens[index + 1].type == "inline"
                and tokens[index + 2].type == "paragraph_close"
            ):
                out.extend(_split_paragraph(token, tokens[index + 1], tokens[index + 2]))
                index += 3
            else:
                out.append(token)
                index += 1
        state.tokens = out

    # The source offsets were only needed here.
    for formula in formulas:
        del formula.meta["start"], formula.meta["end"]


def _set_lines(inline: Token, env: EnvType) -> list[Token]:
    """Give the formulas among ``inline``'s children their source lines."""
    found: list[Token] = []
    first = inline.map[0] if inline.map else 0
    content = inline.content
    seek = 0  # formulas and nested labels appear in source order
    for child in inline.children or []:
        if child.type in ("math_inline", "math_block") and "start" in child.meta:
            start, end = child.meta["start"], child.meta["end"]
            line = first + content.count("\n", 0, start)
            child.map = [line, line + content.count("\n", start, end) + 1]
            child.meta["line"] = line
            found.append(child)
            seek = end
        elif nested := _nested_parse(child, env):
            # Offsets in a nested parse are relative to its label: find the
            # label in this content to know the line it starts on.
            label, tokens = nested
            offset = content.find(label, seek)
            if offset < 0:
                offset = seek
            else:
                seek = offset + len(label)
            line = first + content.count("\n", 0, offset)
            part = Token("inline", "", 0, map=[line, line + 1], content=label, children=tokens)
            found += _set_lines(part, env)
    return found


def _nested_parse(token: Token, env: EnvType) -> tuple[str, list[Token]] | None:
    """Label and tokens of an inline parse run on part of a paragraph: an
    image's alt text, or an inline footnote ``^[...]`` (mdit-py-plugins
    keeps its tokens in ``env`` until the end of the document)."""
    if token.type == "image" and token.children:
        return token.content, token.children
    if token.type == "footnote_ref" and isinstance(token.meta.get("id"), int):
        note = env.get("footnotes", {}).get("list", {}).get(token.meta["id"], {})
        if isinstance(note, dict) and note.get("tokens"):
            return str(note.get("content", "")), note["tokens"]
    return None


def _split_paragraph(p_open: Token, inline: Token, p_close: Token) -> list[Token]:
    """Split a paragraph at each display formula that is not nested in markup.

    A <div> inside a <p> is invalid HTML (the browser closes the paragraph),
    and Obsidian shows such a formula on its own line anyway.
    """
    depth = 0
    segments: list[list[Token]] = [[]]
    formulas: list[Token] = []
    for child in inline.children or []:
        depth += child.nesting
        if child.type == "math_block" and depth == 0:
            formulas.append(child)
            segments.append([])
        else:
            segments[-1].append(child)
    if not formulas:
        return [p_open, inline, p_close]

    # Source offsets (in the paragraph's content) of the text around formulas.
    bounds = [0]
    for formula in formulas:
        bounds += [formula.meta["start"], formula.meta["end"]]
    bounds.append(len(inline.content))

    result: list[Token] = []
    for number, segment in enumerate(segments):
        _trim(segment)
        if segment:
            start, end = bounds[2 * number], bounds[2 * number + 1]
            result.extend(_paragraph(p_open, inline, p_close, segment, start, end))
        if number < len(formulas):
            formula = formulas[number]
            formula.block = True
            formula.level = p_open.level
            result.append(formula)
    return result


def _trim(segment: list[Token]) -> None:
    """Drop the line breaks and spaces that separated text from a formula."""
    for edge, strip in ((0, str.lstrip), (-1, str.rstrip)):
        while segment:
            token = segment[edge]
            if token.type in ("softbreak", "hardbreak") or (
                token.type == "text" and not strip(token.content)
            ):
                segment.pop(edge)
                continue
            if token.type == "text":
                token.content = strip(token.content)
            break


def _paragraph(
    p_open: Token, inline: Token, p_close: Token, children: list[Token], start: int, end: int
) -> list[Token]:
    """A paragraph like the original one, holding ``children``."""
    source = inline.content
    text = source[start:end]
    start += len(text) - len(text.lstrip())
    end = start + len(text.strip())

    new_map = None
    if inline.map:
        first = inline.map[0] + source.count("\n", 0, start)
        new_map = [first, inline.map[0] + source.count("\n", 0, end) + 1]
    return [
        p_open.copy(map=new_map, attrs=dict(p_open.attrs), meta=dict(p_open.meta)),
        inline.copy(map=new_map, meta={}, content=source[start:end], children=children),
        p_close.copy(attrs=dict(p_close.attrs), meta=dict(p_close.meta)),
    ]


# --- default rendering (the site's renderer replaces these) ------------------


def _render_math_inline(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<span class="math inline">{escapeHtml(tokens[idx].content)}</span>'


def _render_math_block(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    if token.block:
        # Like markdown-it's own blocks, start a new line after a hidden
        # (tight list) paragraph.
        newline = "\n" if idx and tokens[idx - 1].hidden else ""
        return f'{newline}<div class="math display">{escapeHtml(token.content)}</div>\n'
    # Display math nested in inline markup: a <div> is not allowed there.
    return f'<span class="math display">{escapeHtml(token.content)}</span>'


def math_plugin(md: MarkdownIt) -> None:
    """Parse ``$...$`` and ``$$...$$`` as Obsidian does; see the module doc."""
    md.block.ruler.before(
        "fence",
        "math_block",
        _math_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("escape", "math_inline", _math_inline)
    md.core.ruler.after("inline", "math_lines", _math_lines)
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_block", _render_math_block)
