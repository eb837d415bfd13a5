"""The dates a note's frontmatter gives: `updated`, `modified`, `last-modified`, `date
modified` or `date` for its last change, `created`, `date created` or `date` for its making;
a later spelling of one key (another case) wins, as in a dict of every key lower-cased."""

from __future__ import annotations

import datetime as dt
from typing import Any

UPDATED_KEYS = ("updated", "modified", "last-modified", "date modified", "date")
CREATED_KEYS = ("created", "date created", "date")
_DATE_KEYS = frozenset(UPDATED_KEYS + CREATED_KEYS)

# A note's dates as its frontmatter gives them: (last changed, made), None where not given.
GivenDates = tuple[dt.date | None, dt.date | None]


def given_dates(frontmatter: dict[str, Any]) -> GivenDates | None:
    """The dates `frontmatter` gives; None when it gives neither (most notes)."""
    keys = _date_keys(frontmatter) if frontmatter else None
    if not keys:
        return None
    dates = (_given(keys, UPDATED_KEYS), _given(keys, CREATED_KEYS))
    return None if dates == (None, None) else dates


def _date_keys(frontmatter: dict[str, Any]) -> dict[str, object]:
    """The frontmatter's date keys, lower-cased."""
    found = {}
    for key, value in frontmatter.items():
        lowered = str(key).lower()
        if lowered in _DATE_KEYS:
            found[lowered] = value
    return found


def _given(lowered: dict[str, object], keys: tuple[str, ...]) -> dt.date | None:
    """The first of `keys` that the frontmatter (its keys lower-cased) gives as a date."""
    for key in keys:
        if key in lowered:
            date = as_date(lowered[key])
            if date is not None:
                return date
    return None


def as_date(value: object) -> dt.date | None:
    """A frontmatter value as a date: a YAML date or datetime, or text that starts with an
    ISO date (`2024-05-06`, `2024-05-06T10:20`); else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None
