"""A note's frontmatter: the YAML between its `---` fences, checked for the types the site
reads, and whether it publishes the note."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

import yaml

from hortus.diagnostics import Diagnostics

# libyaml's loader when PyYAML was built with it: the same results, several times faster.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ParsedFrontmatter(NamedTuple):
    """What parse_frontmatter read from a note."""

    values: dict[str, Any]  # the keys and values; empty when there is none or it is broken
    readable: bool  # False when its publish flag is unknown: the note is then not published


# A publish flag written in a block that cannot be read: `publish: false` there may be meant,
# so such a note is never published, in either mode.
_PUBLISH_FLAG = re.compile(r"""(?:^|[{,])\s*["']?(?:dg-publish|publish|draft)["']?\s*:""", re.M)
_IGNORED = "the properties could not be read and are ignored"
_IGNORED_FLAGGED = f"{_IGNORED}, and the note is not published (its publish flag is among them)"
_UNCLOSED = "the note has no properties, and its lines show as text, as in Obsidian"
_UNCLOSED_FLAGGED = "the note is not published (its publish flag is among its lines)"


def parse_frontmatter(text: str, path: str, diagnostics: Diagnostics) -> ParsedFrontmatter:
    """The YAML between the opening `---` and the closing `---`. Broken YAML is reported and
    read as no properties, as Obsidian shows such a note; `readable` is then False only when
    the block holds a publish flag (the note is not published: its flag cannot be read)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return ParsedFrontmatter({}, True)
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        # Obsidian reads no properties then, and shows the lines as text after a rule; a
        # publish flag among them is never guessed (see _IGNORED_FLAGGED).
        flagged = _PUBLISH_FLAG.search("\n".join(lines[1:])) is not None
        said = _UNCLOSED_FLAGGED if flagged else _UNCLOSED
        diagnostics.warn(path, 1, "frontmatter", f"frontmatter has no closing `---`; {said}")
        return ParsedFrontmatter({}, not flagged)
    block = "\n".join(lines[1:end])
    flagged = _PUBLISH_FLAG.search(block) is not None
    values = _load_yaml(block, end, path, diagnostics, _IGNORED_FLAGGED if flagged else _IGNORED)
    if values is None:
        return ParsedFrontmatter({}, not flagged)
    _check_types(values, lines[1:end], path, diagnostics)
    return ParsedFrontmatter(values, True)


def _load_yaml(
    block: str, end: int, path: str, diagnostics: Diagnostics, ignored: str
) -> dict[str, Any] | None:
    """The mapping of the YAML `block` (its closing fence on line `end` + 1), or None,
    reported (the report ending with `ignored`), when it is broken, is not a mapping or is
    too large."""
    try:
        data = yaml.load(block, Loader=_YamlLoader) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # Within the YAML lines: libyaml puts end-of-input errors on the closing fence.
        line = min(mark.line + 2, end) if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        diagnostics.warn(
            path, line, "frontmatter", f"invalid YAML frontmatter ({problem}); {ignored}"
        )
        return None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # YAML that parses but cannot be built: a date like 2020-13-45, nesting too deep.
        problem = str(exc) or type(exc).__name__
        diagnostics.warn(path, 2, "frontmatter", f"invalid YAML frontmatter ({problem}); {ignored}")
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        diagnostics.warn(
            path, 2, "frontmatter", f"frontmatter is not a mapping of keys to values; {ignored}"
        )
        return None
    if not _small(data):
        diagnostics.warn(
            path, 2, "frontmatter",
            f"frontmatter is too large or refers to itself through YAML aliases; {ignored}",
        )  # fmt: skip
        return None
    return {str(k): v for k, v in data.items()}


# More values than any real frontmatter holds: YAML aliases can make a few lines stand for
# billions of values, or for a list that contains itself.
_FRONTMATTER_VALUES = 100_000


def _small(data: Any) -> bool:
    budget = _FRONTMATTER_VALUES
    pending = [data]
    while pending:
        value = pending.pop()
        budget -= 1
        if budget < 0:
            return False
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list | tuple | set):
            pending.extend(value)
    return True


_TEXT_KEYS = ("title", "dg-title", "description", "permalink", "dg-permalink")
_LIST_KEYS = ("tags", "tag", "aliases", "alias", "cssclasses", "cssclass")
_SCALAR = (str, int, float, dt.date)


def _check_types(
    frontmatter: dict[str, Any], lines: list[str], path: str, diagnostics: Diagnostics
) -> None:
    """Keys the site reads as text or as a list of words, made so; what cannot be (a mapping
    where a title should be) is dropped with a warning rather than failing the build."""
    for key in _TEXT_KEYS:
        value = frontmatter.get(key)
        if value is None or isinstance(value, str):
            continue
        if isinstance(value, _SCALAR):  # bool is an int
            frontmatter[key] = str(value)
            continue
        del frontmatter[key]
        diagnostics.warn(
            path, _key_line(lines, key), "frontmatter",
            f"`{key}` should be text, not {_kind(value)}; ignored",
        )  # fmt: skip
    for key in _LIST_KEYS:
        value = frontmatter.get(key)
        if value is None or isinstance(value, str):
            continue
        if isinstance(value, _SCALAR):  # `cssclasses: 5`
            frontmatter[key] = str(value)
            continue
        if isinstance(value, list) and all(v is None or isinstance(v, _SCALAR) for v in value):
            continue
        if isinstance(value, list):
            frontmatter[key] = [v for v in value if v is None or isinstance(v, _SCALAR)]
            problem = "holds lists or mappings; those items ignored"
        else:
            del frontmatter[key]
            problem = f"should be a list or text, not {_kind(value)}; ignored"
        diagnostics.warn(path, _key_line(lines, key), "frontmatter", f"`{key}` {problem}")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple | set):
        return "a list"
    return type(value).__name__


def frontmatter_line(text: str, key: str) -> int:
    """The file line of a top-level frontmatter key of the note `text` (line 2 when it cannot
    be told, as in a one-line `{...}` mapping)."""
    lines = text.split("\n", 400)[:400]  # frontmatter is at the top: no need to split it all
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 1)
    return _key_line(lines[1:end], key)


def _key_line(lines: list[str], key: str) -> int:
    """The file line of a top-level key (the fence is line 1), or line 2 when not found."""
    pattern = re.compile(rf"""\s*["']?{re.escape(key)}["']?\s*:""")
    for number, line in enumerate(lines, start=2):
        if pattern.match(line):
            return number
    return 2


def is_published(frontmatter: dict[str, Any], mode: str) -> bool:
    """Opt-in (`dg-publish: true` or `publish: true`), or with `publish = "all"` every note
    but those that say `publish: false` or `draft: true`."""
    flags = [frontmatter.get(key) for key in ("dg-publish", "publish")]
    if mode == "all":
        return False not in flags and frontmatter.get("draft") is not True
    return True in flags


def string_list(value: Any, split_spaces: bool = True) -> list[str]:
    """Obsidian accepts a YAML list or a comma (or, for tags, space) separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        items = value.replace(",", " ").split() if split_spaces else value.split(",")
        return [s.strip() for s in items if s.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value)]
