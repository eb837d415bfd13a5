"""HTML for executed cells, inline values and claims. A cell's code is shown (unless
`echo: false`), then what it printed, its value, its figures and its checked claims."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.cells import (
    CellResult,
    ClaimRecord,
    ErrorOutput,
    FigureOutput,
    StreamOutput,
    ValueOutput,
    inline_expression,
    is_cell,
    note_result,
)
from hortus.markdown import highlight_code
from hortus.vault import relative_url


def _render_fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if not is_cell(token):
        return self.fence(tokens, idx, options, env)
    index = token.meta.get("cell", -1)
    cell_options = token.meta.get("options", {})
    parts = [f'<div class="cell" id="cell-{index + 1}">']
    if cell_options.get("echo", True) is not False:
        parts.append(highlight_code(token.meta.get("source", token.content), "python"))
    result = note_result(env)
    if result is not None:
        cell = result.cell(index)
        if cell is not None and cell_options.get("output", True) is not False:
            parts.append(_outputs(cell, cell_options, env))
        claims = [c for c in result.claims if c.cell == index]
        if claims:
            parts.append('<ul class="claims">' + "".join(claim_html(c) for c in claims) + "</ul>")
        error = result.error
        if error and error.cell == index:
            parts.append(f'<pre class="cell-error" role="alert">{escape(error.message)}</pre>')
    parts.append("</div>\n")
    return "".join(parts)


def _outputs(cell: CellResult, options: dict[str, Any], env: dict[str, Any]) -> str:
    html: list[str] = []
    count = sum(isinstance(o, FigureOutput) for o in cell.outputs)
    number = 0
    for output in cell.outputs:
        if isinstance(output, StreamOutput):
            html.append(f'<pre class="cell-{output.name}">{escape(output.text)}</pre>')
        elif isinstance(output, ErrorOutput):
            html.append(f'<pre class="cell-error">{escape(output.text)}</pre>')
        elif isinstance(output, ValueOutput):
            body = output.html if output.html else f"<pre>{escape(output.text)}</pre>"
            html.append(f'<div class="cell-result">{body}</div>')
        elif isinstance(output, FigureOutput):
            src = relative_url(env["page_url"], output.url)
            html.append(_figure(src, options, number, count))
            number += 1
    return f'<div class="cell-output">{"".join(html)}</div>' if html else ""


def _pick(value: Any, number: int) -> str:
    """`fig-cap` may be one caption, or a list with one per figure (as in Quarto)."""
    if isinstance(value, list):
        return str(value[number]) if number < len(value) else ""
    return "" if value is None else str(value)


def _figure(src: str, options: dict[str, Any], number: int, count: int) -> str:
    caption = _pick(options.get("fig-cap"), number)
    alt = _pick(options.get("fig-alt"), number) or caption or "Figure"
    label = options.get("label")
    ident = (
        f' id="{escape(str(label))}{"-" + str(number + 1) if count > 1 else ""}"' if label else ""
    )
    caption_html = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure class="cell-figure"{ident}><img src="{escape(src)}" alt="{escape(alt)}">'
        f"{caption_html}</figure>"
    )


def claim_html(claim: ClaimRecord) -> str:
    """A claim as the badge under its cell: mark, text, and both values."""
    passed = claim.passed
    tolerance = ", ".join(
        f"{name} {value}"
        for name, value in (("rel", claim.rel), ("abs", claim.abs))
        if value is not None
    )
    return (
        f'<li class="claim {"claim-passed" if passed else "claim-failed"}">'
        f'<span class="claim-mark" aria-label="{"checked" if passed else "failed"}">'
        f"{'✓' if passed else '✗'}</span> "
        f'<span class="claim-text">{escape(claim.text)}</span> '
        f'<span class="claim-values">{escape(claim.actual)} vs '
        f"{escape(claim.expected)}"
        f"{' (' + escape(tolerance) + ')' if tolerance else ''}</span></li>"
    )


def _render_code_inline(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    token = tokens[idx]
    if inline_expression(token) is None:
        return self.code_inline(tokens, idx, options, env)
    result = note_result(env)
    value = result.inline_value(token.meta.get("inline", -1)) if result is not None else None
    if value is None or value.error or value.text is None:
        # Not computed (the note failed before it): the expression, marked, never a stale number.
        return f'<code class="inline-value-missing">{escape(token.content)}</code>'
    return f'<span class="inline-value">{escape(value.text)}</span>'


def install_cell_rules(md: MarkdownIt) -> None:
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("code_inline", _render_code_inline)
