"""Dataview's query language (DQL), parsed with Lark (LALR): a query type (`LIST`, `TABLE`,
`TASK`, `CALENDAR`), then commands (`FROM`, `WHERE`, `SORT`, `GROUP BY`, `FLATTEN`,
`LIMIT`) in any order and number; expressions with `and`/`or`, `=`, field names that may
hold dashes (`due-date`), `[[links]]`, `date(today)`, `dur(1 day)` and lambdas."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from lark import Lark, Token, v_args
from lark.exceptions import LarkError, UnexpectedInput, VisitError

from hortus.queries.bases_grammar import syntax_message
from hortus.queries.dates import parse_date, parse_duration
from hortus.queries.scope import RELATIVE_DATES
from hortus.queries.syntax import (
    Binary,
    Call,
    Const,
    DateWord,
    Lambda,
    LinkLiteral,
    Name,
    Node,
    unquote,
)
from hortus.queries.tree import ExpressionTree
from hortus.queries.values import NESTED_TOO_DEEP, QueryError

_EXPRESSION = r"""
?expr: bool_
?bool_: cmp | bool_ BOOL cmp -> boolean
?cmp: sum | cmp CMP sum -> binary
?sum: product | sum ADD product -> binary
?product: unary | product MUL unary -> binary
?unary: postfix | "!" unary -> not_ | "-" unary -> neg
?postfix: atom
    | postfix "." NAME -> member
    | postfix "[" expr "]" -> index
    | postfix "(" [args] ")" -> call
?atom: NUMBER -> number
    | STRING -> string
    | BOOLEAN -> boolean_lit
    | NULL -> null
    | DATE_LIT -> date_lit
    | DUR_LIT -> dur_lit
    | LINK -> link
    | NAME -> name
    | LAMBDA_HEAD expr -> lambda_
    | "[" [args] "]" -> list_
    | "{" [pairs] "}" -> object_
    | "(" expr ")"
args: expr ("," expr)*
pairs: pair ("," pair)*
pair: (STRING | NAME) ":" expr
BOOL.2: /(and|or)(?![\w-])/i | "&" | "|"
CMP: "==" | "!=" | "<=" | ">=" | "<" | ">" | "="
ADD: "+" | "-"
MUL: "*" | "/" | "%"
BOOLEAN.2: /(true|false)(?![\w-])/i
NULL.2: /null(?![\w-])/
NAME: /[^\W\d_][\w-]*/
NUMBER: /\d+(\.\d+)?/
STRING: /"(\\.|[^"\\])*"/
LINK: /!?\[\[[^\[\]]*?\]\]/
DATE_LIT.3: /date\(\s*(\d{4}-\d{2}[0-9T:.+\-Z]*|[a-z-]+)\s*\)/
DUR_LIT.3: /dur\(\s*\d+(\.\d+)?\s*[a-zA-Z]+([\s,]*\d+(\.\d+)?\s*[a-zA-Z]+)*\s*\)/
LAMBDA_HEAD.3: /\(\s*([^\W\d][\w-]*(\s*,\s*[^\W\d][\w-]*)*)?\s*\)\s*=>/
"""

GRAMMAR = (
    r"""
start: header command*
header: LIST without_id? expr? -> list_query
    | TABLE without_id? [columns] -> table_query
    | TASK -> task_query
    | CALENDAR expr -> calendar_query
without_id: WITHOUT ID
columns: column ("," column)*
column: expr (AS (NAME | STRING))?
?command: FROM source -> from_
    | WHERE expr -> where
    | SORT sort_key ("," sort_key)* -> sort
    | GROUP BY expr (AS (NAME | STRING))? -> group
    | FLATTEN expr (AS (NAME | STRING))? -> flatten
    | LIMIT expr -> limit
sort_key: expr DIRECTION?
?source: source_atom | source BOOL source_atom -> source_op
?source_atom: TAG -> tag_source
    | STRING -> folder_source
    | LINK -> link_source
    | OUTGOING "(" LINK ")" -> outgoing_source
    | ("-" | "!") source_atom -> not_source
    | "(" source ")"
LIST.2: /list(?![\w-])/i
TABLE.2: /table(?![\w-])/i
TASK.2: /task(?![\w-])/i
CALENDAR.2: /calendar(?![\w-])/i
WITHOUT.2: /without(?![\w-])/i
ID.2: /id(?![\w-])/i
FROM.2: /from(?![\w-])/i
WHERE.2: /where(?![\w-])/i
SORT.2: /sort(?![\w-])/i
GROUP.2: /group(?![\w-])/i
BY.2: /by(?![\w-])/i
FLATTEN.2: /flatten(?![\w-])/i
LIMIT.2: /limit(?![\w-])/i
AS.2: /as(?![\w-])/i
DIRECTION.2: /(ascending|descending|asc|desc)(?![\w-])/i
OUTGOING.3: /outgoing(?=\s*\()/
TAG: /#[^\s#'!"$%&()*+,.:;<=>?@^`{|}~\[\]\\\u2000-\u206F\u2E00-\u2E7F]+/
%ignore /\s+/
"""
    + _EXPRESSION
)

INLINE_GRAMMAR = "?start: expr\n%ignore /\\s+/\n" + _EXPRESSION


class Column(NamedTuple):
    """A TABLE column, or LIST's one extra value."""

    expr: Node
    name: str  # its heading: `AS name`, else the expression as written


class Source(NamedTuple):
    """A FROM source: `#tag`, `"folder"`, `[[link]]`, `outgoing([[link]])`, and their
    combinations."""

    kind: str  # "tag", "folder", "link", "outgoing", "not", "and", "or"
    value: str = ""  # the tag, folder or link target
    parts: tuple[Source, ...] = ()  # the operands of "not", "and", "or"


class Command(NamedTuple):
    """WHERE, SORT, GROUP BY, FLATTEN or LIMIT, in the order written."""

    kind: str  # "where", "sort", "group", "flatten", "limit"
    exprs: tuple[Node, ...]  # the expression, or SORT's keys
    name: str = ""  # `AS name` of GROUP BY and FLATTEN
    descending: tuple[bool, ...] = ()  # per SORT key


class Query(NamedTuple):
    """A parsed DQL query."""

    kind: str  # "list", "table", "task", "calendar"
    show_id: bool  # False with `WITHOUT ID`
    columns: tuple[Column, ...]  # TABLE's columns; LIST's and CALENDAR's one value
    source: Source | None  # FROM, when given
    commands: tuple[Command, ...]


@v_args(inline=True)
class _ToQuery(ExpressionTree):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    # Expressions
    def number(self, token: Token) -> Const:
        value = float(token)
        return Const(int(value) if value.is_integer() and "." not in token else value)

    def string(self, token: Token) -> Const:
        return Const(unquote(str(token), '"'))

    def boolean_lit(self, token: Token) -> Const:
        return Const(str(token).lower() == "true")

    def null(self, _token: Token) -> Const:
        return Const(None)

    def date_lit(self, token: Token) -> Node:
        inner = str(token)[5:-1].strip()
        value = parse_date(inner)
        if value is not None:
            return Const(value)
        return DateWord(inner) if inner in RELATIVE_DATES else Call(Name("date"), (Name(inner),))

    def dur_lit(self, token: Token) -> Const:
        value = parse_duration(str(token)[4:-1])
        if value is None:
            raise QueryError(f"not a duration: {token}")
        return Const(value)

    def link(self, token: Token) -> LinkLiteral:
        text = str(token)
        embed = text.startswith("!")
        return LinkLiteral(text[3:-2] if embed else text[2:-2], embed)

    def name(self, token: Token) -> Name:
        return Name(str(token))

    def lambda_(self, head: Token, body: Node) -> Lambda:
        inner = str(head).rstrip()[:-2].strip()[1:-1]
        return Lambda(tuple(p.strip() for p in inner.split(",") if p.strip()), body)

    def pair(self, key: Token, value: Node) -> tuple[str, Node]:
        text = str(key)
        return (unquote(text, '"') if text.startswith('"') else text, value)

    def binary(self, left: Node, op: Token, right: Node) -> Binary:
        return Binary({"=": "=="}.get(str(op), str(op)), left, right)

    def boolean(self, left: Node, op: Token, right: Node) -> Binary:
        return Binary("&&" if str(op).lower() in ("and", "&") else "||", left, right)

    # Queries
    @v_args(meta=True)
    def column(self, meta: object, children: list) -> Column:
        expr = children[0]
        name = self._name(children[2] if len(children) > 2 else None, meta)
        return Column(expr, name)

    def _name(self, token: Token | None, meta: object) -> str:
        if token is not None:
            text = str(token)
            return unquote(text, '"') if text.startswith('"') else text
        start, end = getattr(meta, "start_pos", 0), getattr(meta, "end_pos", 0)
        return " ".join(line.strip() for line in self.text[start:end].splitlines()).strip()

    def columns(self, *columns: Column) -> list[Column]:
        return list(columns)

    def without_id(self, *_tokens: Token) -> bool:
        return True

    def list_query(self, _kw: Token, *rest: object) -> Query:
        show_id = not any(part is True for part in rest)
        exprs = [part for part in rest if part is not True and part is not None]
        columns = (Column(exprs[0], "value"),) if exprs else ()
        return Query("list", show_id, columns, None, ())

    def table_query(self, _kw: Token, *rest: object) -> Query:
        show_id = not any(part is True for part in rest)
        columns = next((part for part in rest if isinstance(part, list)), [])
        return Query("table", show_id, tuple(columns), None, ())

    def task_query(self, _kw: Token) -> Query:
        return Query("task", True, (), None, ())

    def calendar_query(self, _kw: Token, expr: Node) -> Query:
        return Query("calendar", True, (Column(expr, "value"),), None, ())

    def from_(self, _kw: Token, source: Source) -> Source:
        return source

    def where(self, _kw: Token, expr: Node) -> Command:
        return Command("where", (expr,))

    def sort_key(self, expr: Node, direction: Token | None = None) -> tuple[Node, bool]:
        return expr, direction is not None and str(direction).lower().startswith("desc")

    def sort(self, _kw: Token, *keys: tuple[Node, bool]) -> Command:
        return Command("sort", tuple(k[0] for k in keys), descending=tuple(k[1] for k in keys))

    @v_args(meta=True)
    def group(self, meta: object, children: list) -> Command:
        expr_meta = _Span(children[2], meta, self.text)
        return Command("group", (children[2],), self._named(children[3:], expr_meta))

    @v_args(meta=True)
    def flatten(self, meta: object, children: list) -> Command:
        expr_meta = _Span(children[1], meta, self.text)
        return Command("flatten", (children[1],), self._named(children[2:], expr_meta))

    def _named(self, rest: list, span: _Span) -> str:
        names = [
            part for part in rest if isinstance(part, Token) and part.type in ("NAME", "STRING")
        ]
        if names:
            return self._name(names[0], span)
        return span.text

    def limit(self, _kw: Token, expr: Node) -> Command:
        return Command("limit", (expr,))

    # Sources
    def tag_source(self, token: Token) -> Source:
        return Source("tag", str(token))

    def folder_source(self, token: Token) -> Source:
        return Source("folder", unquote(str(token), '"'))

    def link_source(self, token: Token) -> Source:
        return Source("link", str(token).lstrip("!")[2:-2])

    def outgoing_source(self, _kw: Token, token: Token) -> Source:
        return Source("outgoing", str(token).lstrip("!")[2:-2])

    def not_source(self, source: Source) -> Source:
        return Source("not", parts=(source,))

    def source_op(self, left: Source, op: Token, right: Source) -> Source:
        kind = "and" if str(op).lower() in ("and", "&") else "or"
        return Source(kind, parts=(left, right))

    def start(self, header: Query, *commands: Command | Source) -> Query:
        sources = [c for c in commands if isinstance(c, Source)]
        source = sources[0] if sources else None
        for extra in sources[1:]:
            source = Source("and", parts=(source, extra))
        steps = tuple(c for c in commands if isinstance(c, Command))
        return header._replace(source=source, commands=steps)


class _Span:
    """The text an expression was written as: from the command's keyword to its end, less
    the keywords before it (`GROUP BY`) and after it (`AS name`)."""

    def __init__(self, expr: Node, meta: object, text: str) -> None:
        source = text[getattr(meta, "start_pos", 0) : getattr(meta, "end_pos", 0)]
        words = source.split(None, 2) if source[:5].lower() == "group" else source.split(None, 1)
        body = words[-1] if len(words) > 1 else ""
        lowered = body.lower()
        cut = lowered.rfind(" as ")
        self.text = " ".join((body[:cut] if cut > 0 else body).split())
        self.start_pos = self.end_pos = 0


@lru_cache(maxsize=1)
def _query_parser() -> Lark:
    return Lark(
        GRAMMAR + "%ignore /\\/\\/[^\\n]*/\n",
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
    )


@lru_cache(maxsize=1)
def _inline_parser() -> Lark:
    return Lark(INLINE_GRAMMAR, parser="lalr", lexer="contextual", maybe_placeholders=True)


@lru_cache(maxsize=4096)
def parse_query(text: str) -> Query:
    """A ```dataview block's query; QueryError names the line and column that are wrong."""
    if not text.strip():  # as a fence in a callout leaves when its lines lack the `>`
        raise QueryError("the block is empty; a query starts with TABLE, LIST, TASK or CALENDAR")
    try:
        return _ToQuery(text).transform(_query_parser().parse(text))
    except UnexpectedInput as exc:
        line = getattr(exc, "line", 1) or 1
        source_line = text.splitlines()[line - 1] if text.splitlines() else ""
        raise QueryError(f"line {line}: {syntax_message(source_line, exc)}") from None
    except VisitError as exc:
        if isinstance(exc.orig_exc, QueryError):
            raise exc.orig_exc from None
        raise QueryError(str(exc.orig_exc)) from None
    except LarkError as exc:
        raise QueryError(str(exc)) from None
    except RecursionError:
        raise QueryError(NESTED_TOO_DEEP) from None


@lru_cache(maxsize=4096)
def parse_expression(text: str) -> Node:
    """An inline query's expression (`= this.file.name`)."""
    if not text.strip():
        raise QueryError("empty expression")
    try:
        return _ToQuery(text).transform(_inline_parser().parse(text))
    except UnexpectedInput as exc:
        raise QueryError(syntax_message(text, exc)) from None
    except VisitError as exc:
        raise QueryError(str(exc.orig_exc)) from None
    except LarkError as exc:
        raise QueryError(str(exc)) from None
    except RecursionError:
        raise QueryError(NESTED_TOO_DEEP) from None
