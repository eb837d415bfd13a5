"""Running one note's queries over the garden: each block, inline query and embedded base,
its failure reported with the note and the line of the statement it is about."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from markdown_it.token import Token

from hortus.diagnostics import Diagnostics
from hortus.links import LinkGraph
from hortus.markdown import ParsedNote, token_line
from hortus.queries.bases import line_of
from hortus.queries.bases_views import run_base
from hortus.queries.dataview import run_dataview, show_value
from hortus.queries.dataview_grammar import parse_expression
from hortus.queries.evaluate import PYTHON_ERRORS, compile_expression
from hortus.queries.fences import is_base, query_language
from hortus.queries.results import (
    QUERY_NUMBER,
    BaseResult,
    NoteQueries,
    QueryFailure,
    QueryResult,
    ScriptBlock,
    Shown,
)
from hortus.queries.scope import Context, Scope
from hortus.queries.summary import Garden, PageSummary
from hortus.queries.values import NESTED_TOO_DEEP, QueryError
from hortus.vault import BASE_SUFFIX

_LINE_PREFIX = re.compile(r"^line (\d+): ")
_FROM_SOURCE = re.compile(r"this|\[\[|link\(|file\(|hasLink|linksTo|asFile|random|image\(")


def _this(p: ParsedNote, garden: Garden) -> PageSummary | None:
    return garden.page(str(p.note.path))


def note_queries_of(
    p: ParsedNote,
    garden: Garden,
    graph: LinkGraph,
    by_path: dict[PurePosixPath, ParsedNote],
    diagnostics: Diagnostics,
) -> NoteQueries:
    """The results of every query in `p`, and of every base it embeds."""
    found = NoteQueries(language=garden.language)
    path = str(p.note.path)
    this = _this(p, garden)
    blocks = inlines = 0
    for token in p.tokens:
        language = query_language(token)
        if language is not None:
            token.meta[QUERY_NUMBER] = blocks
            found.blocks[blocks] = _run_block(language, token, p, garden, this, diagnostics)
            blocks += 1
        for child in token.children or ():
            if child.type == "inline_query":
                child.meta[QUERY_NUMBER] = inlines
                found.inline[inlines] = _run_inline(child, token, p, garden, this, diagnostics)
                inlines += 1
    for link in graph.resolved.get(p.note.path, []):
        if link.embed and is_base(link.note) and str(link.note) not in found.embeds:
            base = by_path.get(link.note)
            text = _base_text(base) if base is not None else None
            if text is not None:
                result = _safely(lambda text=text: run_base(text, garden, path, this))
                _report(result, base, None, text, diagnostics)
                found.embeds[str(link.note)] = result
    return found


def _base_text(base: ParsedNote) -> str | None:
    """A base note's YAML: the text of its first ```base block."""
    return next((t.content for t in base.tokens if query_language(t) == "base"), None)


def _run_block(
    language: str,
    token: Token,
    p: ParsedNote,
    garden: Garden,
    this: PageSummary | None,
    diagnostics: Diagnostics,
) -> QueryResult:
    path = str(p.note.path)
    line = token_line(token)
    if language == "dataviewjs":
        diagnostics.warn(
            path, line, "query",
            "dataviewjs blocks are JavaScript, which hortus does not run; shown as code",
        )  # fmt: skip
        return ScriptBlock("javascript")
    own_page = p.note.path.suffix.lower() == BASE_SUFFIX
    if own_page:
        this = garden.page(path)
    # The same query in many notes (a template's) is run once, unless its result depends
    # on the note it is in: `this`, links named from it, a base's random().
    sensitive = _FROM_SOURCE.search(token.content)
    key = (language, token.info, token.content, path if sensitive else None)
    result = garden.results.get(key)
    if result is None:
        view = re.search(r"\bview=(\d+)", token.info)
        only = int(view[1]) if view else None
        result = _safely(
            lambda: (
                run_dataview(token.content, garden, path, this)
                if language == "dataview"
                else run_base(token.content, garden, path, this, only)
            )
        )
        garden.results[key] = result
    _report(result, p, None if own_page else line, token.content, diagnostics)
    return result


def _run_inline(
    token: Token,
    parent: Token,
    p: ParsedNote,
    garden: Garden,
    this: PageSummary | None,
    diagnostics: Diagnostics,
) -> Shown | QueryFailure:
    try:
        context = Context(garden, "dataview", str(p.note.path), this)
        value = compile_expression(parse_expression(token.content), context)(Scope(context, None))
        return show_value(value, context)
    except (QueryError, *PYTHON_ERRORS) as exc:
        if isinstance(exc, RecursionError):
            exc = QueryError(NESTED_TOO_DEEP)
        line = int(token.meta.get("line", 0)) + 1 if "line" in token.meta else token_line(parent)
        diagnostics.warn(
            str(p.note.path), line, "query", f"inline query `= {token.content}`: {exc}"
        )
        return QueryFailure(str(exc))


def _safely(run: Callable[[], QueryResult]) -> QueryResult:
    """A query's result, or its failure: whatever a query meets, the build goes on."""
    try:
        return run()
    except QueryError as exc:
        return QueryFailure(str(exc))
    except RecursionError:
        return QueryFailure(NESTED_TOO_DEEP)
    except Exception as exc:
        return QueryFailure(f"cannot evaluate this query ({type(exc).__name__}: {exc})")


def _report(
    result: QueryResult, p: ParsedNote, fence_line: int | None, text: str, diagnostics: Diagnostics
) -> None:
    """Say where a query failed: `note.md:LINE` of the statement when it can be found."""
    failures: list[str] = []
    if isinstance(result, QueryFailure):
        failures.append(result.message)
    elif isinstance(result, BaseResult):
        failures += [v.body.message for v in result.views if isinstance(v.body, QueryFailure)]
    for message in failures:
        line = _failure_line(message, text)
        if fence_line is not None:
            line = fence_line + (line or 1)
        diagnostics.warn(str(p.note.path), line, "query", f"query failed: {message}")


def _failure_line(message: str, text: str) -> int | None:
    """The line of the query's text a message is about: `line N: ...`, or the statement it
    quotes."""
    match = _LINE_PREFIX.match(message)
    if match is not None:
        return int(match.group(1))
    quoted = re.search(r"of '([^']+)'|of \"([^\"]+)\"", message)
    if quoted is not None:
        return line_of(quoted.group(1) or quoted.group(2), text)
    return None
