"""Dataview's inline fields and inline queries: `Key:: value` on a line of its own,
`[key:: value]` and `(key:: value)` inside text, and `` `= expression` ``.

Every field of the note is recorded, as Dataview finds them (line by line: bracketed fields
first, else the whole line as `Key:: value`; the emoji dates of tasks, `🗓️2024-01-01`),
in env["inline_fields"], a list of InlineField. The value is kept as written; the queries
stage types it.

Tokens:
- `inline_field_open` / `inline_field_close` around a bracketed field's value, whose own
  tokens (links, emphasis) stay between them. Open's meta: `{"key": "rating", "wrapping":
  "[" or "("}`. Default HTML: `<span class="inline-field"><span class="inline-field-key">key
  </span><span class="inline-field-value">` ... `</span></span>`; with `(` the key is not
  shown, as Dataview shows it in reading view. A `Key:: value` line stays text.
- `inline_query`: a code span `` `= this.file.name` ``; content the expression, meta
  `{"line": 0-based line}`. Default HTML: the code span as written."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = ["FIELDS", "InlineField", "inlinefields_plugin"]

FIELDS = "inline_fields"  # env key of the note's InlineField list


class InlineField(NamedTuple):
    """One inline field as written."""

    key: str  # as written, without Markdown around it (`**Rating**::` -> `Rating`)
    value: str  # the text after `::`, trimmed
    line: int  # 0-based line of the note
    wrapping: str  # "[" or "(" for bracketed fields, "" for a `Key:: value` line, "emoji"


_OPEN = re.compile(r"[\[(]([^\[\]()]*?)::")
_FULL_LINE_KEY = re.compile(r"[^\w]*?([\w\s/-]+?)[_*~`]*", re.UNICODE)
_EMOJI_DATES = [
    (re.compile(r"\u2795\s*(\d{4}-\d{2}-\d{2})"), "created"),
    (re.compile(r"\U0001F6EB\s*(\d{4}-\d{2}-\d{2})"), "start"),
    (re.compile(r"[\u23F3\u231B]\s*(\d{4}-\d{2}-\d{2})"), "scheduled"),
    (re.compile(r"(?:\U0001F4C5|\U0001F4C6|\U0001F5D3\uFE0F?)\s*(\d{4}-\d{2}-\d{2})"), "due"),
    (re.compile(r"\u2705\s*(\d{4}-\d{2}-\d{2})"), "completion"),
]

# Any of the emoji that start a task's date above.
_DATE_MARK = re.compile("[\u2795\U0001f6eb\u23f3\u231b\U0001f4c5\U0001f4c6\U0001f5d3\u2705]")


def inlinefields_plugin(md: MarkdownIt) -> None:
    """Record the note's inline fields; mark bracketed fields and `= expr` code spans."""
    md.core.ruler.push("inline_fields", _inline_fields)
    md.add_render_rule("inline_field_open", _render_open)
    md.add_render_rule("inline_field_close", _render_close)
    md.add_render_rule("inline_query", _render_query)


def _find_closing(text: str, start: int, open_char: str) -> int | None:
    """Where the bracket opened before `start` closes (nesting and `\\` escapes count)."""
    close_char = "]" if open_char == "[" else ")"
    depth, escaped = 0, False
    for index in range(start, len(text)):
        char = text[index]
        if char == "\\":
            escaped = not escaped
            continue
        if escaped:
            escaped = False
            continue
        if char == open_char:
            depth += 1
        elif char == close_char:
            depth -= 1
            if depth < 0:
                return index
    return None


def line_fields(text: str, line: int) -> list[InlineField]:
    """Dataview's fields of one line: bracketed ones, else the line as `Key:: value`; and
    the emoji dates of tasks."""
    found: list[tuple[int, int, InlineField]] = []
    for match in _OPEN.finditer(text):
        key = match.group(1).strip()
        close = _find_closing(text, match.end(), text[match.start()])
        if not key or close is None:
            continue
        field = InlineField(key, text[match.end() : close].strip(), line, text[match.start()])
        found.append((match.start(), close, field))
    kept: list[InlineField] = []
    end = -1
    for start, close, field in sorted(found, key=lambda f: f[0]):
        if start > end:
            kept.append(field)
            end = close
    if not kept and "::" in text:
        key_text, _, value = text.strip().partition("::")
        match = _FULL_LINE_KEY.fullmatch(key_text.strip())
        if match is not None and match.group(1).strip():
            kept.append(InlineField(match.group(1).strip(), value.strip(), line, ""))
    for pattern, key in _EMOJI_DATES:
        date = pattern.search(text)
        if date is not None:
            kept.append(InlineField(key, date.group(1), line, "emoji"))
    return kept


def _inline_fields(state: StateCore) -> None:
    fields: list[InlineField] = []
    # What the note's text holds decides what is looked for: most notes have no field, no
    # task date and no code span, and their tokens need not be walked for them.
    colons = "::" in state.src
    dates = colons or _DATE_MARK.search(state.src) is not None
    marks = colons or "`" in state.src
    for token in state.tokens:
        if token.type != "inline" or token.map is None:
            continue
        if dates and ("::" in token.content or not token.content.isascii()):
            for offset, text in enumerate(token.content.split("\n")):
                if "::" in text or not text.isascii():
                    fields.extend(line_fields(text, token.map[0] + offset))
        if marks and token.children:
            token.children = _mark_children(token.children, token.map[0])
    state.env[FIELDS] = fields


_OPERATOR_STARTS = "=<>~"


def _mark_children(children: list[Token], first_line: int) -> list[Token]:
    """Code spans `= expr` become inline_query tokens; bracketed fields get open and close
    tokens around their value."""
    line = first_line
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "code_inline" and child.content.strip().startswith("="):
            expression = child.content.strip()[1:].strip()
            # No expression starts with an operator: `==`, `=>` and `=~` are code.
            if expression and expression[0] not in _OPERATOR_STARTS:
                child.type, child.content = "inline_query", expression
                child.meta = {**child.meta, "line": line}
    if not any(c.type == "text" and "::" in c.content for c in children):
        return children
    return _wrap_fields(children)


def _wrap_fields(children: list[Token]) -> list[Token]:
    out: list[Token] = []
    pending = list(children)
    while pending:
        token = pending.pop(0)
        match = _OPEN.search(token.content) if token.type == "text" else None
        if match is None or not match.group(1).strip():
            out.append(token)
            continue
        opener = token.content[match.start()]
        close = _close_in(token.content, match.end(), pending, opener)
        if close is None:
            out.append(_text(token, token.content[: match.end()]))
            pending.insert(0, _text(token, token.content[match.end() :]))
            continue
        taken, close_at = close
        out.append(_text(token, token.content[: match.start()]))
        field = Token("inline_field_open", "span", 1)
        field.meta = {"key": match.group(1).strip(), "wrapping": opener}
        out.append(field)
        if taken == 0:  # the field closes inside this text token
            out.append(_text(token, token.content[match.end() : close_at].strip()))
            rest = token.content[close_at + 1 :]
        else:
            out.append(_text(token, token.content[match.end() :].lstrip()))
            out.extend(pending[: taken - 1])
            last = pending[taken - 1]
            out.append(_text(last, last.content[:close_at]))
            rest = last.content[close_at + 1 :]
            del pending[:taken]
        out.append(Token("inline_field_close", "span", -1))
        if rest:
            pending.insert(0, _text(token, rest))
    return [t for t in out if t.type != "text" or t.content]


def _close_in(text: str, start: int, following: list[Token], opener: str) -> tuple[int, int] | None:
    """(tokens taken from `following`, offset of the closing bracket in the last of them,
    or in `text` when none is taken); None when the line ends first."""
    closing = _find_closing(text, start, opener)
    if closing is not None:
        return 0, closing
    depth_text = text[start:]
    for taken, token in enumerate(following, start=1):
        if token.type in ("softbreak", "hardbreak"):
            return None
        if token.type != "text":
            continue
        combined = depth_text + token.content
        closing = _find_closing(combined, 0, opener)
        if closing is not None:
            return taken, closing - len(depth_text)
        depth_text = combined
    return None


def _text(like: Token, content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    token.level = like.level
    return token


def _render_open(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    meta = tokens[idx].meta
    if meta.get("wrapping") == "(":
        return (
            '<span class="inline-field inline-field-hidden-key"><span class="inline-field-value">'
        )
    key = escapeHtml(meta.get("key", ""))
    return (
        f'<span class="inline-field"><span class="inline-field-key">{key}</span>'
        '<span class="inline-field-value">'
    )


def _render_close(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    return "</span></span>"


def _render_query(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    return f"<code>= {escapeHtml(tokens[idx].content)}</code>"
