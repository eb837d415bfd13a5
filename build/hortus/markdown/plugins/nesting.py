"""Blocks nested deeper than markdown-it's `maxNesting` keep their text.

markdown-it stops nesting blocks (lists, quotes, callouts) at `options["maxNesting"]` levels,
which is what keeps a note of 5,000 nested quotes from exhausting Python's recursion limit;
but it then drops the rest of the deepest block without a word. Here those lines become one
plain paragraph instead (their markers shown as written), and `env["too_deep"]` lists the
0-based line where each such paragraph starts, for the link stage to report.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

__all__ = ["nesting_plugin"]


def nesting_plugin(md: MarkdownIt) -> None:
    tokenize = md.block.tokenize
    if getattr(tokenize, "keeps_deep_blocks", False):
        return  # already installed

    def keeping_tokenize(state: StateBlock, start_line: int, end_line: int) -> None:
        if state.level < state.md.options["maxNesting"]:
            tokenize(state, start_line, end_line)
        else:
            _as_text(state, start_line, end_line)

    keeping_tokenize.keeps_deep_blocks = True  # type: ignore[attr-defined]
    md.block.tokenize = keeping_tokenize  # type: ignore[method-assign]


def _as_text(state: StateBlock, start_line: int, end_line: int) -> None:
    line = state.skipEmptyLines(start_line)
    state.line = end_line  # what markdown-it does here too: the lines are consumed
    if line >= end_line:
        return
    content = state.getLines(line, end_line, state.blkIndent, False).strip()
    if not content:
        return
    opening = state.push("paragraph_open", "p", 1)
    opening.map = [line, end_line]
    inline = state.push("inline", "", 0)
    inline.content = content
    inline.map = [line, end_line]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    state.env.setdefault("too_deep", []).append(line)
