"""What the Bases and Dataview grammars build alike: member access, indexing, calls, list and
object literals, negation. Each language's transformer adds its own literals and operators."""

from __future__ import annotations

from lark import Transformer, v_args

from hortus.queries.syntax import Call, Const, Index, ListOf, Member, Node, ObjectOf, Unary


@v_args(inline=True)
class ExpressionTree(Transformer):
    """Lark parse trees to the expression records of `syntax`."""

    def member(self, target: Node, name: str) -> Member:
        return Member(target, str(name))

    def index(self, target: Node, index: Node) -> Index:
        return Index(target, index)

    def call(self, target: Node, args: list[Node] | None = None) -> Call:
        return Call(target, tuple(args or ()))

    def args(self, *items: Node) -> list[Node]:
        return list(items)

    def list_(self, items: list[Node] | None = None) -> ListOf:
        return ListOf(tuple(items or ()))

    def pairs(self, *pairs: tuple[str, Node]) -> list[tuple[str, Node]]:
        return list(pairs)

    def object_(self, pairs: list[tuple[str, Node]] | None = None) -> ObjectOf:
        return ObjectOf(tuple(pairs or ()))

    def not_(self, operand: Node) -> Unary:
        return Unary("!", operand)

    def neg(self, operand: Node) -> Node:
        if isinstance(operand, Const) and isinstance(operand.value, int | float):
            return Const(-operand.value)
        return Unary("-", operand)
