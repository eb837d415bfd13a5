"""Expression trees compiled into Python closures, once per query, then run for every row:
a closure per node is several times faster than walking the tree for each of thousands of
pages. Names, members, calls and operators follow the dialect (Bases or Dataview)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hortus.queries.bases_functions import MIN_ARGUMENTS
from hortus.queries.bases_grammar import parse_bases
from hortus.queries.dataview_grammar import parse_expression
from hortus.queries.display import value_text
from hortus.queries.functions import functions_of, method_of
from hortus.queries.operators import bases_binary, dataview_binary
from hortus.queries.rows import (
    BasesPage,
    GroupRow,
    PageRow,
    TaskRow,
    bases_file_field,
    member,
)
from hortus.queries.scope import (
    FORMULA,
    Compiled,
    Context,
    Function,
    Scope,
    relative_date,
)
from hortus.queries.summary import Garden
from hortus.queries.syntax import (
    Binary,
    Call,
    Const,
    DateWord,
    Index,
    Lambda,
    LinkLiteral,
    ListOf,
    Member,
    Name,
    Node,
    ObjectOf,
    Unary,
)
from hortus.queries.values import (
    NESTED_TOO_DEEP,
    PYTHON_ERRORS,
    FileRef,
    QueryError,
    Value,
    needs_arguments,
    truthy,
)


def compile_expression(node: Node, context: Context) -> Compiled:
    """The closure computing `node` for a scope."""
    try:
        return _Compiler(context, functions_of(context.dialect), method_of).compile(node)
    except RecursionError:
        raise QueryError(NESTED_TOO_DEEP) from None


class _Compiler:
    def __init__(self, context: Context, functions: dict[str, Function], methods: Any) -> None:
        self.context = context
        self.functions = functions
        self.methods = methods
        self.bases = context.bases

    def compile(self, node: Node) -> Compiled:
        handler = getattr(self, "_" + type(node).__name__.lower())
        return handler(node)

    def _const(self, node: Const) -> Compiled:
        value = node.value
        return lambda _s: value

    def _dateword(self, node: DateWord) -> Compiled:
        value = relative_date(node.word, self.context.garden)
        return lambda _s: value

    def _linkliteral(self, node: LinkLiteral) -> Compiled:
        target, _, display = node.target.partition("|")
        link = self.context.garden.link_to(target, self.context.source, display or None)
        link = link._replace(embed=node.embed)
        return lambda _s: link

    def _listof(self, node: ListOf) -> Compiled:
        items = [self.compile(item) for item in node.items]
        return lambda s: [item(s) for item in items]

    def _objectof(self, node: ObjectOf) -> Compiled:
        pairs = [(key, self.compile(value)) for key, value in node.pairs]
        return lambda s: {key: value(s) for key, value in pairs}

    def _lambda(self, node: Lambda) -> Compiled:
        body = self.compile(node.body)
        params = node.params

        def make(s: Scope) -> Callable[..., Value]:
            return lambda *args: body(s.bound(**dict(zip(params, args, strict=False))))

        return make

    def _name(self, node: Name) -> Compiled:
        name = node.name
        context = self.context
        if self.bases:
            if name == "file":
                return lambda s: FileRef(s.row.path)
            if name == "note":
                return lambda s: s.row.properties
            if name == "formula":
                return lambda _s: FORMULA
            if name == "this":
                this = BasesPage(context.this) if context.this is not None else None
                return lambda _s: this
            return lambda s: s.vars[name] if name in s.vars else s.row.properties.get(name)
        if name == "this":
            this = PageRow(context.this, context.garden) if context.this is not None else None
            return lambda s: s.vars.get("this", this)
        if name == "row":
            return lambda s: s.row
        return lambda s: s.vars[name] if name in s.vars else _row_field(s.row, name)

    def _member(self, node: Member) -> Compiled:
        name = node.name
        garden = self.context.garden
        if self.bases and isinstance(node.target, Name) and node.target.name == "file":
            return lambda s: bases_file_field(s.row, name, garden)
        if self.bases and isinstance(node.target, Name) and node.target.name == "formula":
            return lambda s: s.formula(name)
        target = self.compile(node.target)
        bases = self.bases
        return lambda s: _member_of(target(s), name, s, garden, bases)

    def _index(self, node: Index) -> Compiled:
        target = self.compile(node.target)
        index = self.compile(node.index)
        garden, bases = self.context.garden, self.bases

        def run(s: Scope) -> Value:
            value, key = target(s), index(s)
            if key is None:
                return None
            if isinstance(key, int | float) and isinstance(value, list | str):
                position = int(key)
                # JavaScript has no negative indexes: `list[-1]` is undefined in Bases
                lowest = 0 if bases else -len(value)
                return value[position] if lowest <= position < len(value) else None
            if isinstance(key, str):
                return _member_of(value, key, s, garden, bases)
            raise QueryError("can only index with a number or a text")

        return run

    def _unary(self, node: Unary) -> Compiled:
        operand = self.compile(node.operand)
        if node.op == "!":
            return lambda s: not truthy(operand(s))

        def negate(s: Scope) -> Value:
            value = operand(s)
            if value is None:
                return None
            if isinstance(value, int | float):
                return -value
            raise QueryError(f"cannot negate {value_text(value, self.context.dialect)!r}")

        return negate

    def _binary(self, node: Binary) -> Compiled:
        left, right = self.compile(node.left), self.compile(node.right)
        op = node.op
        if op == "&&":
            return lambda s: truthy(left(s)) and truthy(right(s))
        if op == "||":
            return lambda s: truthy(left(s)) or truthy(right(s))
        binary = bases_binary if self.bases else dataview_binary
        text = self.context.text
        return lambda s: binary(op, left(s), right(s), text)

    def _call(self, node: Call) -> Compiled:
        args = [self.compile(arg) for arg in node.args]
        if isinstance(node.target, Name) and node.target.name in self.functions:
            name = node.target.name
            wanted = MIN_ARGUMENTS.get(name, 0) if self.bases else 0
            if len(args) < wanted:
                return _fails(name, wanted)
            return _guarded(name, self.functions[name], args)
        if isinstance(node.target, Member) and self.bases:
            return self.methods(self.compile(node.target.target), node.target.name, args)
        if isinstance(node.target, Name) and not self.bases:
            lowered = self.functions.get(node.target.name.lower())
            if lowered is not None:
                return _guarded(node.target.name, lowered, args)
        callee = self.compile(node.target)
        what = node.target.name if isinstance(node.target, Name) else "this value"

        def call(s: Scope) -> Value:
            function = callee(s)
            if not callable(function):
                raise QueryError(f"Unrecognized function name '{what}'")
            return function(*(arg(s) for arg in args))

        return call


def _fails(name: str, wanted: int) -> Compiled:
    """A call with too few arguments: an error of each row it is computed for, as any other
    failure of a formula, not of the whole query."""

    def fail(_s: Scope) -> Value:
        raise needs_arguments(name, wanted)

    return fail


def _guarded(name: str, function: Function, args: list[Compiled]) -> Compiled:
    def call(s: Scope) -> Value:
        try:
            return function(s, args)
        except RecursionError:
            raise QueryError(NESTED_TOO_DEEP) from None
        except PYTHON_ERRORS as exc:
            if isinstance(exc, TypeError) and _ARITY.search(str(exc)):
                count = f"{len(args)} argument{'' if len(args) == 1 else 's'}"
                raise QueryError(f"No implementation of '{name}' found for {count}") from None
            raise QueryError(f"{name}(): {exc}") from None

    return call


# Python's words for a function given too many or too few arguments.
_ARITY = re.compile(r"takes .* arguments? but \d+ (were|was) given|missing \d+ required")


def _row_field(row: Any, name: str) -> Value:
    if isinstance(row, PageRow | TaskRow):
        return row.get(name)
    if isinstance(row, GroupRow):
        return row.get(name)
    return None


def _member_of(value: Value, name: str, scope: Scope, garden: Garden, bases: bool) -> Value:
    if value is FORMULA:
        return scope.formula(name)
    return member(value, name, garden, bases)


def evaluate_expression(text: str, dialect: str, garden: Garden, row: str | None = None) -> Value:
    """One expression of `dialect` ("bases" or "dataview") for the page at `row` (also
    `this`): what a formula, a filter or an inline query computes."""
    page = garden.page(row)
    context = Context(garden, dialect, row or "", page)
    tree = parse_bases(text) if dialect == "bases" else parse_expression(text)
    if page is None:
        current: Any = None
    else:
        current = page if dialect == "bases" else PageRow(page, garden)
    return compile_expression(tree, context)(Scope(context, current))
