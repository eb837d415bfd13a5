"""Running a Dataview query: the pages (or, for TASK, the tasks) its FROM selects, through
its commands in the order written, then shown as a list, a table or tasks.

As in Dataview, a row whose expression fails is dropped, and the query fails only when every
row does. Before any SORT, pages come in path order (Dataview's own order is its index's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hortus.queries.dataview_grammar import Command, Query, Source, parse_query
from hortus.queries.display import shown, with_links
from hortus.queries.evaluate import compile_expression
from hortus.queries.results import (
    Group,
    LinkTo,
    ListResult,
    QueryFailure,
    QueryResult,
    Shown,
    TableResult,
    TaskGroup,
    TaskItem,
    TaskResult,
)
from hortus.queries.rows import GroupRow, PageRow, TaskRow
from hortus.queries.scope import Compiled, Context, Scope
from hortus.queries.summary import Garden, PageSummary
from hortus.queries.values import FileRef, Link, QueryError, compare, sorted_by, truthy

Row = Any  # PageRow, TaskRow or GroupRow


def run_dataview(text: str, garden: Garden, source: str, this: PageSummary | None) -> QueryResult:
    """The result of a ```dataview block written in the note at `source`."""
    try:
        query = parse_query(text)
        context = Context(garden, "dataview", source, this)
        rows = _initial_rows(query, context)
        rows, grouped = _run_commands(query.commands, rows, context)
        return _shape(query, rows, grouped, context)
    except QueryError as exc:
        return QueryFailure(str(exc))
    except RecursionError:
        return QueryFailure("the query is nested too deeply")


def _initial_rows(query: Query, context: Context) -> list[Row]:
    garden = context.garden
    paths = _source_paths(query.source, context) if query.source else list(garden.pages)
    pages = [garden.pages[p] for p in paths]
    if query.kind == "task":
        return [
            TaskRow(i, page, garden) for page in pages for i in page.items if i.status is not None
        ]
    return [PageRow(page, garden) for page in pages]


def _source_paths(source: Source, context: Context) -> list[str]:
    """The pages a FROM source selects, in path order."""
    garden = context.garden
    kind = source.kind
    if kind == "tag":
        return garden.tagged(source.value)
    if kind == "folder":
        return garden.in_folder(source.value)
    if kind in ("link", "outgoing"):
        target = source.value.partition("|")[0].partition("#")[0]
        path = garden.resolve_name(target, context.source) if target else context.source
        page = garden.pages.get(path) if path else None
        if page is None and kind == "link" and target:  # a note that does not exist
            return [p for p, other in garden.pages.items() if _names(other.links, target)]
        if page is None:
            return []
        if kind == "link":
            return sorted(page.inlinks)
        return sorted({link.path for link in page.links if link.path in garden.pages})
    if kind == "not":
        excluded = set(_source_paths(source.parts[0], context))
        return [p for p in garden.pages if p not in excluded]
    left = _source_paths(source.parts[0], context)
    right = set(_source_paths(source.parts[1], context))
    if kind == "and":
        return [p for p in left if p in right]
    chosen = set(left) | right
    return [p for p in garden.pages if p in chosen]


def _names(links: tuple, target: str) -> bool:
    """Whether `links` hold one to `target` that reaches no page (written by its name)."""
    wanted = target.casefold().removesuffix(".md")
    return any(
        link.url is None and link.path.casefold().removesuffix(".md") == wanted for link in links
    )


def _each_row(
    rows: list[Row], what: str, run: Callable[[Row], Any], keep: Callable[[Row, Any], None]
) -> None:
    """Run over every row; a row that fails is dropped, unless every row fails."""
    errors: list[str] = []
    for row in rows:
        try:
            value = run(row)
        except QueryError as exc:
            errors.append(str(exc))
            continue
        keep(row, value)
    if rows and len(errors) == len(rows):
        listed = "\n".join(f"- {e}" for e in dict.fromkeys(errors[:3]))
        raise QueryError(f"Every row during operation '{what}' failed with an error:\n{listed}")


def _run_commands(
    commands: tuple[Command, ...], rows: list[Row], context: Context
) -> tuple[list[Row], bool]:
    grouped = False
    for command in commands:
        compiled = [compile_expression(expr, context) for expr in command.exprs]
        if command.kind == "where":
            rows = _where(rows, compiled[0], context)
        elif command.kind == "sort":
            rows = _sort(rows, compiled, command.descending, context)
        elif command.kind == "group":
            rows = _group(rows, compiled[0], command.name, context)
            grouped = True
        elif command.kind == "flatten":
            rows = _flatten(rows, compiled[0], command.name, context)
        elif command.kind == "limit":
            amount = compiled[0](Scope(context, None))
            if not isinstance(amount, int | float) or isinstance(amount, bool):
                raise QueryError(f"LIMIT should be a number, not {amount!r}")
            rows = rows[: max(0, int(amount))]
    return rows, grouped


def _where(rows: list[Row], test: Compiled, context: Context) -> list[Row]:
    kept: list[Row] = []
    _each_row(rows, "where", lambda r: truthy(test(Scope(context, r))),
              lambda r, ok: kept.append(r) if ok else None)  # fmt: skip
    return kept


def _sort(
    rows: list[Row], keys: list[Compiled], descending: tuple[bool, ...], context: Context
) -> list[Row]:
    tagged: list[tuple[Row, list[Any]]] = []
    _each_row(rows, "sort", lambda r: [k(Scope(context, r)) for k in keys],
              lambda r, values: tagged.append((r, values)))  # fmt: skip
    order = [(lambda pair, i=i: pair[1][i], down) for i, down in enumerate(descending)]
    return [row for row, _ in sorted_by(tagged, order)]


def _group(rows: list[Row], key: Compiled, name: str, context: Context) -> list[Row]:
    keyed: list[tuple[Row, Any]] = []
    _each_row(rows, "group", lambda r: key(Scope(context, r)), lambda r, k: keyed.append((r, k)))
    keyed = sorted_by(keyed, [(lambda pair: pair[1], False)])
    groups: list[GroupRow] = []
    for row, value in keyed:
        if groups and compare(groups[-1]["key"], value) == 0:
            groups[-1]["rows"].append(row)
        else:
            groups.append(GroupRow({"key": value, "rows": [row], name: value}))
    return groups


def _flatten(rows: list[Row], value: Compiled, name: str, context: Context) -> list[Row]:
    out: list[Row] = []

    def spread(row: Row, got: Any) -> None:
        for item in got if isinstance(got, list) else [got]:
            if isinstance(row, GroupRow):
                out.append(GroupRow({**row, name: item}))
            else:
                out.append(row.with_extra(name, item))

    _each_row(rows, "flatten", lambda r: value(Scope(context, r)), spread)
    return out


def _id_of(row: Row, context: Context) -> Shown:
    if isinstance(row, GroupRow):
        return show_value(row["key"], context)
    page = row.page
    return LinkTo(page.basename, page.url)


def show_value(value: Any, context: Context) -> Shown:
    """A value as Dataview shows it; a page as a link to it."""

    def page_link(file: FileRef) -> Shown:
        page = context.garden.page(file.path)
        return LinkTo(page.basename, page.url) if page is not None else LinkTo(file.path, None)

    def link_to(target: str) -> Link:
        return context.garden.link_to(target, context.source)

    def attachment_url(target: str) -> str | None:
        return context.garden.attachment_url(target, context.source)

    value = shown(value, "dataview", page_link, context.garden.language)
    return with_links(value, link_to, attachment_url)


def _shape(query: Query, rows: list[Row], grouped: bool, context: Context) -> QueryResult:
    if query.kind == "task":
        return _tasks(rows, grouped, context)
    columns = [compile_expression(c.expr, context) for c in query.columns]
    values: list[tuple[Row, list[Any]]] = []
    _each_row(rows, "extract", lambda r: [c(Scope(context, r)) for c in columns],
              lambda r, v: values.append((r, v)))  # fmt: skip
    if query.kind in ("list", "calendar"):
        items = []
        for row, extracted in values:
            value = show_value(extracted[0], context) if extracted else None
            if value is None:
                items.append((_id_of(row, context), None))
            elif query.show_id:
                items.append((_id_of(row, context), value))
            else:
                items.append((value, None))
        return ListResult((Group(None, tuple(items)),), len(items), nested=True)
    groups = [c.name for c in query.commands if c.kind == "group"]
    id_name = groups[-1] if grouped and groups else "File"
    names = ([id_name] if query.show_id else []) + [c.name for c in query.columns]
    table = tuple(
        tuple(
            ([_id_of(row, context)] if query.show_id else [])
            + [show_value(v, context) for v in extracted]
        )
        for row, extracted in values
    )
    return TableResult(tuple(names), (Group(None, table),), len(table), query.show_id, nested=True)


def _tasks(rows: list[Row], grouped: bool, context: Context) -> TaskResult:
    if grouped:
        groups = [
            TaskGroup(show_value(row["key"], context), _task_items(row["rows"]))
            for row in rows
            if isinstance(row, GroupRow)
        ]
        return TaskResult(tuple(groups), sum(len(g.tasks) for g in groups))
    items = _task_items(rows)
    return TaskResult((TaskGroup(None, items),), len(items))


def _task_items(rows: list[Row]) -> tuple[TaskItem, ...]:
    """The tasks selected, each with every item nested under it; a task under another
    selected one is shown only there."""
    tasks = [row for row in rows if isinstance(row, TaskRow)]
    chosen = {(t.page.path, t.item.line) for t in tasks}
    roots = []
    for task in tasks:
        by_line = {i.line: i for i in task.page.items}
        parent = task.item.parent
        while parent is not None and (task.page.path, parent) not in chosen:
            parent = by_line[parent].parent if parent in by_line else None
        if parent is None:
            roots.append(task_item(task))
    return tuple(roots)


def task_item(task: TaskRow) -> TaskItem:
    item, page = task.item, task.page
    return TaskItem(
        path=page.path,
        token=item.token,
        text=item.text,
        status=item.status,
        url=page.url,
        children=tuple(task_item(child) for child in task.children()),
    )
