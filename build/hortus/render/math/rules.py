"""Formulas in a page: KaTeX's HTML or Temml's MathML for each, typeset before rendering
(see typeset)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.render.math.katex import MathResult


def math_html(result: MathResult | None, tex: str, display: bool, block: bool = True) -> str:
    """A typeset formula, or its source in an error style when the typesetter rejected it."""
    if result is not None and result.html is not None:
        return result.html
    # Shown as Obsidian shows a formula its renderer rejects: the source, in an error style.
    message = result.error if result is not None else "formula was not rendered"
    tag = "div" if display and block else "span"  # never a <div> inside a <p> or <a>
    return (
        f'<{tag} class="math-error" title="{escape(message or "")}">'
        f"<code>{escape(tex)}</code></{tag}>"
    )


def _render_math_inline(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    tex = tokens[idx].content
    return math_html(env.get("math", {}).get((tex, False)), tex, False)


def _render_math_block(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    token = tokens[idx]
    result = env.get("math", {}).get((token.content, True))
    inner = math_html(result, token.content, True, token.block)
    if not token.block:  # `$$` nested in a heading, link or table cell: no <div> inside them
        return inner
    return f'<div class="math-display">{inner}</div>\n'


def install_math_rules(md: MarkdownIt) -> None:
    """Formulas from env["math"], {(tex, display): MathResult}, set by the body renderer."""
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_block", _render_math_block)
