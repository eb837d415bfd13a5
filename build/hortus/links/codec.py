"""The link stage's records as plain tuples of text and numbers, for its cache: unpickling
plain tuples is many times faster than rebuilding named tuples and paths one by one, and a
large garden's entries are read on every build."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from hortus.diagnostics import Diagnostic, Severity
from hortus.links.records import ResolvedLink
from hortus.links.summary import BlockRef, HeadingRef, LinkRef, NoteSummary

Plain = tuple[Any, ...]


def summary_plain(summary: NoteSummary) -> Plain:
    return (
        tuple(tuple(ref) for ref in summary.links),
        tuple(tuple(h) for h in summary.headings),
        tuple(tuple(b) for b in summary.blocks),
        summary.block_ids,
        summary.tags,
        summary.too_deep,
        summary.size,
    )


def summary_from(plain: Plain) -> NoteSummary:
    links, heads, blocks, block_ids, tags, too_deep, size = plain
    return NoteSummary(
        tuple(map(LinkRef._make, links)),
        tuple(map(HeadingRef._make, heads)),
        tuple(map(BlockRef._make, blocks)),
        block_ids,
        tags,
        too_deep,
        size,
    )


def links_plain(links: list[ResolvedLink]) -> Plain:
    return tuple((*link[:3], _text(link.file), _text(link.note), *link[5:]) for link in links)


def links_from(plain: Plain, paths: dict[str, PurePosixPath]) -> list[ResolvedLink]:
    """The links back, their paths taken from `paths` (the vault's own path objects): a
    look-up, not a parse, per path."""
    return [
        ResolvedLink(status, embed, url, _path(file, paths), _path(note, paths), *rest)
        for status, embed, url, file, note, *rest in plain
    ]


def _path(text: str | None, paths: dict[str, PurePosixPath]) -> PurePosixPath | None:
    return None if text is None else paths.get(text) or PurePosixPath(text)


def said_plain(items: list[Diagnostic]) -> Plain:
    return tuple((d.path, d.line, d.kind, d.message, d.severity.value) for d in items)


def said_from(plain: Plain) -> list[Diagnostic]:
    return [
        Diagnostic(path, line, kind, message, Severity(severity))
        for path, line, kind, message, severity in plain
    ]


def _text(path: PurePosixPath | None) -> str | None:
    return None if path is None else str(path)
