"""Dataview's functions, as its reference documents them: constructors (`date`, `dur`,
`link`, `list`, ...), numbers (`round`, `sum`, `average`, ...), lists, objects and text
(`contains`, `filter`, `map`, `join`, `regexreplace`, ...) and utilities (`default`,
`choice`, `dateformat`, `meta`, ...). Text functions given a list apply to each element
("vectorization")."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from functools import cmp_to_key

from hortus.queries.dates import (
    parse_date,
    parse_duration,
)
from hortus.queries.scope import Compiled, Context, Scope, link_value, relative_date
from hortus.queries.values import (
    Duration,
    Link,
    QueryError,
    Value,
    compare,
    equal,
    truthy,
    type_name,
)

Args = list[Compiled]


def strict(fn: Callable[..., Value]) -> Callable[[Scope, Args], Value]:
    """A function of its arguments' values (most are), given the context first."""
    return lambda s, args: fn(s.context, *(arg(s) for arg in args))


def each(fn: Callable[..., Value]) -> Callable[[Scope, Args], Value]:
    """Applied to each element when the first argument is a list."""

    def run(context: Context, first: Value = None, *rest: Value) -> Value:
        if isinstance(first, list):
            return [run(context, item, *rest) for item in first]
        return fn(context, first, *rest)

    return strict(run)


def text_only(fn: Callable[..., Value]) -> Callable[..., Value]:
    def run(context: Context, text: Value = None, *rest: Value) -> Value:
        if text is None:
            return None
        return fn(str(text), *rest)

    return run


def _date(context: Context, value: Value = None, pattern: Value = None) -> Value:
    if value is None or isinstance(value, dt.datetime):
        return value
    if isinstance(value, Link):
        page = context.garden.page(value.path) if value.url else None
        return _date(context, page.basename if page else value.path)
    text = str(value).strip()
    if pattern is not None:
        return _date_with_format(text, str(pattern))
    found = parse_date(text)
    if found is not None:
        return found
    try:
        return relative_date(text, context.garden)
    except QueryError:
        return None


_LUXON_TO_STRPTIME = {
    "yyyy": "%Y", "yy": "%y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%m", "dd": "%d",
    "d": "%d", "HH": "%H", "H": "%H", "mm": "%M", "m": "%M", "ss": "%S", "s": "%S",
}  # fmt: skip


def _date_with_format(text: str, pattern: str) -> Value:
    if pattern == "x":
        return dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=float(text))
    tokens = re.compile("|".join(sorted(map(re.escape, _LUXON_TO_STRPTIME), key=len, reverse=True)))
    try:
        return dt.datetime.strptime(
            text, tokens.sub(lambda m: _LUXON_TO_STRPTIME[m.group()], pattern)
        )
    except ValueError:
        return None


def _number(_c: Context, value: Value = None) -> Value:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    match = re.search(r"-?\d+(\.\d+)?", str(value)) if isinstance(value, str) else None
    return (float(match.group()) if "." in match.group() else int(match.group())) if match else None


def _link(context: Context, target: Value = None, display: Value = None) -> Value:
    if target is None:
        return None
    if isinstance(target, list):
        return [_link(context, t, display) for t in target]
    found = link_value(target, context)
    return (
        found._replace(display=str(display)) if found is not None and display is not None else found
    )


def _numbers(values: Value) -> list[float]:
    items = values if isinstance(values, list) else [values]
    return [v for v in items if isinstance(v, int | float) and not isinstance(v, bool)]


def _minmax(pick: Callable[[int], bool]) -> Callable[..., Value]:
    def run(_c: Context, *values: Value) -> Value:
        items = values[0] if len(values) == 1 and isinstance(values[0], list) else list(values)
        best = None
        for item in items:
            if best is None or pick(compare(item, best)):
                best = item
        return best

    return run


def _sum(context: Context, values: Value = None) -> Value:
    if not isinstance(values, list) or not values:
        return None
    total = values[0]
    for value in values[1:]:
        if isinstance(total, Duration) and isinstance(value, Duration):
            total = total.plus(value)
        elif isinstance(total, str) or isinstance(value, str):
            total = context.text(total) + context.text(value)
        elif total is None or value is None:
            total = None
        else:
            total = total + value
    return total


def _average(context: Context, values: Value = None) -> Value:
    if not isinstance(values, list) or not values:
        return None
    total = _sum(context, values)
    return total / len(values) if isinstance(total, int | float) else None


def _reduce(_c: Context, values: Value = None, op: Value = None) -> Value:
    if not isinstance(values, list) or not values:
        return None
    ops = {
        "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
        "/": lambda a, b: a / b, "&": lambda a, b: truthy(a) and truthy(b),
        "|": lambda a, b: truthy(a) or truthy(b),
    }  # fmt: skip
    if op not in ops:
        raise QueryError(f"reduce() does not know the operand {op!r}")
    result = values[0]
    for value in values[1:]:
        result = ops[op](result, value)
    return result


def _by(pick: Callable[[int], bool]) -> Callable[..., Value]:
    def run(_c: Context, values: Value = None, key: Value = None) -> Value:
        if not isinstance(values, list) or not values or not callable(key):
            return None
        best, best_key = values[0], key(values[0])
        for value in values[1:]:
            current = key(value)
            if pick(compare(current, best_key)):
                best, best_key = value, current
        return best

    return run


def _contains(fold: bool, exact: bool) -> Callable[..., Value]:
    def run(_c: Context, container: Value = None, wanted: Value = None) -> Value:
        if container is None:
            return False
        if isinstance(container, str):
            text, needle = (
                (container, str(wanted)) if not fold else (container.lower(), str(wanted).lower())
            )
            return needle in text
        if isinstance(container, list):
            if exact:
                return any(equal(item, wanted) for item in container)
            return any(
                run(_c, item, wanted) if isinstance(item, str) else equal(item, wanted)
                for item in container
            )
        if isinstance(container, dict) or hasattr(container, "keys"):
            keys = list(container.keys())
            return any(k.lower() == str(wanted).lower() if fold else k == wanted for k in keys)
        return equal(container, wanted)

    return run


def _containsword(_c: Context, container: Value = None, word: Value = None) -> Value:
    pattern = re.compile(r"(?:^|\W)" + re.escape(str(word)) + r"(?:$|\W)", re.IGNORECASE)
    if isinstance(container, list):
        return [bool(pattern.search(str(item))) for item in container]
    return bool(pattern.search(str(container))) if container is not None else False


def _length(_c: Context, value: Value = None) -> Value:
    if isinstance(value, list | str | dict):
        return len(value)
    if hasattr(value, "keys"):
        return len(value.keys())
    return 0


def _sorted(_c: Context, values: Value = None, key: Value = None) -> Value:
    if not isinstance(values, list):
        return values
    if callable(key):
        return sorted(values, key=cmp_to_key(lambda a, b: compare(key(a), key(b))))
    return sorted(values, key=cmp_to_key(compare))


def _predicate(kind: str) -> Callable[..., Value]:
    def run(_c: Context, *args: Value) -> Value:
        test = args[1] if len(args) == 2 and callable(args[1]) else truthy
        items = (
            args[0]
            if len(args) in (1, 2)
            and isinstance(args[0], list)
            and (len(args) == 1 or callable(args[1]))
            else list(args)
        )
        results = [truthy(test(item)) for item in items]
        return {"all": all(results), "any": any(results), "none": not any(results)}[kind]

    return run


def _join(context: Context, values: Value = None, separator: Value = ", ") -> Value:
    items = values if isinstance(values, list) else [values]
    return str(separator).join(context.text(v) for v in items)


def _unique(_c: Context, values: Value = None) -> Value:
    out: list = []
    for value in values if isinstance(values, list) else []:
        if not any(equal(value, seen) for seen in out):
            out.append(value)
    return out


def _flat(_c: Context, values: Value = None, depth: Value = 1) -> Value:
    if not isinstance(values, list):
        return values
    out: list = []
    for value in values:
        if isinstance(value, list) and isinstance(depth, int | float) and depth > 0:
            out.extend(_flat(_c, value, depth - 1))
        else:
            out.append(value)
    return out


def _slice(_c: Context, values: Value = None, start: Value = None, end: Value = None) -> Value:
    if not isinstance(values, list | str):
        return values
    return values[None if start is None else int(start) : None if end is None else int(end)]


def _object(_c: Context, *pairs: Value) -> Value:
    if len(pairs) % 2:
        raise QueryError("object() needs keys and values in pairs")
    return {str(pairs[i]): pairs[i + 1] for i in range(0, len(pairs), 2)}


def _extract(_c: Context, obj: Value = None, *keys: Value) -> Value:
    get = obj.get if hasattr(obj, "get") else (lambda _k: None)
    return {str(k): get(str(k)) for k in keys}


def _round(_c: Context, number: Value = None, digits: Value = None) -> Value:
    if not isinstance(number, int | float):
        return None
    places = int(digits or 0)
    factor = 10**places
    value = math.floor(number * factor + 0.5) / factor
    return int(value) if places == 0 else value


def _typeof(_c: Context, value: Value = None) -> str:
    kind = type_name(value)
    return "link" if kind == "file" else kind


FUNCTIONS: dict[str, Callable[[Scope, Args], Value]] = {
    "object": strict(_object),
    "list": strict(lambda _c, *v: list(v)),
    "array": strict(lambda _c, *v: list(v)),
    "date": strict(_date),
    "dur": strict(
        lambda _c, v=None: (
            v if isinstance(v, Duration) else parse_duration(str(v)) if v is not None else None
        )
    ),
    "number": strict(_number),
    "string": strict(lambda c, v=None: c.text(v)),
    "link": strict(_link),
    "embed": strict(
        lambda c, v=None, e=True: v._replace(embed=bool(e)) if isinstance(v, Link) else None
    ),
    "elink": strict(
        lambda _c, url=None, d=None: (
            Link(str(url), None if d is None else str(d), str(url)) if url else None
        )
    ),
    "typeof": strict(_typeof),
    "round": strict(_round),
    "trunc": strict(lambda _c, n=None: math.trunc(n) if isinstance(n, int | float) else None),
    "floor": strict(lambda _c, n=None: math.floor(n) if isinstance(n, int | float) else None),
    "ceil": strict(lambda _c, n=None: math.ceil(n) if isinstance(n, int | float) else None),
    "min": strict(_minmax(lambda order: order < 0)),
    "max": strict(_minmax(lambda order: order > 0)),
    "sum": strict(_sum),
    "product": strict(lambda c, v=None: _reduce(c, v, "*")),
    "reduce": strict(_reduce),
    "average": strict(_average),
    "minby": strict(_by(lambda order: order < 0)),
    "maxby": strict(_by(lambda order: order > 0)),
    "contains": strict(_contains(fold=False, exact=False)),
    "icontains": strict(_contains(fold=True, exact=False)),
    "econtains": strict(_contains(fold=False, exact=True)),
    "containsword": strict(_containsword),
    "extract": strict(_extract),
    "sort": strict(_sorted),
    "reverse": strict(lambda _c, v=None: v[::-1] if isinstance(v, list | str) else v),
    "length": strict(_length),
    "nonnull": strict(
        lambda _c, v=None: [x for x in v if x is not None] if isinstance(v, list) else v
    ),
    "firstvalue": strict(
        lambda _c, v=None: next((x for x in v if x is not None), None) if isinstance(v, list) else v
    ),
    "all": strict(_predicate("all")),
    "any": strict(_predicate("any")),
    "none": strict(_predicate("none")),
    "join": strict(_join),
    "filter": strict(
        lambda _c, v=None, f=None: (
            [x for x in v if truthy(f(x))] if isinstance(v, list) and callable(f) else v
        )
    ),
    "map": strict(
        lambda _c, v=None, f=None: [f(x) for x in v] if isinstance(v, list) and callable(f) else v
    ),
    "unique": strict(_unique),
    "flat": strict(_flat),
    "slice": strict(_slice),
}
