"""Dates and durations: reading them from text, the arithmetic between them, and showing them
as Obsidian does (Dataview: `May 16, 2021`, `3:15 PM - February 26, 2021`; Bases:
`2021-05-16`, `2021-05-16 15:15`), with Moment's (Bases) and Luxon's (Dataview) format
tokens."""

from __future__ import annotations

import datetime as dt
import functools
import re

from hortus.queries.values import Duration, QueryError, normalised
from hortus.vault import written_date

_ISO = re.compile(
    r"(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?)?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?"
)


def parse_date(text: str) -> dt.datetime | None:
    """`YYYY-MM[-DD[THH[:mm[:ss[.SSS]]]]][Z|+hh:mm]` (a space may stand for the `T`), else
    None. A time zone is converted to UTC, the vault's local time here."""
    match = _ISO.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        value = dt.datetime(
            int(year), int(month), int(day or 1), int(hour or 0), int(minute or 0),
            int(second or 0), int((fraction or "0").ljust(6, "0")),
        )  # fmt: skip
    except ValueError:
        return None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        value -= sign * offset
    return value


# Dataview's units (luxon's names and abbreviations) and Bases' (Moment's letters: `M` is a
# month, `m` a minute).
_UNITS = {
    "years": ("y", "yr", "yrs", "year", "years"),
    "months": ("M", "mo", "mos", "month", "months"),
    "weeks": ("w", "wk", "wks", "week", "weeks"),
    "days": ("d", "day", "days"),
    "hours": ("h", "hr", "hrs", "hour", "hours"),
    "minutes": ("m", "min", "mins", "minute", "minutes"),
    "seconds": ("s", "sec", "secs", "second", "seconds"),
    "milliseconds": ("ms", "millisecond", "milliseconds"),
}
_UNIT_OF = {name: unit for unit, names in _UNITS.items() for name in names}
_PART = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*,?")


def parse_duration(text: str) -> Duration | None:
    """`1 day`, `4hr2min`, `1 s, 2 m, 3 h`, `1M`; None when the text is not a duration."""
    text = text.strip()
    position, parts = 0, {unit: 0.0 for unit in _UNITS}
    while position < len(text):
        match = _PART.match(text, position)
        if match is None:
            return None
        unit = _UNIT_OF.get(match.group(2)) or _UNIT_OF.get(match.group(2).lower())
        if unit is None:
            return None
        parts[unit] += float(match.group(1))
        position = match.end()
    if position == 0:
        return None
    return normalised(
        parts["years"],
        parts["months"],
        parts["weeks"] * 7 + parts["days"],
        parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"]
        + parts["milliseconds"] / 1000,
    )  # fmt: skip


def add(date: dt.datetime, duration: Duration, sign: int = 1) -> dt.datetime:
    try:
        return date + sign * duration.delta()
    except (OverflowError, ValueError) as exc:
        raise QueryError(f"date out of range: {exc}") from None


def between(later: dt.datetime, earlier: dt.datetime) -> Duration:
    """Dataview's `date - date`: the calendar difference, in years, months, days, time."""
    from dateutil.relativedelta import relativedelta

    delta = relativedelta(later, earlier)
    seconds = delta.hours * 3600 + delta.minutes * 60 + delta.seconds + delta.microseconds / 1e6
    return normalised(delta.years, delta.months, delta.days, seconds)


def duration_text(duration: Duration) -> str:
    """As luxon's `toHuman` after `shiftToAll`: `1 year, 3 months, 2 weeks, 2 days`."""
    sign = "-" if duration.millis() < 0 else ""
    years, months = abs(duration.years), abs(duration.months)
    days, seconds = abs(duration.days), abs(duration.seconds)
    whole_days = int(days)
    seconds += (days - whole_days) * 86400
    weeks, whole_days = divmod(whole_days, 7)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    seconds, millis = divmod(round(seconds * 1000), 1000)
    parts = [
        (years, "year"), (months, "month"), (weeks, "week"), (whole_days, "day"),
        (int(hours), "hour"), (int(minutes), "minute"), (int(seconds), "second"),
        (int(millis), "millisecond"),
    ]  # fmt: skip
    shown = [f"{sign}{n:g} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return ", ".join(shown) or "0 seconds"


def has_time(value: dt.datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0)


def dataview_date_text(value: dt.datetime, language: str = "en") -> str:
    """Dataview's default formats: `MMMM dd, yyyy` and `h:mm a - MMMM dd, yyyy`; on a site
    in Chinese, Japanese or Korean, the date as its pages write dates (`2024年3月5日`)."""
    local = written_date(value.year, value.month, value.day, language)
    if local is not None:
        return f"{local} {value:%H:%M}" if has_time(value) else local
    if has_time(value):
        return luxon_format(value, "h:mm a - MMMM dd, yyyy")
    return luxon_format(value, "MMMM dd, yyyy")


def bases_date_text(value: dt.datetime) -> str:
    """Bases shows a date as its property editor does: `2024-01-15`, with a time when set."""
    if has_time(value):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _hour12(value: dt.datetime) -> int:
    return value.hour % 12 or 12


_MOMENT = {
    "YYYY": lambda d: f"{d.year:04d}", "YY": lambda d: f"{d.year % 100:02d}",
    "MMMM": lambda d: _MONTHS[d.month - 1], "MMM": lambda d: _MONTHS[d.month - 1][:3],
    "MM": lambda d: f"{d.month:02d}", "M": lambda d: str(d.month),
    "Do": lambda d: _ordinal(d.day), "DD": lambda d: f"{d.day:02d}", "D": lambda d: str(d.day),
    "dddd": lambda d: _DAYS[d.weekday()], "ddd": lambda d: _DAYS[d.weekday()][:3],
    "HH": lambda d: f"{d.hour:02d}", "H": lambda d: str(d.hour),
    "hh": lambda d: f"{_hour12(d):02d}", "h": lambda d: str(_hour12(d)),
    "mm": lambda d: f"{d.minute:02d}", "m": lambda d: str(d.minute),
    "ss": lambda d: f"{d.second:02d}", "s": lambda d: str(d.second),
    "SSS": lambda d: f"{d.microsecond // 1000:03d}",
    "A": lambda d: "AM" if d.hour < 12 else "PM", "a": lambda d: "am" if d.hour < 12 else "pm",
    "X": lambda d: str(int(_epoch_ms(d) // 1000)), "x": lambda d: str(int(_epoch_ms(d))),
}  # fmt: skip
_LUXON = {
    "yyyy": _MOMENT["YYYY"], "yy": _MOMENT["YY"], "MMMM": _MOMENT["MMMM"],
    "MMM": _MOMENT["MMM"], "MM": _MOMENT["MM"], "M": _MOMENT["M"], "dd": _MOMENT["DD"],
    "d": _MOMENT["D"], "cccc": _MOMENT["dddd"], "ccc": _MOMENT["ddd"], "EEEE": _MOMENT["dddd"],
    "EEE": _MOMENT["ddd"], "HH": _MOMENT["HH"], "H": _MOMENT["H"], "hh": _MOMENT["hh"],
    "h": _MOMENT["h"], "mm": _MOMENT["mm"], "m": _MOMENT["m"], "ss": _MOMENT["ss"],
    "s": _MOMENT["s"], "SSS": _MOMENT["SSS"], "a": _MOMENT["A"], "x": _MOMENT["x"],
    "X": _MOMENT["X"], "kkkk": _MOMENT["YYYY"], "WW": lambda d: f"{d.isocalendar()[1]:02d}",
    "W": lambda d: str(d.isocalendar()[1]), "o": lambda d: str(d.timetuple().tm_yday),
}  # fmt: skip


def _epoch_ms(value: dt.datetime) -> float:
    return (value - dt.datetime(1970, 1, 1)).total_seconds() * 1000


@functools.cache  # made when a note first formats a date, not when the module loads
def _formatter(style: str) -> re.Pattern[str]:
    """The tokens of Moment.js's (`style` "moment") or Luxon's format strings, longest
    first, and their quoted literals."""
    tokens, literal = (_MOMENT, r"\[[^\]]*\]") if style == "moment" else (_LUXON, r"'[^']*'")
    names = sorted(tokens, key=len, reverse=True)
    return re.compile(f"{literal}|" + "|".join(re.escape(n) for n in names))


def moment_format(value: dt.datetime, pattern: str) -> str:
    """A Moment.js format string (`YYYY-MM-DD`, `[week] W`), as Bases' `format()` takes."""
    return _formatter("moment").sub(
        lambda m: m.group()[1:-1] if m.group().startswith("[") else _MOMENT[m.group()](value),
        pattern,
    )


def luxon_format(value: dt.datetime, pattern: str) -> str:
    """A Luxon format string (`yyyy-MM-dd`, `'week' W`), as Dataview's `dateformat` takes."""
    return _formatter("luxon").sub(
        lambda m: m.group()[1:-1] if m.group().startswith("'") else _LUXON[m.group()](value),
        pattern,
    )


def relative_text(value: dt.datetime, now: dt.datetime) -> str:
    """`3 days ago`, `in 2 hours`: Moment's `fromNow`, as Bases' `relative()` gives it."""
    seconds = (now - value).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    steps = [
        (45, "a few seconds", None), (90, "a minute", None), (45 * 60, None, 60),
        (90 * 60, "an hour", None), (22 * 3600, None, 3600), (36 * 3600, "a day", None),
        (26 * 86400, None, 86400), (45 * 86400, "a month", None),
        (320 * 86400, None, 30 * 86400), (548 * 86400, "a year", None),
    ]  # fmt: skip
    names = {60: "minutes", 3600: "hours", 86400: "days", 30 * 86400: "months"}
    text = f"{round(seconds / (365 * 86400))} years"
    for limit, fixed, unit in steps:
        if seconds < limit:
            text = fixed or f"{round(seconds / unit)} {names[unit]}"
            break
    return f"in {text}" if future else f"{text} ago"
