"""HTML for executed cells, inline values and claims. A cell's code is shown (unless
`echo: false`), then what it printed, its value, its figures and its checked claims."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.cells.steps import inline_expression, is_cell
from hortus.markdown.code import highlight_code
from hortus.vault.urls import relative_url


def _execution(env: dict[str, Any]) -> dict[str, Any]:
    return env.get("execution") or {}


def _render_fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if not is_cell(token):
        return self.fence(tokens, idx, options, env)
    index = token.meta.get("cell", -1)
    cell_options = token.meta.get("options", {})
    parts = [f'<div class="cell" id="cell-{index + 1}">']
    if cell_options.get("echo", True) is not False:
        parts.append(highlight_code(token.meta.get("source", token.content), "python"))
    execution = _execution(env)
    cell = next((c for c in execution.get("cells", []) if c.get("index") == index), None)
    if cell is not None and cell_options.get("output", True) is not False:
        parts.append(_outputs(cell, cell_options, env))
    claims = [c for c in execution.get("claims", []) if c.get("cell") == index]
    if claims:
        parts.append('<ul class="claims">' + "".join(claim_html(c) for c in claims) + "</ul>")
    error = execution.get("error")
    if error and error.get("cell") == index:
        parts.append(
            f'<pre class="cell-error" role="alert">{escape(error.get("message", ""))}</pre>'
        )
    parts.append("</div>\n")
    return "".join(parts)


def _outputs(cell: dict[str, Any], options: dict[str, Any], env: dict[str, Any]) -> str:
    html: list[str] = []
    figures = [o for o in cell.get("outputs", []) if o.get("type") == "figure"]
    for output in cell.get("outputs", []):
        kind = output.get("type")
        if kind in ("stdout", "stderr", "error"):
            html.append(f'<pre class="cell-{kind}">{escape(output.get("text", ""))}</pre>')
        elif kind == "result":
            rich = output.get("html")
            body = rich if rich else f"<pre>{escape(output.get('text', ''))}</pre>"
            html.append(f'<div class="cell-result">{body}</div>')
        elif kind == "figure":
            src = relative_url(env["page_url"], output.get("url", ""))
            html.append(_figure(src, options, figures.index(output), len(figures)))
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


def claim_html(claim: dict[str, Any]) -> str:
    passed = bool(claim.get("passed"))
    tolerance = ", ".join(f"{k} {claim[k]}" for k in ("rel", "abs") if claim.get(k) is not None)
    return (
        f'<li class="claim {"claim-passed" if passed else "claim-failed"}">'
        f'<span class="claim-mark" aria-label="{"checked" if passed else "failed"}">'
        f"{'✓' if passed else '✗'}</span> "
        f'<span class="claim-text">{escape(str(claim.get("text", "")))}</span> '
        f'<span class="claim-values">{escape(str(claim.get("actual")))} vs '
        f"{escape(str(claim.get('expected')))}"
        f"{' (' + escape(tolerance) + ')' if tolerance else ''}</span></li>"
    )


def _render_code_inline(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    token = tokens[idx]
    if inline_expression(token) is None:
        return self.code_inline(tokens, idx, options, env)
    index = token.meta.get("inline", -1)
    value = next((v for v in _execution(env).get("inline", []) if v.get("index") == index), None)
    if value is None or value.get("error"):
        # Not computed (the note failed before it): the expression, marked, never a stale number.
        return f'<code class="inline-value-missing">{escape(token.content)}</code>'
    return f'<span class="inline-value">{escape(str(value.get("text", "")))}</span>'


def install_cell_rules(md: MarkdownIt) -> None:
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("code_inline", _render_code_inline)
