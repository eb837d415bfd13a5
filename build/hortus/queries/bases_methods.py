"""The methods of Bases' types, as its help lists them: text (`"a".lower()`), numbers
(`(2.5).round()`), dates (`date.format("YYYY")`), lists (`[1, 2].filter(value > 1)`), files
(`file.hasTag("x")`), links, objects, regular expressions, and those of any value. List
methods that take an expression (`filter`, `map`, `reduce`) evaluate it per element with
`value`, `index` and `acc` bound."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from hortus.queries.dates import moment_format, relative_text
from hortus.queries.display import value_text
from hortus.queries.scope import Compiled, Scope, link_value
from hortus.queries.values import (
    NESTED_TOO_DEEP,
    PYTHON_ERRORS,
    FileRef,
    Link,
    Pattern,
    QueryError,
    Value,
    compare,
    equal,
    needs_arguments,
    number_text,
    truthy,
    type_name,
)

Args = list[Compiled]


def _values(s: Scope, args: Args) -> list[Value]:
    return [arg(s) for arg in args]


# Methods, by the type of the value they are called on: (scope, value, args) -> value.
Method = Callable[[Scope, Value, Args], Value]


def _text_method(fn: Callable[..., Value]) -> Method:
    return lambda s, v, a: fn(v, *_values(s, a))


def _contains_all(items: Any, wanted: list) -> bool:
    return all(_has(items, w) for w in wanted)


def _has(items: Any, wanted: Value) -> bool:
    if isinstance(items, str):
        return str(wanted) in items
    return any(equal(item, wanted) for item in items)


def _replace(text: str, pattern: Value, replacement: str = "") -> str:
    if isinstance(pattern, Pattern):
        js = re.sub(r"\$(\d)", r"\\\1", str(replacement))
        return pattern.regex.sub(js, text, count=0 if pattern.global_ else 1)
    return text.replace(str(pattern), str(replacement))


def _split(text: str, separator: Value, limit: Value = None) -> list[str]:
    if isinstance(separator, Pattern):
        parts = separator.regex.split(text)
    else:
        parts = text.split(str(separator)) if separator != "" else list(text)
    return parts[: int(limit)] if isinstance(limit, int | float) else parts


def _round(number: float, digits: Value = None) -> float:
    places = int(digits) if isinstance(digits, int | float) else 0
    factor = 10**places
    rounded = math.floor(number * factor + 0.5) / factor  # JavaScript rounds halves up
    return int(rounded) if places == 0 else rounded


def to_fixed(number: float, digits: Value = None) -> str:
    """JavaScript's `toFixed`: the exact binary value rounded half away from zero (so
    `(0.125).toFixed(2)` is `0.13` but `(1.005).toFixed(2)` is `1.00`), and the plain
    `String()` of a number too large or not finite."""
    places = digits if isinstance(digits, int | float) and not math.isnan(digits) else 0
    if not 0 <= places <= 100:
        raise QueryError("toFixed() takes 0 to 100 digits")
    if not math.isfinite(number) or abs(number) >= 1e21:
        return number_text(float(number))
    exact = Decimal(0 if number == 0 else number)  # -0 is written `0`, as JavaScript does
    step = Decimal(1).scaleb(-int(places))
    # room for 21 digits before the point and 100 after it
    return f"{exact.quantize(step, rounding=ROUND_HALF_UP, context=Context(prec=130)):f}"


STRING: dict[str, Method] = {
    "contains": _text_method(lambda t, x: str(x) in t),
    "containsAll": lambda s, v, a: _contains_all(v, _values(s, a)),
    "containsAny": lambda s, v, a: any(_has(v, w) for w in _values(s, a)),
    "endsWith": _text_method(lambda t, x: t.endswith(str(x))),
    "startsWith": _text_method(lambda t, x: t.startswith(str(x))),
    "isEmpty": lambda s, v, a: v == "",
    "lower": _text_method(str.lower),
    "upper": _text_method(str.upper),
    "replace": _text_method(_replace),
    "repeat": _text_method(lambda t, n: t * max(0, int(n))),
    "reverse": _text_method(lambda t: t[::-1]),
    "slice": _text_method(
        lambda t, start, end=None: t[int(start) : None if end is None else int(end)]
    ),
    "split": _text_method(_split),
    "title": _text_method(lambda t: re.sub(r"\b\w", lambda m: m.group().upper(), t)),
    "trim": _text_method(str.strip),
}

NUMBER: dict[str, Method] = {
    "abs": _text_method(abs),
    "ceil": _text_method(math.ceil),
    "floor": _text_method(math.floor),
    "isEmpty": lambda s, v, a: False,
    "round": _text_method(_round),
    "toFixed": _text_method(to_fixed),
}

DATE: dict[str, Method] = {
    "date": _text_method(lambda d: dt.datetime(d.year, d.month, d.day)),
    "format": _text_method(moment_format),
    "time": _text_method(lambda d: d.strftime("%H:%M:%S")),
    "relative": lambda s, v, a: relative_text(v, s.context.garden.now),
    "isEmpty": lambda s, v, a: False,
}


def _filter(s: Scope, items: list, args: Args) -> list:
    test = args[0]
    return [v for i, v in enumerate(items) if truthy(test(s.bound(value=v, index=i)))]


def _map(s: Scope, items: list, args: Args) -> list:
    make = args[0]
    return [make(s.bound(value=v, index=i)) for i, v in enumerate(items)]


def _reduce(s: Scope, items: list, args: Args) -> Value:
    step = args[0]
    acc = args[1](s) if len(args) > 1 else None
    for i, v in enumerate(items):
        acc = step(s.bound(value=v, index=i, acc=acc))
    return acc


def _flat(items: list) -> list:
    out: list = []
    for item in items:
        out.extend(item if isinstance(item, list) else [item])
    return out


def _unique(items: list) -> list:
    out: list = []
    for item in items:
        if not any(equal(item, seen) for seen in out):
            out.append(item)
    return out


LIST: dict[str, Method] = {
    "contains": lambda s, v, a: _has(v, a[0](s)) if a else False,
    "containsAll": lambda s, v, a: _contains_all(v, _values(s, a)),
    "containsAny": lambda s, v, a: any(_has(v, w) for w in _values(s, a)),
    "filter": lambda s, v, a: _filter(s, v, a),
    "map": lambda s, v, a: _map(s, v, a),
    "reduce": lambda s, v, a: _reduce(s, v, a),
    "flat": _text_method(_flat),
    "isEmpty": lambda s, v, a: len(v) == 0,
    "join": lambda s, v, a: (value_text(a[0](s), "bases") if a else ",").join(
        "" if x is None else value_text(x, "bases")  # JavaScript joins null as nothing
        for x in v
    ),
    "reverse": _text_method(lambda items: items[::-1]),
    "slice": _text_method(
        lambda items, start, end=None: items[int(start) : None if end is None else int(end)]
    ),
    "sort": _text_method(lambda items: sorted(items, key=_SortKey)),
    "unique": _text_method(_unique),
}


class _SortKey:
    __slots__ = ("value",)

    def __init__(self, value: Value) -> None:
        self.value = value

    def __lt__(self, other: _SortKey) -> bool:
        return compare(self.value, other.value) < 0


def _page_of(s: Scope, value: Value) -> Any:
    link = link_value(value, s.context)
    return s.context.garden.page(link.path) if link is not None and link.url else None


def _has_tag(s: Scope, file: FileRef, args: Args) -> bool:
    page = s.context.garden.page(file.path)
    if page is None:
        return False
    own = [t.casefold().lstrip("#") for t in page.tags]
    for wanted in _values(s, args):
        tag = str(wanted).casefold().lstrip("#")
        if any(t == tag or t.startswith(tag + "/") for t in own):
            return True
    return False


def _in_folder(s: Scope, file: FileRef, args: Args) -> bool:
    folder = str(args[0](s) if args else "").strip("/").casefold()
    path = file.path.casefold()
    return not folder or path.startswith(folder + "/")


def _has_link(s: Scope, file: FileRef, args: Args) -> bool:
    page = s.context.garden.page(file.path)
    target = _page_of(s, args[0](s)) if args else None
    if page is None or target is None:
        return False
    return any(link.path == target.path for link in page.links)


def _has_property(s: Scope, file: FileRef, args: Args) -> bool:
    page = s.context.garden.page(file.path)
    return page is not None and bool(args) and str(args[0](s)) in page.properties


def _as_link(s: Scope, file: FileRef, args: Args) -> Value:
    page = s.context.garden.page(file.path)
    if page is None:
        return None
    display = value_text(args[0](s), "bases") if args else None
    return page.link(display)


FILE: dict[str, Method] = {
    "asLink": _as_link,
    "hasLink": _has_link,
    "hasProperty": _has_property,
    "hasTag": _has_tag,
    "inFolder": _in_folder,
}

LINK: dict[str, Method] = {
    "asFile": lambda s, v, a: (
        FileRef(v.path) if v.url is not None and s.context.garden.page(v.path) else None
    ),
    "linksTo": lambda s, v, a: _links_to(s, v, a),
}


def _links_to(s: Scope, link: Link, args: Args) -> bool:
    page = _page_of(s, link)
    target = _page_of(s, args[0](s)) if args else None
    return (
        page is not None and target is not None and any(x.path == target.path for x in page.links)
    )


OBJECT: dict[str, Method] = {
    "isEmpty": lambda s, v, a: len(v) == 0,
    "keys": lambda s, v, a: list(v),
    "values": lambda s, v, a: list(v.values()),
}

ANY: dict[str, Method] = {
    "isTruthy": lambda s, v, a: truthy(v),
    "isType": lambda s, v, a: _is_type(v, str(a[0](s)) if a else ""),
    "toString": lambda s, v, a: value_text(v, "bases"),
    "isEmpty": lambda s, v, a: v is None,
}


def _is_type(value: Value, name: str) -> bool:
    kind = {"array": "list", "regexp": "regexp"}.get(type_name(value), type_name(value))
    return kind == name.lower() or (name.lower() == "array" and kind == "list")


def _methods_for(value: Value) -> dict[str, Method]:
    if isinstance(value, FileRef):
        return FILE
    if isinstance(value, Link):
        return LINK
    if isinstance(value, Pattern):
        return {"matches": lambda s, v, a: bool(v.regex.search(str(a[0](s)))) if a else False}
    if isinstance(value, str):
        return STRING
    if isinstance(value, bool) or value is None:
        return {}
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, dt.datetime):
        return DATE
    if isinstance(value, list):
        return LIST
    if isinstance(value, dict):
        return OBJECT
    return {}


# How many arguments each method needs (of any type having it), as Obsidian's help writes
# their signatures; the others need none.
_MIN_ARGUMENTS: dict[str, int] = {
    "contains": 1, "containsAll": 1, "containsAny": 1, "endsWith": 1, "startsWith": 1,
    "replace": 1, "repeat": 1, "slice": 1, "split": 1, "format": 1, "filter": 1, "map": 1,
    "reduce": 1, "hasLink": 1, "hasProperty": 1, "hasTag": 1, "inFolder": 1, "linksTo": 1,
    "isType": 1, "matches": 1,
}  # fmt: skip


def bases_method(target: Compiled, name: str, args: Args) -> Compiled:
    """`target.name(args)`: the method of the value's type, or of any value."""
    wanted = _MIN_ARGUMENTS.get(name, 0)

    def call(s: Scope) -> Value:
        value = target(s)
        method = _methods_for(value).get(name) or ANY.get(name)
        if method is None:
            if value is None:
                return None  # a missing property: its methods give nothing, as in Obsidian
            kind = type_name(value)
            raise QueryError(f"{kind} has no function {name}()")
        if len(args) < wanted:
            raise needs_arguments(name, wanted)
        try:
            return method(s, value, args)
        except RecursionError:
            raise QueryError(NESTED_TOO_DEEP) from None
        except PYTHON_ERRORS as exc:
            raise QueryError(f"{name}(): {exc}") from None

    return call
