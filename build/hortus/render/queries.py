"""Query results as static HTML, readable with JavaScript off: Dataview's tables, lists and
task lists, Bases' tables, cards and lists. Links are links to the pages (relative to the
page shown), `[[wikilinks]]` in text values too; web addresses are external links; images in
text values are images (hortus.render.query_text). An empty result says so; a query that
failed shows its message in an error box; a ```dataviewjs block is shown as its code, with
a notice that it is not run.

The render rules read a note's results from its env (hortus.queries.note_queries), by the
number the queries stage gave each query token."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.links import ResolvedLink
from hortus.markdown import highlight_code
from hortus.queries import (
    HEX_COLOUR,
    QUERY_NUMBER,
    BaseResult,
    CardsResult,
    Check,
    Empty,
    Image,
    Items,
    LinkTo,
    ListResult,
    Markdown,
    QueryFailure,
    ScriptBlock,
    Shown,
    Swatch,
    TableResult,
    TaskItem,
    TaskResult,
    Text,
    ViewResult,
    note_queries,
    off_site,
    query_language,
)
from hortus.render.query_text import text_html, valid_link
from hortus.render.theme import LABELS, label_language
from hortus.vault import heading_slug, relative_url


def install_query_rules(md: MarkdownIt) -> None:
    """Query fences and inline queries; other fences go to the rule installed before."""
    previous = md.renderer.rules.get("fence")

    def fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        language = query_language(tokens[idx])
        if language is None:
            return (
                previous(tokens, idx, options, env)
                if previous
                else self.fence(tokens, idx, options, env)
            )
        return _render_block(tokens[idx], language, env)

    md.add_render_rule("fence", fence)
    md.add_render_rule("inline_query", _render_inline)


def _render_block(token: Token, language: str, env: dict[str, Any]) -> str:
    queries = note_queries(env)
    result = queries.blocks.get(token.meta.get(QUERY_NUMBER, -1)) if queries else None
    if result is None or isinstance(result, ScriptBlock):
        if language == "dataviewjs":
            code = highlight_code(token.content, "javascript")
            notice = f'<p class="query-notice">{_label(env, "query_script")}</p>'
            return f'<div class="query query-script">{notice}{code}</div>\n'
        return f'<div class="query query-pending">{_pending(env)}</div>\n'
    kind = "dataview" if language == "dataview" else "base"
    own_view = "view=" in token.info
    return (
        f'<div class="query query-{kind}">{_result(result, env, show_names=not own_view)}</div>\n'
    )


def _render_inline(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    token = tokens[idx]
    queries = note_queries(env)
    value = queries.inline.get(token.meta.get(QUERY_NUMBER, -1)) if queries else None
    if value is None:
        return f"<code>= {escape(token.content)}</code>"
    if isinstance(value, QueryFailure):
        return (
            f'<code class="query-inline-error" title="{escape(value.message)}">'
            f"Dataview (inline field '{escape(token.content)}'): {escape(value.message)}</code>"
        )
    return f'<span class="query-inline">{shown_html(value, env)}</span>'


def render_base_embed(found: ResolvedLink, env: dict[str, Any]) -> str:
    """`![[Books.base]]` (its first view) or `![[Books.base#View]]`, evaluated for the note
    that embeds it (its `this`)."""
    queries = note_queries(env)
    result = queries.embeds.get(str(found.note)) if queries else None
    if result is None:
        return f'<div class="query query-pending">{_pending(env)}</div>'
    if isinstance(result, BaseResult) and result.views:
        views = result.views
        chosen = next((v for v in views if heading_slug(v.name) == found.heading_id), views[0])
        result = BaseResult((chosen,))
    return (
        f'<div class="query query-base query-embed">{_result(result, env, show_names=True)}</div>'
    )


def _result(result: Any, env: dict[str, Any], show_names: bool) -> str:
    if isinstance(result, QueryFailure):
        return _failure(result.message)
    if isinstance(result, BaseResult):
        return "".join(_view(view, env, show_names) for view in result.views)
    if isinstance(result, TableResult):
        return _table(result, env)
    if isinstance(result, ListResult):
        return _list(result, env)
    if isinstance(result, TaskResult):
        return _tasks(result, env)
    return _failure("this result cannot be shown")


def _failure(message: str) -> str:
    return f'<div class="query-error" role="alert"><pre>{escape(message)}</pre></div>'


def _view(view: ViewResult, env: dict[str, Any], show_name: bool) -> str:
    name = f'<p class="base-view-name">{escape(view.name)}</p>' if show_name else ""
    body = view.body
    if isinstance(body, CardsResult):
        inner = _cards(body, env)
    else:
        inner = _result(body, env, show_names=False)
    return f'<section class="base-view base-view-{view.kind}">{name}{inner}</section>'


def _group_heading(key: Shown, count: int, env: dict[str, Any]) -> str:
    count_html = f'<span class="query-count">{count}</span>'
    return f'<p class="query-group">{shown_html(key, env)} {count_html}</p>'


def _empty(env: dict[str, Any]) -> str:
    return f'<p class="query-empty">{_label(env, "query_none")}</p>'


def _label(env: dict[str, Any], key: str) -> str:
    """What the page says of a query, in the language its note's queries were evaluated
    for (English when they were not)."""
    queries = note_queries(env)
    return LABELS[label_language(queries.language if queries else "en")][key]


def _pending(env: dict[str, Any]) -> str:
    return f'<p class="query-empty">{_label(env, "query_pending")}</p>'


def _table(result: TableResult, env: dict[str, Any]) -> str:
    if not result.count:
        return _empty(env)
    headings = []
    for number, name in enumerate(result.columns):
        count = (
            f' <span class="query-count">{result.count}</span>'
            if number == 0 and result.id_column
            else ""
        )
        headings.append(f"<th>{escape(name)}{count}</th>")
    body = []
    for group in result.groups:
        if group.key is not None:
            summary = _summary_row(group.summaries, env)
            body.append(
                f'<tr class="query-group"><th colspan="{len(result.columns)}">'
                f'{shown_html(group.key, env)} <span class="query-count">{len(group.rows)}</span>'
                f"</th></tr>{summary}"
            )
        body.extend(
            "<tr>"
            + "".join(f"<td>{shown_html(cell, env, block=result.nested)}</td>" for cell in row)
            + "</tr>"
            for row in group.rows
        )
    foot = f"<tfoot>{_summary_row(result.summaries, env)}</tfoot>" if result.summaries else ""
    return (
        f'<div class="query-table-wrap"><table class="query-table"><thead><tr>{"".join(headings)}'
        f"</tr></thead><tbody>{''.join(body)}</tbody>{foot}</table></div>"
    )


def _summary_row(summaries: tuple[Shown | None, ...], env: dict[str, Any]) -> str:
    if not summaries:
        return ""
    cells = "".join(f"<td>{shown_html(s, env) if s is not None else ''}</td>" for s in summaries)
    return f'<tr class="query-summary">{cells}</tr>'


def _list(result: ListResult, env: dict[str, Any]) -> str:
    if not result.count:
        return _empty(env)
    parts = []
    for group in result.groups:
        if group.key is not None:
            parts.append(_group_heading(group.key, len(group.rows), env))
        items = []
        for item, extra in group.rows:
            text = shown_html(item, env)
            if extra is not None:
                text += ": " + shown_html(extra, env, block=result.nested)
            items.append(f"<li>{text}</li>")
        parts.append(f'<ul class="query-list">{"".join(items)}</ul>')
    return "".join(parts)


def _tasks(result: TaskResult, env: dict[str, Any]) -> str:
    if not result.count:
        return _empty(env)
    parts = []
    for group in result.groups:
        if group.key is not None:
            parts.append(_group_heading(group.key, len(group.tasks), env))
        parts.append(_task_list(group.tasks, env))
    return "".join(parts)


def _task_list(tasks: tuple[TaskItem, ...], env: dict[str, Any]) -> str:
    items = []
    for task in tasks:
        text = _task_text(task, env)
        children = _task_list(task.children, env) if task.children else ""
        if task.status is None:
            items.append(f"<li>{text}{children}</li>")
            continue
        checked = " checked" if task.status not in (" ", "") else ""
        status = escape(task.status)
        box = f'<input class="task-list-item-checkbox" type="checkbox" disabled{checked}>'
        items.append(f'<li class="task-list-item" data-task="{status}">{box} {text}{children}</li>')
    return f'<ul class="contains-task-list query-tasks">{"".join(items)}</ul>'


def _task_text(task: TaskItem, env: dict[str, Any]) -> str:
    body = env.get("body")
    render: Callable[..., str | None] | None = getattr(body, "render_inline", None)
    html = render(task.path, task.token, env) if render is not None else None
    href = escape(relative_url(env["page_url"], task.url))
    link = f' <a class="query-task-source" href="{href}" aria-label="open its note">↗</a>'
    return (html if html is not None else escape(task.text)) + link


def _cards(result: CardsResult, env: dict[str, Any]) -> str:
    if not result.count:
        return _empty(env)
    parts = []
    for key, cards in result.groups:
        if key is not None:
            parts.append(_group_heading(key, len(cards), env))
        html = []
        for card in cards:
            cover = _image(card.image, env) if card.image else ""
            fields = "".join(
                f"<dt>{escape(name)}</dt><dd>{shown_html(value, env)}</dd>"
                for name, value in card.fields
                if not isinstance(value, Empty)
            )
            html.append(
                f'<div class="query-card">{cover}<h4 class="query-card-title">'
                f"{shown_html(card.title, env)}</h4>"
                + (f"<dl>{fields}</dl>" if fields else "")
                + "</div>"
            )
        parts.append(f'<div class="query-cards">{"".join(html)}</div>')
    return "".join(parts)


def _image(image: Image | Swatch, env: dict[str, Any]) -> str:
    if isinstance(image, Swatch):
        # checked again here: the colour is written into a style attribute
        if not HEX_COLOUR.fullmatch(image.colour):
            return ""
        return f'<div class="query-card-cover" style="background-color:{image.colour}"></div>'
    src = escape(relative_url(env["page_url"], image.url))
    return f'<img class="query-card-cover" src="{src}" alt="{escape(image.alt)}" loading="lazy">'


def shown_html(value: Shown, env: dict[str, Any], block: bool = False) -> str:
    """A value of a result as HTML; a list is a bulleted list in a table cell (`block`)."""
    if isinstance(value, Text):
        return escape(value.text)
    if isinstance(value, Markdown):
        return text_html(value, env.get("page_url", ""))
    if isinstance(value, LinkTo):
        if value.url is None:
            return escape(value.label)
        if off_site(value.url):  # `elink()`: a web address, as a note's text links one
            if not valid_link(value.url):  # `javascript:` and the like
                return escape(value.label)
            href = escape(value.url)
            return f'<a class="external" href="{href}" rel="noopener">{escape(value.label)}</a>'
        href = escape(relative_url(env["page_url"], value.url))
        return f'<a class="internal" href="{href}">{escape(value.label)}</a>'
    if isinstance(value, Items):
        if not value.items:
            return ""
        if block:
            return (
                '<ul class="query-values">'
                + "".join(f"<li>{shown_html(v, env)}</li>" for v in value.items)
                + "</ul>"
            )
        return ", ".join(shown_html(v, env) for v in value.items)
    if isinstance(value, Check):
        checked = " checked" if value.checked else ""
        return (
            f'<input type="checkbox" disabled{checked} aria-label="{str(value.checked).lower()}">'
        )
    if isinstance(value, Image):
        return _image(value, env)
    if isinstance(value, Empty):
        return '<span class="query-null">-</span>' if value.dash else ""
    return escape(str(value))
