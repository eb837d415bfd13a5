"""Obsidian highlights: `==text==` becomes `<mark>text</mark>`.

A port of markdown-it-mark's delimiter algorithm, so `==` pairs exactly like `~~` and `**`
do: nesting with emphasis, never inside code spans, and not when the `==` is surrounded by
spaces (`a == b`). Delimiter runs are classified with `state.scanDelims`, so a plugin that
replaces it (the CJK-friendly flanking rule) applies to highlights too.

Tokens: `mark_open` / `mark_close`, tag `mark`, markup `==`.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter

_MARKER = "="


def mark_plugin(md: MarkdownIt) -> None:
    """Register `==highlight==`; rendered by the default renderer as `<mark>`."""
    md.inline.ruler.before("emphasis", "mark", _tokenize)
    md.inline.ruler2.before("emphasis", "mark", _post_process_all)


def _tokenize(state: StateInline, silent: bool) -> bool:
    """Push each `==` as its own text token and remember it as a delimiter."""
    start = state.pos
    if silent or state.src[start] != _MARKER:
        return False

    scanned = state.scanDelims(start, True)
    length = scanned.length
    if length < 2:
        return False

    # An odd run keeps one literal `=`; the pairs after it can still open or close.
    if length % 2:
        token = state.push("text", "", 0)
        token.content = _MARKER
        length -= 1

    for _ in range(0, length, 2):
        token = state.push("text", "", 0)
        token.content = _MARKER * 2
        if not scanned.can_open and not scanned.can_close:
            continue
        state.delimiters.append(
            Delimiter(
                marker=ord(_MARKER),
                length=0,  # disables the "rule of 3", which is meant for `*` emphasis only
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )

    state.pos += scanned.length
    return True


def _post_process(state: StateInline, delimiters: list[Delimiter]) -> None:
    """Turn matched `==` text tokens into `mark_open` / `mark_close`."""
    lone_markers: list[int] = []

    for start_delim in delimiters:
        if start_delim.marker != ord(_MARKER) or start_delim.end == -1:
            continue
        end_delim = delimiters[start_delim.end]

        token = state.tokens[start_delim.token]
        token.type = "mark_open"
        token.tag = "mark"
        token.nesting = 1
        token.markup = "=="
        token.content = ""

        token = state.tokens[end_delim.token]
        token.type = "mark_close"
        token.tag = "mark"
        token.nesting = -1
        token.markup = "=="
        token.content = ""

        before = state.tokens[end_delim.token - 1]
        if before.type == "text" and before.content == _MARKER:
            lone_markers.append(end_delim.token - 1)

    # An odd run such as `===` was split as `=` + `==`; the lone `=` belongs after the
    # closing tags, not inside them (`x ===foo===` -> `x =<mark>foo</mark>=`).
    while lone_markers:
        i = lone_markers.pop()
        j = i + 1
        while j < len(state.tokens) and state.tokens[j].type == "mark_close":
            j += 1
        j -= 1
        if i != j:
            state.tokens[i], state.tokens[j] = state.tokens[j], state.tokens[i]


def _post_process_all(state: StateInline) -> None:
    _post_process(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _post_process(state, meta["delimiters"])
