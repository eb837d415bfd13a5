"""The expression tree both query languages parse into. Each grammar (bases_grammar,
dataview_grammar) turns its text into these nodes; evaluate compiles them for its dialect."""

from __future__ import annotations

from typing import Any, NamedTuple


class Const(NamedTuple):
    """A literal: a number, text, boolean, null, date, duration or regular expression."""

    value: Any


class Name(NamedTuple):
    """A bare name: a property, a field, `this`, `file`, or a variable of a lambda."""

    name: str


class Member(NamedTuple):
    """`object.name`."""

    target: Node
    name: str


class Index(NamedTuple):
    """`object[expression]`."""

    target: Node
    index: Node


class Call(NamedTuple):
    """`name(args)` (a function) or `object.name(args)` (a method: `target` is a Member)."""

    target: Node
    args: tuple[Node, ...]


class Unary(NamedTuple):
    """`!x` or `-x`."""

    op: str  # "!" or "-"
    operand: Node


class Binary(NamedTuple):
    """Arithmetic, comparison or boolean operators, spelled as in Bases (`==`, `&&`)."""

    op: str  # + - * / % == != < > <= >= && ||
    left: Node
    right: Node


class ListOf(NamedTuple):
    """`[a, b, c]`."""

    items: tuple[Node, ...]


class ObjectOf(NamedTuple):
    """`{a: 1, "b c": 2}`."""

    pairs: tuple[tuple[str, Node], ...]


class Lambda(NamedTuple):
    """Dataview's `(x, y) => expression`."""

    params: tuple[str, ...]
    body: Node


class LinkLiteral(NamedTuple):
    """Dataview's `[[Note]]` (or `![[Note]]`), resolved from the note the query is in."""

    target: str  # the text between the brackets, `Note#Heading|display`
    embed: bool


class DateWord(NamedTuple):
    """Dataview's `date(today)`, `date(sow)`: relative to the build's date."""

    word: str


Node = Const | Name | Member | Index | Call | Unary | Binary | ListOf | ObjectOf | Lambda
Node = Node | LinkLiteral | DateWord


def unquote(text: str, quote: str) -> str:
    """A quoted literal's text: `\\"` and `\\\\` unescaped, other escapes kept for regexes
    (Dataview's rule); Bases' single quotes too."""
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append(nxt if nxt in (quote, "\\") else {"n": "\n", "t": "\t"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)
