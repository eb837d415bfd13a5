"""The filter and formula language of Obsidian Bases, parsed with Lark (LALR): JavaScript's
operators (`&&`, `||`, `!`, `==`), method calls (`file.hasTag("a")`), indexing, list and
object literals, regular expressions (`/abc/g`) and text in either quotes."""

from __future__ import annotations

import re
from functools import lru_cache

from lark import Lark, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, VisitError

from hortus.queries.syntax import (
    Binary,
    Const,
    Name,
    Node,
    unquote,
)
from hortus.queries.tree import ExpressionTree
from hortus.queries.values import NESTED_TOO_DEEP, Pattern, QueryError

GRAMMAR = r"""
?start: expr
?expr: or_
?or_: and_ | or_ "||" and_ -> or_op
?and_: cmp | and_ "&&" cmp -> and_op
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
    | REGEX -> regex
    | "true" -> true
    | "false" -> false
    | "null" -> null
    | NAME -> name
    | "[" [args] "]" -> list_
    | "{" [pairs] "}" -> object_
    | "(" expr ")"
args: expr ("," expr)* ","?
pairs: pair ("," pair)* ","?
pair: (STRING | NAME) ":" expr
CMP: "==" | "!=" | "<=" | ">=" | "<" | ">"
ADD: "+" | "-"
MUL: "*" | "/" | "%"
NAME: /[^\W\d]\w*/
NUMBER: /\d+(\.\d+)?([eE][+-]?\d+)?/ | /\.\d+/
STRING: /"(\\.|[^"\\])*"/ | /'(\\.|[^'\\])*'/
REGEX: /\/(\\.|[^\/\\\n*])(\\.|[^\/\\\n])*\/[dgimsuy]*/
%ignore /\s+/
"""

_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}


@v_args(inline=True)
class _ToTree(ExpressionTree):
    def number(self, token: str) -> Const:
        value = float(token)
        return Const(int(value) if value.is_integer() and "." not in token else value)

    def string(self, token: str) -> Const:
        return Const(unquote(str(token), token[0]))

    def regex(self, token: str) -> Const:
        body, _, flags = str(token)[1:].rpartition("/")
        options = 0
        for flag in flags:
            options |= _FLAGS.get(flag, 0)
        try:
            return Const(Pattern(re.compile(body, options), "g" in flags))
        except re.error as exc:
            raise QueryError(f"invalid regular expression /{body}/: {exc}") from None

    def true(self) -> Const:
        return Const(True)

    def false(self) -> Const:
        return Const(False)

    def null(self) -> Const:
        return Const(None)

    def name(self, token: str) -> Name:
        return Name(str(token))

    def pair(self, key: str, value: Node) -> tuple[str, Node]:
        text = str(key)
        return (unquote(text, text[0]) if text[0] in "\"'" else text, value)

    def binary(self, left: Node, op: str, right: Node) -> Binary:
        return Binary(str(op), left, right)

    def and_op(self, left: Node, right: Node) -> Binary:
        return Binary("&&", left, right)

    def or_op(self, left: Node, right: Node) -> Binary:
        return Binary("||", left, right)


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", lexer="contextual", maybe_placeholders=True)


@lru_cache(maxsize=4096)
def parse_bases(text: str) -> Node:
    """The tree of a filter or formula; QueryError says where it is wrong."""
    if not text.strip():
        raise QueryError("empty expression")
    try:
        return _ToTree().transform(_parser().parse(text))
    except UnexpectedInput as exc:
        raise QueryError(syntax_message(text, exc)) from None
    except VisitError as exc:
        if isinstance(exc.orig_exc, QueryError):
            raise exc.orig_exc from None
        raise QueryError(f"cannot read {text!r}: {exc.orig_exc}") from None
    except LarkError as exc:
        raise QueryError(f"cannot read {text!r}: {exc}") from None
    except RecursionError:
        raise QueryError(NESTED_TOO_DEEP) from None


def syntax_message(text: str, exc: UnexpectedInput) -> str:
    """`unexpected "x" at column 7 of: ...`, the words Obsidian's formula editor would point at."""
    column = getattr(exc, "column", 0) or 0
    if isinstance(exc, UnexpectedCharacters):
        what = f"unexpected {text[exc.pos_in_stream]!r}"
    elif getattr(exc, "token", None) is not None and exc.token.type != "$END":
        what = f"unexpected {str(exc.token)!r}"
    else:
        what = "unexpected end"
    return f"{what} at column {column} of {text!r}"
