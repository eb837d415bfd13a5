"""Evaluating a base: the pages its filters keep (the base's and the view's, joined by
`and`), sorted, limited and grouped as the view says, each shown as a table row, a card or a
list item, with the view's summaries.

A filter statement that fails for a page (a property of another type) leaves that page out;
the view fails only when a statement cannot be read at all."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from hortus.queries.bases import Base, Filter, View, heading_of, parse_base
from hortus.queries.bases_grammar import parse_bases
from hortus.queries.display import Picture, shown, value_text
from hortus.queries.evaluate import compile_expression
from hortus.queries.results import (
    HEX_COLOUR,
    BaseResult,
    Card,
    CardsResult,
    Empty,
    Group,
    Image,
    Items,
    LinkTo,
    ListResult,
    QueryFailure,
    Shown,
    Swatch,
    TableResult,
    Text,
    ViewResult,
)
from hortus.queries.rows import bases_file_field
from hortus.queries.scope import Context, Scope
from hortus.queries.summary import Garden, PageSummary
from hortus.queries.syntax import Call, Const, Member, Name
from hortus.queries.values import FileRef, Link, QueryError, Value, compare, sorted_by, truthy

Test = Callable[[Scope], bool]


def run_base(
    text: str, garden: Garden, source: str, this: PageSummary | None, only: int | None = None
) -> BaseResult | QueryFailure:
    """Every view of the base in `text` (or view number `only`), for a base shown in the
    note at `source` (`this`)."""
    try:
        base = parse_base(text)
    except QueryError as exc:
        return QueryFailure(str(exc))
    context = Context(garden, "bases", source, this, seed=source + "\n" + text)
    try:
        context.formulas = {
            name: compile_expression(parse_bases(formula), context)
            for name, formula in base.formulas.items()
        }
        shared = _compile_filter(base.filters, context)
    except QueryError as exc:
        return QueryFailure(f"{exc}")
    views = []
    for number, view in enumerate(base.views):
        if only is not None and number != only:
            continue
        views.append(ViewResult(view.name, view.kind, _run_view(base, view, shared, context)))
    return BaseResult(tuple(views))


def _compile_filter(node: Filter | None, context: Context) -> tuple[Test, set[str] | None]:
    """The filter as a test of a page, and, when it requires a tag or a folder, the only
    pages that can pass (found in the garden's indexes instead of testing every page)."""
    if node is None:
        return (lambda _s: True), None
    if isinstance(node, str):
        tree = parse_bases(node)
        test = compile_expression(tree, context)
        return (lambda s: truthy(test(s))), _candidates(tree, context.garden)
    kind, parts = node
    compiled = [_compile_filter(part, context) for part in parts]
    tests = [test for test, _ in compiled]
    if kind == "and":
        narrowed = [c for _, c in compiled if c is not None]
        pool = set.intersection(*narrowed) if narrowed else None
        return (lambda s: all(t(s) for t in tests)), pool
    if kind == "or":
        pools = [c for _, c in compiled]
        pool = set.union(*pools) if pools and all(p is not None for p in pools) else None
        return (lambda s: any(t(s) for t in tests)), pool
    return (lambda s: not any(t(s) for t in tests)), None


def _candidates(tree: Any, garden: Garden) -> set[str] | None:
    """`file.hasTag("a", "b")` and `file.inFolder("x")` name the only pages that pass."""
    if not (isinstance(tree, Call) and isinstance(tree.target, Member)):
        return None
    target, method = tree.target.target, tree.target.name
    if target != Name("file") or not tree.args:
        return None
    if not all(isinstance(a, Const) and isinstance(a.value, str) for a in tree.args):
        return None
    if method == "hasTag":
        return {p for a in tree.args for p in garden.tagged(a.value.lstrip("#"))}
    if method == "inFolder" and len(tree.args) == 1:
        folder = tree.args[0].value.strip("/")
        return {
            p
            for p in garden.pages
            if not folder or p.casefold().startswith(folder.casefold() + "/")
        }
    return None


def _run_view(
    base: Base, view: View, shared: tuple[Test, set[str] | None], context: Context
) -> Any:
    try:
        own = _compile_filter(view.filters, context)
    except QueryError as exc:
        return QueryFailure(f"view {view.name!r}: {exc}")
    pools = [pool for _, pool in (shared, own) if pool is not None]
    garden = context.garden
    paths = list(garden.pages) if not pools else sorted(set.intersection(*pools))
    rows: list[Scope] = []
    errors: list[str] = []
    for path in paths:
        scope = Scope(context, garden.pages[path])
        try:
            if shared[0](scope) and own[0](scope):
                rows.append(scope)
        except QueryError as exc:
            errors.append(str(exc))
    if errors and not rows and len(errors) == len(paths):
        return QueryFailure(f"view {view.name!r}: {errors[0]}")
    rows = _sorted(rows, view)
    if view.limit is not None:
        rows = rows[: view.limit]
    return _shape(base, view, rows, context)


def value_of(prop: str, scope: Scope) -> Value:
    """A property of the scope's page: `file.x`, `formula.x` or `note.x`; a failing formula
    shows nothing."""
    kind, _, name = prop.partition(".")
    try:
        if kind == "file":
            return bases_file_field(scope.row, name, scope.context.garden)
        if kind == "formula":
            return scope.formula(name)
        return scope.row.properties.get(name)
    except QueryError:
        return None


def _sorted(rows: list[Scope], view: View) -> list[Scope]:
    keys = list(view.sort)
    if view.group_by is not None:
        keys.insert(0, view.group_by)
    if not keys:
        return rows
    values = [[value_of(prop, row) for prop, _ in keys] for row in rows]
    order = [(lambda i, k=k: values[i][k], down) for k, (_prop, down) in enumerate(keys)]
    return [rows[i] for i in sorted_by(list(range(len(rows))), order)]


def _cell(prop: str, scope: Scope) -> Shown:
    page: PageSummary = scope.row
    if prop == "file.name":
        return LinkTo(page.basename, page.url)
    return _show(value_of(prop, scope), scope.context)


def _show(value: Value, context: Context) -> Shown:
    def page_link(file: FileRef) -> Shown:
        page = context.garden.page(file.path)
        return LinkTo(page.basename, page.url) if page is not None else Text(file.path)

    return shown(value, "bases", page_link)


def _groups(rows: list[Scope], view: View) -> list[tuple[Value, list[Scope]]]:
    if view.group_by is None:
        return [(None, rows)]
    groups: list[tuple[Value, list[Scope]]] = []
    for row in rows:
        key = value_of(view.group_by[0], row)
        if groups and compare(groups[-1][0], key) == 0:
            groups[-1][1].append(row)
        else:
            groups.append((key, [row]))
    return groups


def _shape(base: Base, view: View, rows: list[Scope], context: Context) -> Any:
    order = view.order or ("file.name",)
    grouped = _groups(rows, view)
    keyed = view.group_by is not None

    def key_of(value: Value) -> Shown | None:
        return _show(value, context) if keyed else None

    if view.kind == "cards":
        cards = tuple(
            (key_of(key), tuple(_card(view, order, row, base) for row in members))
            for key, members in grouped
        )
        return CardsResult(cards, len(rows))
    if view.kind == "list":
        groups = tuple(
            Group(key_of(key), tuple(_list_item(order, row) for row in members))
            for key, members in grouped
        )
        return ListResult(groups, len(rows))
    summaries = view.summaries
    groups = tuple(
        Group(
            key_of(key),
            tuple(tuple(_cell(prop, row) for prop in order) for row in members),
            _summaries(order, summaries, members, base, context) if keyed else (),
        )
        for key, members in grouped
    )
    return TableResult(
        columns=tuple(heading_of(prop, base) for prop in order),
        groups=groups,
        count=len(rows),
        id_column=False,
        summaries=_summaries(order, summaries, rows, base, context),
    )


def _card(view: View, order: tuple[str, ...], row: Scope, base: Base) -> Card:
    page: PageSummary = row.row
    image = None
    if view.image:
        cover = value_of(view.image, row)
        if isinstance(cover, list):
            cover = cover[0] if cover else None
        image = _cover(cover, row)
    fields = tuple(
        (heading_of(prop, base), _cell(prop, row)) for prop in order if prop != "file.name"
    )
    return Card(LinkTo(page.basename, page.url), image, fields)


def _cover(value: Value, scope: Scope) -> Image | Swatch | None:
    """A card's cover: an attachment published by the site, a web address, or a hex colour
    (`#ff0000`) the cover is filled with."""
    if value is None:
        return None
    if isinstance(value, Picture | Link) and value.url:
        return Image(value.url, value.label)
    text = str(value.path if isinstance(value, Link) else value).strip()
    if text.startswith(("http://", "https://")):
        return Image(text, "")
    if HEX_COLOUR.fullmatch(text):
        return Swatch(text)
    name = text[2:-2] if text.startswith("[[") and text.endswith("]]") else text
    url = scope.context.garden.attachment_url(name.partition("|")[0], scope.row.path)
    return Image(url, name) if url else None


def _list_item(order: tuple[str, ...], row: Scope) -> tuple[Shown, Shown | None]:
    first, *rest = order
    cells = [_cell(prop, row) for prop in rest]
    kept = tuple(c for c in cells if not isinstance(c, Empty) and c != Text(""))
    extra = Items(kept) if kept else None
    return _cell(first, row), extra


def _summaries(
    order: tuple[str, ...], chosen: dict[str, str], rows: list[Scope], base: Base, context: Context
) -> tuple[Shown | None, ...]:
    if not chosen:
        return ()
    out: list[Shown | None] = []
    for prop in order:
        name = chosen.get(prop)
        if name is None:
            out.append(None)
            continue
        values = [value_of(prop, row) for row in rows]
        try:
            value = summary(name, values, base, context)
        except QueryError as exc:
            value = f"{name}: {exc}"
        # nothing to summarise (no numbers for Max, no dates for Earliest): an empty cell
        out.append(None if value is None else Text(f"{name} {value_text(value, 'bases')}"))
    return tuple(out)


def summary(name: str, values: list[Value], base: Base, context: Context) -> Value:
    """A built-in summary (Average, Sum, Earliest, Filled, ...) or one of the base's."""
    if name in base.summaries:
        formula = compile_expression(parse_bases(base.summaries[name]), context)
        return formula(Scope(context, None, {"values": values}))
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    dates = [v for v in values if hasattr(v, "isoformat")]
    filled = [v for v in values if v not in (None, "", [])]
    builtins: dict[str, Callable[[], Value]] = {
        "Average": lambda: statistics.fmean(numbers) if numbers else None,
        "Min": lambda: min(numbers) if numbers else None,
        "Max": lambda: max(numbers) if numbers else None,
        "Sum": lambda: sum(numbers),
        "Range": lambda: _range(numbers, dates),
        "Median": lambda: statistics.median(numbers) if numbers else None,
        "Stddev": lambda: statistics.pstdev(numbers) if numbers else None,
        "Earliest": lambda: min(dates) if dates else None,
        "Latest": lambda: max(dates) if dates else None,
        "Checked": lambda: sum(1 for v in values if v is True),
        "Unchecked": lambda: sum(1 for v in values if v is False),
        "Empty": lambda: len(values) - len(filled),
        "Filled": lambda: len(filled),
        "Unique": lambda: len({repr(v) for v in filled}),
    }
    if name not in builtins:
        raise QueryError(f"no summary named {name!r}")
    return builtins[name]()


def _range(numbers: list[float], dates: list[Any]) -> Value:
    """Largest minus smallest: of the numbers, else of the dates, in milliseconds as the
    difference of two dates is in Bases (`date - date`)."""
    if numbers:
        return max(numbers) - min(numbers)
    if dates:
        return (max(dates) - min(dates)).total_seconds() * 1000
    return None
