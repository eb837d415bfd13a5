"""Stage 4, queries: Obsidian Bases and Dataview evaluated at build time over the published
notes' summaries, never a private note's.

evaluate_queries finds every ```dataview, ```base and ```dataviewjs block, `= expr` inline
query and `![[X.base]]` embed, evaluates it (the Dataview query language and the Bases
filter and formula language are parsed with Lark, then compiled into closures) and leaves
each note's NoteQueries in its env, where the renderer finds it (note_queries): typed
results (TableResult, ListResult, TaskResult, BaseResult, QueryFailure, ScriptBlock) whose
values are ready to show (Text, Markdown, LinkTo, Items, Check, Image, Empty). `now()` is the
build's moment, `SOURCE_DATE_EPOCH` when set (build_moment). record_query_facts notes, as a
note is parsed, what this stage needs of its text.

Names are loaded on first use: a build that runs no query does not load the evaluator (its
grammars, functions and views)."""

from __future__ import annotations

from hortus.facade import lazy_names

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.queries.bases_views import run_base
    from hortus.queries.dataview import run_dataview
    from hortus.queries.display import WIKILINK, image_key, off_site
    from hortus.queries.evaluate import evaluate_expression
    from hortus.queries.fences import query_language
    from hortus.queries.results import (
        HEX_COLOUR,
        QUERY_NUMBER,
        BaseResult,
        Card,
        CardsResult,
        Check,
        Empty,
        Group,
        Image,
        Items,
        LinkTo,
        ListResult,
        Markdown,
        NoteQueries,
        QueryFailure,
        QueryResult,
        ScriptBlock,
        Shown,
        Swatch,
        TableResult,
        TaskGroup,
        TaskItem,
        TaskResult,
        Text,
        ViewResult,
        note_queries,
    )
    from hortus.queries.stage import build_moment, evaluate_queries, record_query_facts
    from hortus.queries.summary import Garden, PageSummary

_MODULES = {
    "BaseResult": "results",
    "Card": "results",
    "CardsResult": "results",
    "Check": "results",
    "Empty": "results",
    "Garden": "summary",
    "Group": "results",
    "HEX_COLOUR": "results",
    "Image": "results",
    "Items": "results",
    "LinkTo": "results",
    "ListResult": "results",
    "Markdown": "results",
    "NoteQueries": "results",
    "PageSummary": "summary",
    "QUERY_NUMBER": "results",
    "QueryFailure": "results",
    "QueryResult": "results",
    "ScriptBlock": "results",
    "Shown": "results",
    "Swatch": "results",
    "TableResult": "results",
    "TaskGroup": "results",
    "TaskItem": "results",
    "TaskResult": "results",
    "Text": "results",
    "ViewResult": "results",
    "WIKILINK": "display",
    "build_moment": "stage",
    "evaluate_expression": "evaluate",
    "evaluate_queries": "stage",
    "image_key": "display",
    "note_queries": "results",
    "off_site": "display",
    "query_language": "fences",
    "record_query_facts": "stage",
    "run_base": "bases_views",
    "run_dataview": "dataview",
}

__all__ = [
    "HEX_COLOUR",
    "QUERY_NUMBER",
    "WIKILINK",
    "BaseResult",
    "Card",
    "CardsResult",
    "Check",
    "Empty",
    "Garden",
    "Group",
    "Image",
    "Items",
    "LinkTo",
    "ListResult",
    "Markdown",
    "NoteQueries",
    "PageSummary",
    "QueryFailure",
    "QueryResult",
    "ScriptBlock",
    "Shown",
    "Swatch",
    "TableResult",
    "TaskGroup",
    "TaskItem",
    "TaskResult",
    "Text",
    "ViewResult",
    "build_moment",
    "evaluate_expression",
    "evaluate_queries",
    "image_key",
    "note_queries",
    "off_site",
    "query_language",
    "record_query_facts",
    "run_base",
    "run_dataview",
]


__getattr__, __dir__ = lazy_names(__name__, _MODULES, __all__)
