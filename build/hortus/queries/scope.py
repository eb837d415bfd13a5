"""What an expression is evaluated in: the query's context (the garden, the note it is in,
a base's formulas) and the scope of one evaluation (the row, bound variables)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hortus.queries.display import value_text
from hortus.queries.summary import Garden, PageSummary
from hortus.queries.values import FileRef, Link, QueryError, Value


@dataclass
class Context:
    """What a query is evaluated against: the garden, the note it is written in, and the
    formulas of a base."""

    garden: Garden
    dialect: str  # "bases" or "dataview"
    source: str  # vault path of the note the query is written in (links resolve from it)
    this: PageSummary | None  # `this`: the note holding the query (or embedding the base)
    formulas: dict[str, Callable[[Scope], Value]] = field(default_factory=dict)
    seed: str = ""  # makes Bases' random() the same on every build of the same input
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def bases(self) -> bool:
        return self.dialect == "bases"

    def text(self, value: Value) -> str:
        return value_text(value, self.dialect, self.garden.language)


class Scope:
    """One evaluation: the row, the variables bound by lambdas and list methods, and the
    formulas already computed for the row (a base's formulas may use each other)."""

    __slots__ = ("computing", "context", "formula_values", "row", "vars")

    def __init__(self, context: Context, row: Any, variables: dict | None = None) -> None:
        self.context = context
        self.row = row
        self.vars = variables or {}
        self.formula_values: dict[str, Value] = {}
        self.computing: set[str] = set()

    def bound(self, **variables: Value) -> Scope:
        inner = Scope(self.context, self.row, {**self.vars, **variables})
        inner.formula_values = self.formula_values
        inner.computing = self.computing
        return inner

    def formula(self, name: str) -> Value:
        if name in self.formula_values:
            return self.formula_values[name]
        compiled = self.context.formulas.get(name)
        if compiled is None:
            return None
        if name in self.computing:
            raise QueryError(f"formula {name!r} refers to itself")
        self.computing.add(name)
        try:
            value = compiled(self)
        finally:
            self.computing.discard(name)
        self.formula_values[name] = value
        return value


Compiled = Callable[[Scope], Value]
# A function of the language: (scope, its arguments, compiled but not yet run) -> value.
Function = Callable[[Scope, list[Compiled]], Value]


class FormulaAccess:
    """Bases' `formula`: `formula.price` is that formula's value for the row."""


FORMULA = FormulaAccess()


# The words Dataview reads in `date(...)` as a date relative to today; any other word there
# is a field (`date(started)`), read by the date() function.
RELATIVE_DATES = frozenset(
    {"now", "today", "yesterday", "tomorrow", "sow", "eow", "som", "eom", "soy", "eoy"}
    | {f"{edge}-of-{span}" for edge in ("start", "end") for span in ("week", "month", "year")}
)


def relative_date(word: str, garden: Garden) -> dt.datetime:
    """Dataview's `date(today)`, `date(sow)`, ...: from the build's date."""
    today, now = garden.today, garden.now
    monday = today - dt.timedelta(days=today.weekday())
    first = today.replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    words = {
        "now": now, "today": today, "yesterday": today - dt.timedelta(days=1),
        "tomorrow": today + dt.timedelta(days=1), "sow": monday, "start-of-week": monday,
        "eow": monday + dt.timedelta(days=7, milliseconds=-1),
        "som": first, "start-of-month": first, "eom": next_month - dt.timedelta(milliseconds=1),
        "soy": today.replace(month=1, day=1), "start-of-year": today.replace(month=1, day=1),
        "eoy": today.replace(month=12, day=31, hour=23, minute=59, second=59),
    }  # fmt: skip
    words["end-of-week"], words["end-of-month"] = words["eow"], words["eom"]
    words["end-of-year"] = words["eoy"]
    if word not in words:
        raise QueryError(f"unknown date {word!r}")
    return words[word]


def link_value(value: Value, context: Context) -> Link | None:
    """A value that names a page (a link, a file, or its path) as a Link."""
    if isinstance(value, Link):
        return value
    if isinstance(value, FileRef):
        page = context.garden.page(value.path)
        return page.link() if page is not None else None
    own = getattr(value, "page", None)  # a page itself: `this`, a row
    if hasattr(own, "path") and hasattr(own, "link"):
        return own.link()
    if isinstance(value, str):
        target = value[2:-2] if value.startswith("[[") and value.endswith("]]") else value
        name, _, display = target.partition("|")
        return context.garden.link_to(name, context.source, display or None)
    return None
