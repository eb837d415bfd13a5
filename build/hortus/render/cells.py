"""HTML for executed cells, inline values, claims and figure references, as Quarto lays a cell
out: its code (unless `echo: false`; folded in `<details>` with `code-fold`; with its fence
with `echo: fenced`), then what it showed in the order it showed it (printed text, values as
HTML, Markdown or typeset LaTeX, images, numbered figures), then its checked claims. A cell
with `include: false` shows nothing. A ```{r} (or another engine's) cell is shown as code."""

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
    ImageOutput,
    LatexOutput,
    MarkdownOutput,
    Output,
    StreamOutput,
    ValueOutput,
    cell_header,
    figure_refs,
    inline_expression,
    note_result,
)
from hortus.markdown import highlight_code
from hortus.vault import relative_url

# Pygments' names for engines whose own name it does not know.
_LEXERS = {"ojs": "javascript", "node": "javascript", "sh": "bash", "zsh": "bash"}


def _render_fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    header = cell_header(token)
    if header is None:
        return self.fence(tokens, idx, options, env)
    if not header.runs:  # another engine's cell: its code, highlighted as its language
        return highlight_code(token.content, _LEXERS.get(header.engine, header.engine))
    index = token.meta.get("cell", -1)
    cell_options = token.meta.get("options", {})
    result = note_result(env)
    cell = result.cell(index) if result is not None else None
    claims = [c for c in result.claims if c.cell == index] if result is not None else []
    error = result.error if result is not None and result.error else None
    failure = (
        f'<pre class="cell-error" role="alert">{escape(error.message)}</pre>'
        if error is not None and error.cell == index
        else ""
    )
    if cell_options.get("include", True) is False:  # runs, shows nothing but a failure
        anchor = claims or failure
        return f'<div class="cell" id="cell-{index + 1}">{failure}</div>\n' if anchor else ""
    parts = [f'<div class="cell" id="cell-{index + 1}">']
    parts.append(_code(token, cell_options, env))
    if cell is not None and cell_options.get("output", True) is not False:
        parts.append(_outputs(cell, cell_options, env))
    if claims:
        parts.append('<ul class="claims">' + "".join(claim_html(c) for c in claims) + "</ul>")
    parts.append(failure)
    parts.append("</div>\n")
    return "".join(parts)


def _code(token: Token, options: dict[str, Any], env: dict[str, Any]) -> str:
    """The cell's code as the reader sees it: hidden, shown, folded, or with its fence."""
    echo = options.get("echo", True)
    if echo is False:
        return ""
    source = token.meta.get("source", token.content)
    if echo == "fenced":
        fence = token.markup or "```"
        shown = [f"{fence}{token.info.strip()}"]
        shown += [f"#| {key}: {value}" for key, value in _fenced_options(token)]
        code = highlight_code("\n".join([*shown, source, fence]) + "\n", "markdown")
    else:
        code = highlight_code(source, "python")
    fold = options.get("code-fold", False)
    if fold is False:
        return code
    summary = options.get("code-summary") or figure_refs(env).code
    opened = " open" if fold == "show" else ""
    return (
        f'<details class="code-fold"{opened}><summary>{escape(str(summary))}</summary>'
        f"{code}</details>"
    )


def _fenced_options(token: Token) -> list[tuple[str, str]]:
    """The `#|` lines as written, but the `echo: fenced` that asked for them."""
    written = token.content.split("\n")
    lines = []
    for line in written:
        if not line.startswith("#|"):
            break
        key, _, value = line[2:].strip().partition(":")
        if key.strip() != "echo":
            lines.append((key.strip(), value.strip()))
    return lines


def _outputs(cell: CellResult, options: dict[str, Any], env: dict[str, Any]) -> str:
    html: list[str] = []
    count = sum(isinstance(o, FigureOutput | ImageOutput) for o in cell.outputs)
    label = str(options.get("label") or "")
    number = 0
    for output in cell.outputs:
        if isinstance(output, FigureOutput | ImageOutput):
            html.append(_figure(output, options, label, number, count, env))
            number += 1
        else:
            html.append(_output_html(output, env))
    if label and not (count == 1 and number == 1):
        # The label is an anchor even when no single figure carries it.
        html.insert(0, f'<span class="cell-label" id="{escape(label)}"></span>')
    body = "".join(html)
    if not body or options.get("output") == "asis":  # asis: no container, as Quarto
        return body
    columns = options.get("layout-ncol")
    if isinstance(columns, int) and columns > 1:  # side by side, as Quarto's layout-ncol
        return f'<div class="cell-output cell-layout" style="--columns: {columns}">{body}</div>'
    return f'<div class="cell-output">{body}</div>'


def _output_html(output: Output, env: dict[str, Any]) -> str:
    if isinstance(output, StreamOutput):
        return f'<pre class="cell-{output.name}">{escape(output.text)}</pre>'
    if isinstance(output, ErrorOutput):
        return f'<pre class="cell-error">{escape(output.text)}</pre>'
    if isinstance(output, ValueOutput):
        # HTML a value gives is the note author's own output (their code ran at build time).
        body = output.html if output.html else f"<pre>{escape(output.text)}</pre>"
        return f'<div class="cell-result">{body}</div>'
    if isinstance(output, MarkdownOutput):
        return f'<div class="cell-markdown">{markdown_html(output.markdown, env)}</div>'
    if isinstance(output, LatexOutput):
        return f'<div class="cell-latex">{markdown_html(output.markdown, env)}</div>'
    return ""


def markdown_html(text: str, env: dict[str, Any]) -> str:
    """Markdown a cell showed, rendered with the page's parser and rules; its formulas were
    typeset with the note's. Links in it are not resolved: they show as plain text."""
    body = env.get("body")
    md: MarkdownIt | None = getattr(body, "md", None)
    if md is None:
        return f"<pre>{escape(text)}</pre>"
    parse_env: dict[str, Any] = {"note": env.get("note")}
    tokens = md.parse(text, parse_env)
    return md.renderer.render(tokens, md.options, {**env, **parse_env, "links": ()})


def _pick(value: Any, number: int) -> str:
    """`fig-cap` may be one caption, or a list with one per figure (as in Quarto)."""
    if isinstance(value, list):
        return str(value[number]) if number < len(value) else ""
    return "" if value is None else str(value)


def _figure(
    output: FigureOutput | ImageOutput,
    options: dict[str, Any],
    label: str,
    number: int,
    count: int,
    env: dict[str, Any],
) -> str:
    caption = _pick(options.get("fig-cap"), number)
    alt = _pick(options.get("fig-alt"), number) or caption or "Figure"
    ident = f"{label}-{number + 1}" if count > 1 else label
    refs = figure_refs(env)
    numbered = refs.targets.get(ident) if label else None
    if numbered is not None:  # `Figure 2: caption`, or `Figure 2 (a)`, as Quarto captions it
        caption = f"{numbered}: {caption}" if caption else numbered
    id_attr = f' id="{escape(ident)}"' if label else ""
    caption_html = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    src = relative_url(env["page_url"], output.url)
    align = options.get("fig-align")
    classes = f"cell-figure fig-align-{align}" if align in ("left", "right") else "cell-figure"
    return (
        f'<figure class="{classes}"{id_attr}><img src="{escape(src)}" alt="{escape(alt)}">'
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


def _render_crossref(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    """`@fig-label` as Quarto shows it: a link "Figure 2" to the figure; `?@fig-label` in bold
    when no figure of the note has the label (the cells stage reported it)."""
    label = str(tokens[idx].meta.get("label", ""))
    text = figure_refs(env).targets.get(label)
    if text is None:
        return f'<strong class="crossref-missing">?@{escape(label)}</strong>'
    return f'<a class="crossref" href="#{escape(label)}">{escape(text)}</a>'


def install_cell_rules(md: MarkdownIt) -> None:
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("code_inline", _render_code_inline)
    md.add_render_rule("crossref", _render_crossref)
