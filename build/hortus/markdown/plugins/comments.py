"""Obsidian comments: `%%hidden%%` text is dropped from the output entirely.

What the author sees as a comment in Obsidian's editor never reaches the page, in any
form: no HTML comment, no text, and not in any token's `content` either (a search index or
an excerpt built from tokens must not find it). The editor's model is followed: a `%%`
opens a comment that runs to the next `%%`; code spans and fenced code are literal; a
comment that is never closed hides the rest of the note.

Three pieces cooperate:

- a block rule for a line that starts with `%%` and does not close it on the same line:
  the lines up to the next line holding `%%` are consumed raw, so Markdown inside (fences,
  lists, blank lines) never forms blocks. Text after the closing `%%` is a paragraph.
- a core rule before inline parsing that follows comments across blocks: a comment opened
  in one paragraph and closed in a later one hides the blocks between.
- an inline rule that skips `%%...%%` inside one paragraph, heading or table cell.

Token contract: no tokens are left for comments. Block comments leave nothing; empty
paragraphs that held only comments are removed; `inline.content` is scrubbed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

_DELIM = "%%"
_MARKER_TYPE = "obsidian_comment"  # block comment, removed before inline parsing
_TAIL_TYPE = "obsidian_comment_tail"  # inline comment left open at the end of its block
_SCANNED_TYPES = ("inline", "html_block")  # raw text that may hold comment delimiters
_INTERESTING = re.compile(r"[\\`%]")
_BACKTICKS = re.compile("`+")


def comments_plugin(md: MarkdownIt) -> None:
    """Register `%%comment%%` handling (inline, block, unclosed)."""
    md.block.ruler.before(
        "table",
        "obsidian_comment",
        _comment_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.core.ruler.after("block", "obsidian_comment_regions", _hide_regions)
    md.inline.ruler.after("text", "obsidian_comment", _comment_inline)
    md.core.ruler.after("inline", "obsidian_comment_cleanup", _cleanup)
    md.add_render_rule(_MARKER_TYPE, _render_nothing)
    md.add_render_rule(_TAIL_TYPE, _render_nothing)


def _render_nothing(*_args: Any) -> str:
    return ""


# --- scanning raw text -------------------------------------------------------------------


@lru_cache(maxsize=16)
def _backtick_run(run: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!`)`{{{run}}}(?!`)")


def _skip_code_span(text: str, i: int) -> int:
    """Position after the code span starting at `i`, or after its backticks if unclosed."""
    run = _BACKTICKS.match(text, i).end() - i  # type: ignore[union-attr]
    close = _backtick_run(run).search(text, i + run)
    return close.end() if close else i + run


def comment_spans(text: str) -> Iterator[tuple[int, int, bool]]:
    """`(start, end, closed)` of each comment in `text`, read from outside a comment.

    Mirrors the inline parser closely enough for comments: backslash escapes and code
    spans are skipped, and inside a comment everything up to the next `%%` is opaque. An
    unclosed comment ends at `len(text)`.
    """
    i = 0
    while True:
        match = _INTERESTING.search(text, i)
        if match is None:
            return
        i = match.start()
        char = text[i]
        if char == "\\":
            i += 2
        elif char == "`":
            i = _skip_code_span(text, i)
        elif text.startswith(_DELIM, i):
            close = text.find(_DELIM, i + 2)
            end = len(text) if close < 0 else close + 2
            yield i, end, close >= 0
            if close < 0:
                return
            i = end
        else:
            i += 1


def _unclosed_opener(text: str) -> int | None:
    """Where a comment opens without closing in `text`, if one does."""
    for start, _end, closed in comment_spans(text):
        if not closed:
            return start
    return None


def strip_comments(text: str) -> str:
    """`text` without its comments; an unclosed comment removes everything after it."""
    if _DELIM not in text:
        return text
    out: list[str] = []
    copied = 0
    for start, end, _closed in comment_spans(text):
        out.append(text[copied:start])
        copied = end
    out.append(text[copied:])
    return "".join(out)


def _advance(open_: bool, token: Token) -> bool:
    """Whether a comment is open after `token`, given whether one was open before it."""
    if token.type == _MARKER_TYPE:
        return open_ or not token.meta.get("closed", True)
    if token.type not in _SCANNED_TYPES:
        return open_
    content = token.content
    if open_:
        end = content.find(_DELIM)
        if end < 0:
            return True
        content = content[end + 2 :]
    return _DELIM in content and _unclosed_opener(content) is not None


def _comment_open_before(state: StateBlock) -> bool:
    """Whether a comment is open after the tokens emitted so far.

    The answer is kept on the state and extended from where it stopped, so a note with
    many `%%` lines stays linear; it is recomputed if earlier tokens were replaced (the
    callout rule rewrites a quote's tokens after parsing them).
    """
    tokens = state.tokens
    done, last, open_ = getattr(state, "_hortus_comment_scan", (0, None, False))
    if done > len(tokens) or (done and tokens[done - 1] is not last):
        done, open_ = 0, False
    for token in tokens[done:]:
        open_ = _advance(open_, token)
    state._hortus_comment_scan = (  # type: ignore[attr-defined]
        len(tokens),
        tokens[-1] if tokens else None,
        open_,
    )
    return open_


# --- block comments ----------------------------------------------------------------------


def _comment_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    src = state.src
    pos = state.bMarks[start_line] + state.tShift[start_line]
    maximum = state.eMarks[start_line]
    if not src.startswith(_DELIM, pos) or pos + 2 > maximum:
        return False
    if src.find(_DELIM, pos + 2, maximum) >= 0:
        return False  # closed on its own line: an inline comment, for the inline rule
    if _comment_open_before(state):
        # This `%%` closes a comment opened in an earlier block; the text after it is
        # ordinary Markdown, which the region rule uncovers.
        return False
    if silent:
        return True

    line = start_line + 1
    close_line, close_pos = -1, -1
    while line < end_line:
        first = state.bMarks[line] + state.tShift[line]
        last = state.eMarks[line]
        if first < last and state.sCount[line] < state.blkIndent:
            break  # the container (list item) ends; the region rule carries on after it
        found = src.find(_DELIM, first, last)
        if found >= 0:
            close_line, close_pos = line, found
            break
        line += 1

    closed = close_line >= 0
    token = state.push(_MARKER_TYPE, "", 0)
    token.meta = {"closed": closed}
    token.map = [start_line, (close_line + 1) if closed else line]

    if closed:
        tail = src[close_pos + 2 : state.eMarks[close_line]].strip()
        if tail:
            # Obsidian renders what follows the closing `%%` on its line.
            token = state.push("paragraph_open", "p", 1)
            token.map = [close_line, close_line + 1]
            token = state.push("inline", "", 0)
            token.content = tail
            token.map = [close_line, close_line + 1]
            token.children = []
            state.push("paragraph_close", "p", -1)
        state.line = close_line + 1
    else:
        state.line = line
    return True


# --- comments across blocks --------------------------------------------------------------


def _partners(tokens: Sequence[Token]) -> dict[int, int]:
    """Index of each opening token's closing token and vice versa."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(i)
        elif token.nesting == -1 and stack:
            j = stack.pop()
            pairs[i], pairs[j] = j, i
    return pairs


def _remove(state: StateCore, hidden: list[bool], extra: set[int]) -> None:
    """Drop hidden leaves and hidden pairs, keeping containers that are only partly hidden."""
    tokens = state.tokens
    pairs = _partners(tokens)
    drop = set(extra)
    for i, token in enumerate(tokens):
        if not hidden[i]:
            continue
        if token.nesting == 0 or (i in pairs and hidden[pairs[i]]):
            drop.add(i)
    if drop:
        state.tokens = [t for i, t in enumerate(tokens) if i not in drop]


def _empty_paragraph(tokens: Sequence[Token], i: int) -> set[int]:
    """The paragraph around inline token `i`, when only comments were in it."""
    if (
        0 < i < len(tokens) - 1
        and tokens[i - 1].type == "paragraph_open"
        and tokens[i + 1].type == "paragraph_close"
        and not strip_comments(tokens[i].content).strip()
    ):
        return {i - 1, i, i + 1}
    return set()


def _hide_regions(state: StateCore) -> None:
    """Before inline parsing: hide what lies between a comment's opening and closing block.

    Hidden text is never parsed, so nothing in it (footnotes, tags, links) registers.
    """
    if _DELIM not in state.src:
        return  # no comment anywhere: most notes
    tokens = state.tokens
    hidden = [False] * len(tokens)
    empty: set[int] = set()
    open_ = False
    for i, token in enumerate(tokens):
        if token.type == _MARKER_TYPE:
            hidden[i] = True
            open_ = open_ or not token.meta.get("closed", True)
            continue
        if token.type not in _SCANNED_TYPES:
            hidden[i] = open_
            continue
        content = token.content
        if open_:
            end = content.find(_DELIM)
            if end < 0:
                hidden[i] = True
                continue
            content = content[end + 2 :].lstrip()
            open_ = False
        if _DELIM in content:
            start = _unclosed_opener(content)
            if start is not None:
                content = content[:start].rstrip()
                open_ = True
            if token.type == "html_block":
                content = strip_comments(content)  # no inline rule will read it
        if content != token.content:
            token.content = content
        if token.type == "inline":
            empty |= _empty_paragraph(tokens, i)
    _remove(state, hidden, empty)


# --- inline comments ---------------------------------------------------------------------


def _comment_inline(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if not state.src.startswith(_DELIM, start):
        return False
    end = state.src.find(_DELIM, start + 2, state.posMax)
    if end < 0:
        # Open to the end of this text: normally the region rule has already cut it, so
        # this only happens where its scan and the inline parser disagree. The cleanup
        # rule then hides the rest of the note.
        if not silent:
            state.push(_TAIL_TYPE, "", 0)
        state.pos = state.posMax
        return True
    state.pos = end + 2
    # A comment at either end of the text takes the spaces beside it along, as if it had
    # never been written: `quote %%x%%` is `quote`, not `quote `.
    if not state.src[state.pos : state.posMax].strip():
        state.pos = state.posMax
        if not silent:
            state.pending = state.pending.rstrip()
            if not state.pending and state.tokens and state.tokens[-1].type == "softbreak":
                state.tokens.pop()
                state.tokens_meta.pop()
    elif start == 0:
        while state.pos < state.posMax and state.src[state.pos] in " \t\n":
            state.pos += 1
    return True


# --- after inline parsing ----------------------------------------------------------------


def _has_tail(tokens: Sequence[Token] | None) -> bool:
    return any(t.type == _TAIL_TYPE or _has_tail(t.children) for t in tokens or ())


def _drop_tails(tokens: list[Token]) -> list[Token]:
    kept = []
    for token in tokens:
        if token.type == _TAIL_TYPE:
            continue
        if token.children:
            token.children = _drop_tails(token.children)
        kept.append(token)
    return kept


def _footnote_refs(tokens: Sequence[Token] | None) -> Iterable[Token]:
    for token in tokens or ():
        if token.type == "footnote_ref":
            yield token
        yield from _footnote_refs(token.children)


def _forget_inline_footnotes(env: Any, tokens: Sequence[Token]) -> None:
    """Inline footnotes (`^[...]`) whose reference was hidden must not be listed."""
    notes = env.get("footnotes", {}).get("list", {}) if isinstance(env, dict) else {}
    for ref in _footnote_refs(tokens):
        entry = notes.get(ref.meta.get("id"))
        if entry is not None and "tokens" in entry:
            del notes[ref.meta["id"]]


def _cleanup(state: StateCore) -> None:
    if _DELIM not in state.src:
        return
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type == "inline" and _has_tail(token.children):
            token.children = _drop_tails(token.children or [])
            # The scan missed this comment, so trust no `%%` in the source text either.
            cut = token.content.find(_DELIM)
            token.content = token.content[:cut].rstrip() if cut >= 0 else ""
            rest = tokens[i + 1 :]
            _forget_inline_footnotes(state.env, rest)
            _remove(state, [False] * (i + 1) + [True] * len(rest), set())
            break
    for token in state.tokens:
        if token.type == "inline" and _DELIM in token.content:
            token.content = strip_comments(token.content)
    notes = state.env.get("footnotes", {}).get("list", {}) if isinstance(state.env, dict) else {}
    for entry in notes.values():
        if _DELIM in entry.get("content", ""):
            entry["content"] = strip_comments(entry["content"])
