"""A canvas's cards: what is reported in a card is reported on the card's line of the
`.canvas` file, not the line of the outline the vault stage wrote from it.

The vault stage writes each card as `<div class="canvas-card" data-card="N" data-line="L">`,
the card's Markdown, `</div>` (hortus.vault.canvas_markdown), L being the JSON line of the
card's text. This core rule, for a canvas note only, takes `data-line` off the div (the page
never shows it) and gives each token of the card, and each token inside those, the line L:
`meta["line"]` (0-based, which token_line reads first), and a Markdown link's
`meta["internal"]["line"]`. Token maps are left as they are: they index the outline's text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = ["canvascards_plugin"]
CANVAS_LINES = "canvas_lines"
_CARD = re.compile(r'(<div class="canvas-card" data-card="\d+") data-line="(\d+)">')


def canvascards_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push(CANVAS_LINES, _card_lines)


def _card_lines(state: StateCore) -> None:
    note = state.env.get("note")
    if note is None or not str(note.path).lower().endswith(".canvas"):
        return
    line: int | None = None  # 0-based line of the card being read; None before a card
    for token in state.tokens:
        if token.type == "html_block":
            card = _CARD.match(token.content)
            if card is not None:
                token.content = f"{card.group(1)}>{token.content[card.end() :]}"
                line = int(card.group(2)) - 1
            elif token.content.startswith('<p class="canvas-group"'):
                line = None  # a group's label: no card's, and its line is never reported
        if line is not None:
            _set_line(token, line)


def _set_line(token: Token, line: int) -> None:
    pending = [token]
    while pending:
        current = pending.pop()
        current.meta["line"] = line
        internal = current.meta.get("internal")
        if isinstance(internal, dict) and "line" in internal:
            internal["line"] = line
        pending.extend(current.children or ())
