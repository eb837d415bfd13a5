"""Which fenced blocks, and which files, hold a query."""

from __future__ import annotations

from pathlib import PurePosixPath

from markdown_it.token import Token

from hortus.markdown import CODE_ONLY, fence_language
from hortus.vault import BASE_SUFFIX

QUERY_LANGUAGES = ("dataview", "base", "dataviewjs")


def query_language(token: Token) -> str | None:
    """`dataview`, `base` or `dataviewjs` for a fence that holds a query, else None."""
    if token.type != "fence" or token.meta.get(CODE_ONLY):
        return None
    word = fence_language(token)
    return word if word in QUERY_LANGUAGES else None


def is_base(path: PurePosixPath | None) -> bool:
    """Whether `path` is a `.base` file."""
    return path is not None and path.suffix.lower() == BASE_SUFFIX
