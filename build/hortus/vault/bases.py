"""Obsidian Bases files (`Books.base`): each is read as a note whose text shows the base, a
```base block per view under the view's name as a heading, so a base has a page like a note
and `![[Books.base#View]]` finds its view as a section.

A base is always available to embed (what it shows is only ever published notes); it gets a
page of its own with `publish = "all"`, or when its YAML says `dg-publish: true` (or
`publish: true`)."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import yaml

from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.vault.notes import Note
from hortus.vault.permalinks import note_url

BASE_SUFFIX = ".base"
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$%])")


def read_base(
    root: Path, relpath: PurePosixPath, settings: Settings, diagnostics: Diagnostics
) -> Note | None:
    """The base at `relpath` as a note, or None (reported) when it cannot be read."""
    try:
        mtime = (root / relpath).stat().st_mtime
        raw = (root / relpath).read_bytes()
    except OSError as exc:
        diagnostics.warn(str(relpath), None, "read", f"cannot read the base: {exc.strerror}")
        return None
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    data = _yaml(text)
    flags = [data.get(key) for key in ("dg-publish", "publish")]
    page = (settings.publish == "all" and False not in flags) or True in flags
    return Note(
        path=relpath,
        source=base_markdown(text, _view_names(data)),
        frontmatter={},
        title=relpath.stem,
        url=note_url(relpath, {}, "", diagnostics if page else None).url,
        published=True,
        page=page,
        mtime=mtime,
    )


def _yaml(text: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}  # the queries stage reports it, with its line
    return data if isinstance(data, dict) else {}


def _view_names(data: dict) -> list[str]:
    views = data.get("views")
    if not isinstance(views, list):
        return []
    names = []
    for number, view in enumerate(views, start=1):
        name = view.get("name") if isinstance(view, dict) else None
        names.append(str(name) if name not in (None, "") else f"View {number}")
    return names


def base_markdown(text: str, views: list[str]) -> str:
    """A ```base block per view (`view=N` picks it), under its name; one block for a base
    with no views (or broken YAML: the block shows the error)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") else text + "\n"
    if not views:
        return f"{fence}base\n{body}{fence}\n"
    sections = []
    for number, name in enumerate(views):
        heading = _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(name.split()))
        sections.append(f"## {heading}\n\n{fence}base view={number}\n{body}{fence}\n")
    return "\n".join(sections)
