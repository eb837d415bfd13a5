"""Typing what notes write: an inline field's text (`rating:: 9`, `due:: 2024-01-01`,
`authors:: "a", "b"`) and frontmatter text (`"[[Jane]]"`, `"2024-01-01"`) become numbers,
dates, durations, links and lists, as Dataview reads them (and Bases, for links and dates)."""

from __future__ import annotations

import re
from collections.abc import Callable

from hortus.queries.dates import parse_date, parse_duration
from hortus.queries.values import Link, Value

LinkMaker = Callable[[str, str | None, bool], Link]  # (target, display, embed) -> Link

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_LINK = re.compile(r"(!?)\[\[([^\[\]]*?)\]\]")
_TAG = re.compile(r"#[^\s\u2000-\u206F\u2E00-\u2E7F'!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\]+")
_STRING = re.compile(r'"((?:\\.|[^"\\])*)"')


def _atom(text: str, make_link: LinkMaker) -> tuple[bool, Value]:
    """(whether `text` is one of Dataview's inline atoms, its value)."""
    text = text.strip()
    date = parse_date(text)
    if date is not None:
        return True, date
    duration = parse_duration(text)
    if duration is not None:
        return True, duration
    if match := _STRING.fullmatch(text):
        return True, match.group(1).replace('\\"', '"').replace("\\\\", "\\")
    if _TAG.fullmatch(text):
        return True, text
    if match := _LINK.fullmatch(text):
        target, _, display = match.group(2).partition("|")
        return True, make_link(target, display or None, bool(match.group(1)))
    if text in ("true", "false", "True", "False"):
        return True, text.lower() == "true"
    if _NUMBER.fullmatch(text):
        return True, float(text) if "." in text else int(text)
    if text == "null":
        return True, None
    return False, None


def inline_value(raw: str, make_link: LinkMaker) -> Value:
    """An inline field's value, typed as Dataview types it; else its text."""
    raw = raw.strip()
    if not raw:
        return None
    ok, value = _atom(raw, make_link)
    if ok:
        return value
    if "," in raw:
        parts = _split_list(raw)
        atoms = [_atom(part, make_link) for part in parts]
        if len(parts) > 1 and all(ok for ok, _ in atoms):
            return [value for _, value in atoms]
    return raw


def _split_list(raw: str) -> list[str]:
    """Comma-separated atoms; a comma inside quotes or brackets does not split."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(raw):
        if char == '"' and (i == 0 or raw[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and char == "[":
            depth += 1
        elif not quoted and char == "]":
            depth -= 1
        elif char == "," and not quoted and depth == 0:
            parts.append(raw[start:i])
            start = i + 1
    parts.append(raw[start:])
    return parts


def frontmatter_value(value: Value, make_link: LinkMaker, dataview: bool) -> Value:
    """A frontmatter value with its text typed: `"[[Jane]]"` a link, `"2024-01-01"` a date,
    and for Dataview `"3 hours"` a duration."""
    if isinstance(value, list):
        return [frontmatter_value(v, make_link, dataview) for v in value]
    if isinstance(value, dict):
        return {k: frontmatter_value(v, make_link, dataview) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    text = value.strip()
    if match := _LINK.fullmatch(text):
        target, _, display = match.group(2).partition("|")
        return make_link(target, display or None, bool(match.group(1)))
    date = parse_date(text)
    if date is not None:
        return date
    if dataview and text[:1].isdigit():
        duration = parse_duration(text)
        if duration is not None:
            return duration
    return value


def links_in(value: Value) -> list[Link]:
    """Every link inside a (typed) frontmatter value."""
    if isinstance(value, Link):
        return [value]
    if isinstance(value, list):
        return [link for v in value for link in links_in(v)]
    if isinstance(value, dict):
        return [link for v in value.values() for link in links_in(v)]
    return []
