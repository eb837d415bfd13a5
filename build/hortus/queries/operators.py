"""The binary operators of each dialect. Dataview's follow its dispatch table (a string plus
anything is text, a date minus a date is a duration, every value compares with every other);
Bases' follow JavaScript, as its help says (a date minus a date is milliseconds, a duration
may be written as text: `now() - "1 week"`, a comparison across types is false)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from hortus.queries.dates import add, between, parse_duration
from hortus.queries.values import (
    Duration,
    QueryError,
    Value,
    compare,
    equal,
    type_name,
)

Stringify = Callable[[Value], str]


def _number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _arith(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        if op == "%":
            return math.nan
        return math.nan if a == 0 else math.copysign(math.inf, a) * math.copysign(1, b)
    if op == "/":
        result = a / b
        return (
            int(result)
            if isinstance(a, int) and isinstance(b, int) and result.is_integer()
            else result
        )
    return math.fmod(a, b)


def _no_operator(op: str, a: Value, b: Value) -> QueryError:
    return QueryError(f"No implementation found for '{type_name(a)} {op} {type_name(b)}'")


def dataview_binary(op: str, a: Value, b: Value, text: Stringify) -> Value:
    """Dataview's `a op b` for + - * / % and the comparisons."""
    if op in ("==", "!=", "<", ">", "<=", ">="):
        order = compare(a, b)
        return {
            "==": order == 0, "!=": order != 0, "<": order < 0, ">": order > 0,
            "<=": order <= 0, ">=": order >= 0,
        }[op]  # fmt: skip
    if _number(a) and _number(b):
        return _arith(op, a, b)
    if op == "+" and (isinstance(a, str) or isinstance(b, str)):
        return text(a) + text(b)
    if op == "*" and isinstance(a, str) and _number(b):
        return a * int(b) if b >= 0 else ""
    if op == "*" and _number(a) and isinstance(b, str):
        return b * int(a) if a >= 0 else ""
    if (a is None and b is None) or (a is None and isinstance(b, dt.datetime)):
        return None
    if b is None and isinstance(a, dt.datetime) and op in "+-":
        return None
    return _dates_and_more(op, a, b, subtract_dates=between)


def _dates_and_more(
    op: str, a: Value, b: Value, subtract_dates: Callable[[dt.datetime, dt.datetime], Value]
) -> Value:
    if isinstance(a, dt.datetime) and isinstance(b, Duration) and op in "+-":
        return add(a, b, 1 if op == "+" else -1)
    if isinstance(a, Duration) and isinstance(b, dt.datetime) and op == "+":
        return add(b, a)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime) and op == "-":
        return subtract_dates(a, b)
    if isinstance(a, Duration) and isinstance(b, Duration) and op in "+-":
        return a.plus(b, 1 if op == "+" else -1)
    if isinstance(a, Duration) and _number(b) and op in "*/":
        if op == "/" and b == 0:
            raise QueryError("division of a duration by zero")
        return a.scaled(b if op == "*" else 1 / b)
    if _number(a) and isinstance(b, Duration) and op == "*":
        return b.scaled(a)
    if isinstance(a, list) and isinstance(b, list) and op == "+":
        return a + b
    if isinstance(a, dict) and isinstance(b, dict) and op == "+":
        return {**a, **b}
    raise _no_operator(op, a, b)


def _ms_between(later: dt.datetime, earlier: dt.datetime) -> float:
    return (later - earlier).total_seconds() * 1000


def bases_binary(op: str, a: Value, b: Value, text: Stringify) -> Value:
    """Bases' `a op b` for + - * / % and the comparisons (JavaScript's rules)."""
    if op == "==":
        return _loose_equal(a, b)
    if op == "!=":
        return not _loose_equal(a, b)
    if op in ("<", ">", "<=", ">="):
        return _bases_order(op, a, b)
    if isinstance(a, dt.datetime) and isinstance(b, str):
        duration = parse_duration(b)
        if duration is None:
            raise QueryError(f'{b!r} is not a duration (like "1 week" or "2h")')
        b = duration
    if _number(a) and _number(b):
        return _arith(op, a, b)
    if op == "+" and (isinstance(a, str) or isinstance(b, str)):
        return text(a) + text(b)
    if a is None or b is None:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return _arith(op, float(a), float(b)) if _number(a) or _number(b) else None
    return _dates_and_more(op, a, b, subtract_dates=_ms_between)


def _loose_equal(a: Value, b: Value) -> bool:
    if (_number(a) and isinstance(b, str)) or (isinstance(a, str) and _number(b)):
        try:
            return float(a) == float(b)
        except ValueError:
            return False
    return equal(a, b)


def _bases_order(op: str, a: Value, b: Value) -> bool:
    if a is None or b is None:
        return False
    if (isinstance(a, dt.datetime) and isinstance(b, str)) or (
        isinstance(b, dt.datetime) and isinstance(a, str)
    ):
        return False
    kinds = {type_name(a), type_name(b)}
    if len(kinds) > 1 and kinds != {"number", "boolean"}:
        if kinds == {"number", "string"}:
            try:
                a, b = float(a), float(b)
            except ValueError:
                return False
        else:
            return False
    order = compare(a, b)
    return {"<": order < 0, ">": order > 0, "<=": order <= 0, ">=": order >= 0}[op]
