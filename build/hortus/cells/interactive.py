"""A cell's code run as IPython runs it: statement by statement in the note's namespace, with
the value of an expression shown as Jupyter shows it, for the statements that IPython's
`ast_node_interactivity` (Quarto's `ipynb-shell-interactivity`) names: the last expression
(`last_expr`, the default), every top-level expression (`all`), the last statement (`last`),
the last expression or assignment (`last_expr_or_assign`), or none (`none`)."""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Callable
from typing import Any

Show = Callable[[Any], None]


def run_statements(
    tree: ast.Module, filename: str, namespace: dict[str, Any], interactivity: str, show: Show
) -> None:
    """Run `tree` (a cell's code, parsed) in `namespace`; `show` each value to be shown."""
    shown = _shown_statements(tree.body, interactivity)
    pending: list[ast.stmt] = []
    for statement in tree.body:
        if statement not in shown:
            pending.append(statement)
            continue
        _run_block(pending, filename, namespace)
        pending = []
        if isinstance(statement, ast.Expr):
            code = compile(ast.Expression(statement.value), filename, "eval")
            value = eval(code, namespace)
            if not _is_claim_call(statement.value):  # a claim shows as its badge, not `True`
                show(value)
        else:  # an assignment shown by its target's value
            _run_block([statement], filename, namespace)
            target = _assigned_name(statement)
            if target is not None:
                show(namespace.get(target))
    _run_block(pending, filename, namespace)


def _run_block(statements: list[ast.stmt], filename: str, namespace: dict[str, Any]) -> None:
    if statements:
        module = ast.Module(body=statements, type_ignores=[])
        exec(compile(module, filename, "exec"), namespace)


def _shown_statements(body: list[ast.stmt], interactivity: str) -> list[ast.stmt]:
    if not body or interactivity == "none":
        return []
    last = body[-1]
    if interactivity == "all":
        return [s for s in body if isinstance(s, ast.Expr)]
    if interactivity == "last_expr_or_assign" and _assigned_name(last) is not None:
        return [last]
    return [last] if isinstance(last, ast.Expr) else []


def _assigned_name(statement: ast.stmt) -> str | None:
    """`x = ...`, `x += ...`, `x: int = ...` -> `x`; None for anything else."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target: ast.expr = statement.targets[0]
    elif isinstance(statement, ast.AugAssign | ast.AnnAssign) and statement.value is not None:
        target = statement.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def _is_claim_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id == "claim")
        or (isinstance(node.func, ast.Attribute) and node.func.attr == "claim")
    )


def ends_with_semicolon(source: str) -> bool:
    """Whether the cell's code ends with `;`: then, as in Jupyter, it shows no value."""
    skip = {tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    for token in reversed(tokens):
        if token.type == tokenize.ENDMARKER or token.type in skip:
            continue
        return token.type == tokenize.OP and token.string == ";"
    return False
