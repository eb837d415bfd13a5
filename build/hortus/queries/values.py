"""The values a query computes with, shared by Bases and Dataview: None, booleans, numbers,
text, dates (`datetime`, naive: the vault's local time), `Duration`, `Link`, lists, objects
(dicts), `Pattern` (a Bases regular expression), `FileRef` (a page as a value) and functions
(Dataview's lambdas).

Ordering follows Dataview (`compare`): null first, then values of different types by the
name of their type, values of one type by their natural order; it is total, so sorting
mixed columns never fails."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from dateutil.relativedelta import relativedelta


class QueryError(Exception):
    """A query that cannot be parsed or evaluated; the message is shown in its place."""


# What a function given values of unexpected types raises: a failure of the query for that
# row (as Dataview and Bases show it), never of the build.
PYTHON_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError,
                 ZeroDivisionError, re.error, RecursionError)  # fmt: skip

# Said for a RecursionError: an expression nested deeper than Python's stack allows.
NESTED_TOO_DEEP = "expression nested too deep"


def needs_arguments(name: str, wanted: int) -> QueryError:
    """The error of `name()` called with fewer than `wanted` arguments."""
    return QueryError(f"{name}() needs {wanted} argument{'s' if wanted > 1 else ''}")


class Duration(NamedTuple):
    """A span of time in calendar units, as luxon keeps it (a month is not a number of days)."""

    years: int = 0  # whole years
    months: int = 0  # whole months
    days: float = 0  # days, weeks folded in
    seconds: float = 0  # hours, minutes, seconds and milliseconds

    def delta(self) -> relativedelta:
        return relativedelta(
            years=self.years, months=self.months, days=self.days, seconds=self.seconds
        )

    def millis(self) -> float:
        """Luxon's casual conversion: a year of 365 days, a month of 30."""
        days = self.years * 365 + self.months * 30 + self.days
        return (days * 86400 + self.seconds) * 1000

    def scaled(self, factor: float) -> Duration:
        return normalised(
            self.years * factor, self.months * factor, self.days * factor, self.seconds * factor
        )

    def plus(self, other: Duration, sign: int = 1) -> Duration:
        return normalised(
            self.years + sign * other.years,
            self.months + sign * other.months,
            self.days + sign * other.days,
            self.seconds + sign * other.seconds,
        )


def normalised(years: float, months: float, days: float, seconds: float) -> Duration:
    """Fractions carried down into the smaller units, as luxon's `normalize` does."""
    whole_years = int(years)
    months += (years - whole_years) * 12
    whole_months = int(months)
    days += (months - whole_months) * 30
    whole_days = int(days)
    seconds += (days - whole_days) * 86400
    return Duration(whole_years, whole_months, whole_days, round(seconds, 6))


class Link(NamedTuple):
    """A link to a note: to a published page (`url` set) or to what a note names but is not
    published (shown as its text, never followed)."""

    path: str  # the vault path of the published note reached, else the target as written
    display: str | None = None  # the text shown, when the link gives one (`[[a|text]]`)
    url: str | None = None  # the page's site URL; None when it must not link
    subpath: str | None = None  # `#Heading` or `^block` in the target
    embed: bool = False  # written `![[...]]`
    title: str | None = None  # the note's title, when resolved
    private: bool = False  # names a note that is not published: its text only, never a link

    @property
    def label(self) -> str:
        if self.display:
            return self.display
        if self.title:
            return self.title
        name = self.path.rpartition("/")[2]
        return name[:-3] if name.lower().endswith(".md") else name


class Pattern(NamedTuple):
    """A Bases regular expression literal, `/abc/gi`."""

    regex: re.Pattern[str]
    global_: bool  # the `g` flag: `replace` changes every match


class FileRef(NamedTuple):
    """A published page as a value (Bases' `file`, Dataview's `file` object's owner)."""

    path: str  # vault path


Value = Any  # any of the types above; queries compute with plain Python values


def type_name(value: Value) -> str:
    """Dataview's names of types (`typeof`); Bases' `isType` uses the same words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date"
    if isinstance(value, Duration):
        return "duration"
    if isinstance(value, Link):
        return "link"
    if isinstance(value, FileRef):
        return "file"
    if isinstance(value, Pattern):
        return "regexp"
    if isinstance(value, list | tuple):
        return "array"
    if callable(value):
        return "function"
    return "object"


def truthy(value: Value) -> bool:
    """Dataview's truthiness, which Bases' filters share: empty text, lists and objects,
    zero, null and the epoch are false."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, Link):
        return bool(value.path)
    if isinstance(value, Duration):
        return value.millis() != 0
    if isinstance(value, FileRef | Pattern):
        return True
    if isinstance(value, str | list | tuple | dict):
        return len(value) > 0
    return True


def text_key(text: str) -> tuple[str, str]:
    """Text ordered as a reader expects (JavaScript's localeCompare): accents and case only
    break ties, lower case first."""
    if text.isascii():
        return text.casefold(), text.swapcase()
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return plain.casefold(), text.swapcase()


def compare(a: Value, b: Value) -> int:
    """A total order over every value (Dataview's `compareValue`)."""
    if a is None or b is None:
        return (a is not None) - (b is not None)
    path_a, path_b = _path_of(a), _path_of(b)
    if path_a is not None and path_b is not None:  # links, files, pages: by what they reach
        return compare(path_a.casefold(), path_b.casefold()) or compare(
            getattr(a, "subpath", None) or "", getattr(b, "subpath", None) or ""
        )
    kind_a, kind_b = type_name(a), type_name(b)
    if kind_a != kind_b:
        return -1 if kind_a < kind_b else 1
    if kind_a == "string":
        key_a, key_b = text_key(a), text_key(b)
        return (key_a > key_b) - (key_a < key_b)
    if kind_a in ("number", "boolean", "date"):
        return (a > b) - (a < b)
    if kind_a == "duration":
        return (a.millis() > b.millis()) - (a.millis() < b.millis())
    if kind_a == "array":
        for x, y in zip(a, b, strict=False):
            order = compare(x, y)
            if order:
                return order
        return (len(a) > len(b)) - (len(a) < len(b))
    if kind_a == "object" and isinstance(a, dict) and isinstance(b, dict):
        order = compare(sorted(a), sorted(b))
        if order:
            return order
        for key in sorted(a):
            order = compare(a[key], b[key])
            if order:
                return order
    return 0


def _path_of(value: Value) -> str | None:
    """The page a link, a file or a page (a row, `this`) stands for."""
    if isinstance(value, Link | FileRef):
        return value.path
    page = getattr(value, "page", None)
    path = getattr(page, "path", None)
    return path if isinstance(path, str) else None


def sort_key(value: Value) -> tuple:
    """A key that orders values as `compare` does, computed once per value for sorting."""
    if value is None:
        return (0,)
    kind = type_name(value)
    if kind == "string":
        inner: Any = text_key(value)
    elif kind in ("number", "boolean", "date"):
        inner = value
    elif kind == "duration":
        inner = value.millis()
    elif kind in ("link", "file"):
        inner = (value.path.casefold(), getattr(value, "subpath", None) or "")
    elif _path_of(value) is not None:  # a page (a row, `file`, `this`)
        inner = (_path_of(value).casefold(), "")
    elif kind == "array":
        inner = tuple(sort_key(v) for v in value)
    elif kind == "object" and isinstance(value, dict):
        inner = (tuple(sorted(value)), tuple(sort_key(value[k]) for k in sorted(value)))
    else:
        inner = 0
    return (1, kind, inner)


def sorted_by(items: list, keys: list[tuple[Callable[[Any], Value], bool]]) -> list:
    """`items` sorted by each (value of, descending) in turn, the first the strongest;
    stable, so what ties keeps its order."""
    ordered = list(items)
    for value_of, descending in reversed(keys):
        ordered.sort(key=lambda item: sort_key(value_of(item)), reverse=descending)
    return ordered


def equal(a: Value, b: Value) -> bool:
    """Equality as both languages mean it: a link equals the file (or page) it reaches."""
    path_a, path_b = _path_of(a), _path_of(b)
    if path_a is not None and path_b is not None:
        return path_a.casefold() == path_b.casefold()
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if type_name(a) != type_name(b):
        return False
    return compare(a, b) == 0


def number_text(value: float) -> str:
    """A number as JavaScript prints it: `3`, `2.5`, `0.30000000000000004`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def plain_data(value: Value) -> Value:
    """A frontmatter value (YAML) as a query value: dates become datetimes, keys text."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, Mapping):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain_data(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


Function = Callable[..., Value]
