"""Dataview's functions on text, and its utilities (`regexreplace`, `padleft`, `truncate`,
`default`, `choice`, `dateformat`, `durationformat`, `meta`, ...)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable

from hortus.queries.dataview_functions import each, strict, text_only
from hortus.queries.dates import dataview_date_text, luxon_format
from hortus.queries.display import value_text
from hortus.queries.scope import Compiled, Context, Scope, link_value
from hortus.queries.values import Duration, Link, QueryError, Value, truthy

Args = list[Compiled]


def _regex(pattern: Value) -> re.Pattern[str]:
    try:
        return re.compile(str(pattern))
    except re.error as exc:
        raise QueryError(f"invalid regular expression {pattern!r}: {exc}") from None


def _js_replacement(replacement: Value) -> str:
    return re.sub(r"\$(\d)", r"\\\1", str(replacement).replace("\\", "\\\\"))


def _truncate(text: str, length: Value = 0, suffix: Value = "...") -> str:
    size = int(length or 0)
    return text if len(text) <= size else text[: max(0, size - len(str(suffix)))] + str(suffix)


def _pad(left: bool) -> Callable[..., Value]:
    def run(text: str, length: Value = 0, padding: Value = " ") -> str:
        fill = str(padding or " ")
        count = max(0, int(length or 0) - len(text))
        pad = (fill * count)[:count]
        return pad + text if left else text + pad

    return run


def _default(_c: Context, value: Value = None, fallback: Value = None) -> Value:
    if isinstance(value, list):
        return [fallback if v is None else v for v in value]
    return fallback if value is None else value


def _hash(_c: Context, *parts: Value) -> Value:
    text = "|".join(value_text(p, "dataview") for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big")


def _meta(context: Context, value: Value = None) -> Value:
    link = link_value(value, context) if value is not None else None
    if link is None:
        return None
    kind = "file" if not link.subpath else "block" if link.subpath.startswith("^") else "header"
    return {
        "display": link.display, "embed": link.embed, "path": link.path,
        "subpath": link.subpath.lstrip("^") if link.subpath else None, "type": kind,
    }  # fmt: skip


def _durationformat(_c: Context, value: Value = None, pattern: Value = "") -> Value:
    if not isinstance(value, Duration):
        return None
    remaining = value.millis()
    sizes = [("y", 365 * 864e5), ("M", 30 * 864e5), ("w", 7 * 864e5), ("d", 864e5),
             ("h", 36e5), ("m", 6e4), ("s", 1e3), ("S", 1)]  # fmt: skip
    tokens = re.finditer(r"'[^']*'|y+|M+|w+|d+|h+|m+|s+|S+|.", str(pattern))
    used = {m.group()[0] for m in tokens if not m.group().startswith("'")}
    amounts: dict[str, int] = {}
    for unit, size in sizes:
        if unit in used:
            amounts[unit], remaining = int(remaining // size), remaining % size
    out = []
    for match in re.finditer(r"'[^']*'|y+|M+|w+|d+|h+|m+|s+|S+|.", str(pattern)):
        token = match.group()
        if token.startswith("'"):
            out.append(token[1:-1])
        elif token[0] in amounts:
            out.append(str(amounts[token[0]]).zfill(len(token)))
        else:
            out.append(token)
    return "".join(out)


def _display(context: Context, value: Value = None) -> Value:
    if isinstance(value, Link):
        return value.label
    if isinstance(value, str):
        text = re.sub(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]", r"\1", value)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        return re.sub(r"[*_~`=]+", "", text)
    if isinstance(value, dt.datetime):
        return dataview_date_text(value, context.garden.language)
    return context.text(value)


TEXT_FUNCTIONS: dict[str, Callable[[Scope, Args], Value]] = {
    "regextest": strict(
        lambda _c, p=None, t=None: bool(_regex(p).search(str(t))) if t is not None else False
    ),
    "regexmatch": strict(
        lambda _c, p=None, t=None: bool(_regex(p).fullmatch(str(t))) if t is not None else False
    ),
    "regexreplace": each(text_only(lambda t, p="", r="": _regex(p).sub(_js_replacement(r), t))),
    "replace": each(text_only(lambda t, p="", r="": t.replace(str(p), str(r)))),
    "lower": each(text_only(str.lower)),
    "upper": each(text_only(str.upper)),
    "split": strict(
        lambda _c, t=None, d=" ", n=None: (
            _regex(d).split(str(t))[: int(n) if n is not None else None] if t is not None else None
        )
    ),
    "startswith": each(text_only(lambda t, p="": t.startswith(str(p)))),
    "endswith": each(text_only(lambda t, p="": t.endswith(str(p)))),
    "padleft": each(text_only(_pad(left=True))),
    "padright": each(text_only(_pad(left=False))),
    "substring": each(text_only(lambda t, a=0, b=None: t[int(a) : None if b is None else int(b)])),
    "truncate": each(text_only(_truncate)),
    "default": strict(_default),
    "ldefault": strict(lambda _c, v=None, f=None: f if v is None else v),
    "display": each(_display),
    "choice": lambda s, a: (a[1](s) if truthy(a[0](s)) else a[2](s)) if len(a) == 3 else None,
    "hash": strict(_hash),
    "striptime": each(
        lambda _c, d=None: (
            dt.datetime(d.year, d.month, d.day) if isinstance(d, dt.datetime) else None
        )
    ),
    "dateformat": strict(
        lambda _c, d=None, p="": luxon_format(d, str(p)) if isinstance(d, dt.datetime) else None
    ),
    "durationformat": strict(_durationformat),
    "currencyformat": strict(
        lambda _c, n=None, cur="USD": f"{cur} {n:,.2f}" if isinstance(n, int | float) else None
    ),
    "localtime": strict(lambda _c, d=None: d),
    "meta": strict(_meta),
}
