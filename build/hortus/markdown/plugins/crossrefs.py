"""Quarto's figure cross-references: `@fig-label` (or `@Fig-label`) names the figure of the
cell labelled `fig-label`.

Rules, after Quarto: the `@` starts the text or follows a character that is not an ASCII
letter, digit or `_` (so `me@fig-x.org` is an e-mail, not a reference); the label is `fig-`
then letters, digits, `_` and `-`, and does not end in `-` or `_` (so `@fig-plot.` and
`@fig-plot,` end at the `t`). Code spans and link targets are consumed by their own rules
first; link text is not searched.

Token: inline `crossref`, content `@fig-label` (as written), meta `{"label": "fig-label"}`
(lower-case `fig-`, as the cell's label is written). The cells stage numbers the figures and
the renderer makes the link "Figure 2"; alone, the plugin renders
`<span class="crossref" data-label="fig-label">@fig-label</span>`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

__all__ = ["crossrefs_plugin"]
CROSSREF = "crossref"
_REFERENCE = re.compile(r"@([Ff]ig-[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)")
_WORD = re.compile(r"[A-Za-z0-9_]")


def crossrefs_plugin(md: MarkdownIt) -> None:
    """Register `@fig-label` as an inline `crossref` token."""
    md.inline.ruler.push("crossref", _crossref)
    md.add_render_rule("crossref", _render_crossref)


def _crossref(state: StateInline, silent: bool) -> bool:
    start = state.pos
    src = state.src
    if src[start] != "@" or (start > 0 and _WORD.match(src[start - 1])):
        return False
    if state.linkLevel > 0:
        return False
    match = _REFERENCE.match(src, start, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push(CROSSREF, "", 0)
        token.content = match.group(0)
        token.meta = {"label": "fig-" + match.group(1)[4:]}
    state.pos = match.end()
    return True


def _render_crossref(self: Any, tokens: Sequence[Token], idx: int, _o: Any, _env: Any) -> str:
    token = tokens[idx]
    label = escapeHtml(token.meta["label"])
    return f'<span class="crossref" data-label="{label}">{escapeHtml(token.content)}</span>'
