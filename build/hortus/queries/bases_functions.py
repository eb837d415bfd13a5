"""The global functions of Bases, as its help lists them: `if`, `date`, `duration`, `link`,
`list`, `now`, `today`, `number`, `image`, ... (the methods of each type are in
bases_methods)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

from hortus.queries.dates import parse_date, parse_duration
from hortus.queries.display import Icon, Picture, value_text
from hortus.queries.scope import Compiled, Scope, link_value
from hortus.queries.values import (
    Duration,
    FileRef,
    Link,
    QueryError,
    Value,
    truthy,
)

Args = list[Compiled]


def _values(s: Scope, args: Args) -> list[Value]:
    return [arg(s) for arg in args]


def _date(s: Scope, args: Args) -> Value:
    value = args[0](s) if args else None
    if isinstance(value, dt.datetime) or value is None:
        return value
    parsed = parse_date(str(value))
    if parsed is None:
        raise QueryError(f"date() cannot read {value!r} (write YYYY-MM-DD HH:mm:ss)")
    return parsed


def _duration(s: Scope, args: Args) -> Value:
    value = args[0](s) if args else None
    if isinstance(value, Duration) or value is None:
        return value
    parsed = parse_duration(str(value))
    if parsed is None:
        raise QueryError(f"duration() cannot read {value!r}")
    return parsed


def _if(s: Scope, args: Args) -> Value:
    if len(args) < 2:
        raise QueryError("if() needs a condition and a result")
    if truthy(args[0](s)):
        return args[1](s)
    return args[2](s) if len(args) > 2 else None


def _number(s: Scope, args: Args) -> Value:
    value = args[0](s) if args else None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float) or value is None:
        return value
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1970, 1, 1)).total_seconds() * 1000
    try:
        return float(str(value).strip())
    except ValueError:
        raise QueryError(f"number() cannot read {value!r}") from None


def _link(s: Scope, args: Args) -> Value:
    values = _values(s, args)
    if not values or values[0] is None:
        return None
    target = values[0]
    if isinstance(target, str) and re.match(r"^[a-z][a-z0-9+.-]*://", target, re.I):
        return Link(target, value_text(values[1], "bases") if len(values) > 1 else None, target)
    found = link_value(target, s.context)
    if found is not None and len(values) > 1 and values[1] is not None:
        found = found._replace(display=value_text(values[1], "bases"))
    return found


def _image(s: Scope, args: Args) -> Value:
    value = args[0](s) if args else None
    if value is None:
        return None
    if isinstance(value, str) and re.match(r"^https?://", value, re.I):
        return Picture(value, None, value)
    return Picture(*(_attachment(value, s) or Link(str(value))))


def _attachment(value: Value, s: Scope) -> Link | None:
    """An image a base names: published with the site only when a published note embeds it
    too (hortus copies no other file); otherwise shown as its name."""
    text = value.path if isinstance(value, Link) else str(value)
    text = text[2:-2] if text.startswith("[[") and text.endswith("]]") else text
    url = s.context.garden.attachment_url(text.partition("|")[0], s.context.source)
    return Link(text, None, url) if url else None


def _extremum(pick: Callable[[list], Any]) -> Callable[[Scope, Args], Value]:
    def run(s: Scope, args: Args) -> Value:
        numbers = [v for v in _values(s, args) if isinstance(v, int | float)]
        return pick(numbers) if numbers else None

    return run


GLOBALS: dict[str, Callable[[Scope, Args], Value]] = {
    "escapeHTML": lambda s, a: html.escape(value_text(a[0](s), "bases")) if a else "",
    "date": _date,
    "duration": _duration,
    "file": lambda s, a: _file(a[0](s), s) if a else None,
    "html": lambda s, a: value_text(a[0](s), "bases") if a else "",
    "if": _if,
    "image": _image,
    "icon": lambda s, a: Icon(value_text(a[0](s), "bases")) if a else None,
    "link": _link,
    "list": lambda s, a: (v if isinstance(v := a[0](s), list) else [v]) if a else [],
    "max": _extremum(max),
    "min": _extremum(min),
    "now": lambda s, a: s.context.garden.now,
    "number": _number,
    "today": lambda s, a: s.context.garden.today,
    "random": lambda s, a: s.context.rng.random(),
}


# How many arguments each function needs, as its signature in Obsidian's help reads; a call
# with fewer is an error of the formula, not a value computed from nothing.
MIN_ARGUMENTS: dict[str, int] = {
    "escapeHTML": 1, "date": 1, "duration": 1, "file": 1, "html": 1, "if": 2, "image": 1,
    "icon": 1, "link": 1, "list": 1, "max": 1, "min": 1, "number": 1,
}  # fmt: skip


def _file(value: Value, s: Scope) -> Value:
    link = link_value(value, s.context)
    return FileRef(link.path) if link is not None and link.url is not None else None
