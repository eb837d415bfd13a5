"""The model of an Obsidian base: its YAML (`filters`, `formulas`, `properties` with display
names, `summaries`, `views` of type table, cards or list, each with its own filters, `order`,
`sort`, `groupBy`, `limit` and `summaries`), read and checked, with the line of what is
wrong."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import yaml

from hortus.queries.values import QueryError

# A filter: a statement (text), or {"and" | "or" | "not": [filters]}.
Filter = str | tuple[str, tuple["Filter", ...]]


class View(NamedTuple):
    """One view of a base."""

    name: str
    kind: str  # "table", "cards" or "list" (another layout is shown as a table)
    filters: Filter | None
    order: tuple[str, ...]  # the properties shown, in order (`file.name`, `note.x`, ...)
    sort: tuple[tuple[str, bool], ...]  # (property, descending)
    group_by: tuple[str, bool] | None  # (property, descending)
    limit: int | None
    summaries: dict[str, str]  # property -> summary name (`Average`, or one of the base's)
    image: str | None  # cards: the property holding the cover image


class Base(NamedTuple):
    """A base: what every view shares, and the views."""

    filters: Filter | None
    formulas: dict[str, str]  # name -> formula text
    display_names: dict[str, str]  # property -> heading
    summaries: dict[str, str]  # name -> summary formula over `values`
    views: tuple[View, ...]


def parse_base(text: str) -> Base:
    """The base a `.base` file or ```base block holds; QueryError says what is wrong."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise QueryError(f"{where}invalid YAML ({problem})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise QueryError("a base is a mapping of `filters`, `formulas`, `properties`, `views`")
    formulas = _mapping(data.get("formulas"), "formulas")
    properties = _mapping(data.get("properties"), "properties")
    display = {
        _property_id(key): str(value.get("displayName"))
        for key, value in properties.items()
        if isinstance(value, dict) and value.get("displayName") not in (None, "")
    }
    views = data.get("views")
    if views is None:
        views = [{"type": "table", "name": "Table"}]
    if not isinstance(views, list):
        raise QueryError("`views` should be a list of views")
    return Base(
        filters=_filter(data.get("filters"), "filters"),
        formulas={str(k): str(v) for k, v in formulas.items() if v is not None},
        display_names=display,
        summaries={str(k): str(v) for k, v in _mapping(data.get("summaries"), "summaries").items()},
        views=tuple(_view(view, number) for number, view in enumerate(views, start=1)),
    )


def _mapping(value: Any, name: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise QueryError(f"`{name}` should be a mapping")
    return value


def _filter(value: Any, where: str) -> Filter | None:
    if value is None:
        return None
    if isinstance(value, str | int | float | bool):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, dict) and len(value) == 1:
        ((key, items),) = value.items()
        if key in ("and", "or", "not"):
            if items is None:
                items = []
            if not isinstance(items, list):
                items = [items]
            return (key, tuple(f for f in (_filter(i, where) for i in items) if f is not None))
    raise QueryError(f"`{where}` should be a statement or one of `and`, `or`, `not` with a list")


def _property_id(name: Any) -> str:
    """`price` and `note.price` name one property; `file.x` and `formula.x` keep theirs."""
    text = str(name).strip()
    if text.startswith(("file.", "formula.", "note.")):
        return text
    return "note." + text


def _view(view: Any, number: int) -> View:
    if not isinstance(view, dict):
        raise QueryError(f"view {number} should be a mapping (type, name, order, ...)")
    name = str(view.get("name") or f"View {number}")
    kind = str(view.get("type") or "table").lower()
    order = view.get("order") or []
    if not isinstance(order, list):
        raise QueryError(f"view {name!r}: `order` should be a list of properties")
    limit = view.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        raise QueryError(f"view {name!r}: `limit` should be a whole number")
    summaries = _mapping(view.get("summaries"), f"view {name!r}: summaries")
    image = view.get("image")
    return View(
        name=name,
        kind=kind if kind in ("table", "cards", "list") else "table",
        filters=_filter(view.get("filters"), f"view {name!r}: filters"),
        order=tuple(_property_id(p) for p in order if p is not None),
        sort=tuple(_sort(view.get("sort"), name)),
        group_by=_group_by(view.get("groupBy"), name),
        limit=limit,
        summaries={_property_id(k): str(v) for k, v in summaries.items()},
        image=_property_id(image) if image else None,
    )


def _direction(value: Any) -> bool:
    return str(value or "ASC").upper().startswith("DESC")


def _sort(value: Any, view: str) -> list[tuple[str, bool]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise QueryError(f"view {view!r}: `sort` should be a list of property and direction")
    keys = []
    for item in value:
        if isinstance(item, dict) and item.get("property"):
            keys.append((_property_id(item["property"]), _direction(item.get("direction"))))
        elif isinstance(item, str):
            keys.append((_property_id(item), False))
    return keys


def _group_by(value: Any, view: str) -> tuple[str, bool] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _property_id(value), False
    if isinstance(value, dict) and value.get("property"):
        return _property_id(value["property"]), _direction(value.get("direction"))
    raise QueryError(f"view {view!r}: `groupBy` should name a property")


def heading_of(prop: str, base: Base) -> str:
    """A column's heading: its display name, else the property's name."""
    if prop in base.display_names:
        return base.display_names[prop]
    kind, _, name = prop.partition(".")
    return f"file {name}" if kind == "file" else name


def line_of(fragment: str, text: str) -> int | None:
    """The 1-based line of the base's text where `fragment` (a statement) is written."""
    probe = fragment.strip()[:40]
    if not probe:
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if probe in line:
            return number
    words = re.escape(probe.split()[0]) if probe.split() else ""
    for number, line in enumerate(text.split("\n"), start=1):
        if words and re.search(words, line):
            return number
    return None
