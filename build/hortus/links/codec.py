"""The link stage's records as plain tuples of text and numbers, for its cache: unpickling
plain tuples is many times faster than rebuilding named tuples and paths one by one, and a
large garden's entries are read on every build. A summary is kept as bytes, unpickled only
when asked for: most builds read few of them."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from hortus.diagnostics import Diagnostic, Severity
from hortus.links.records import ResolvedLink
from hortus.links.summary import BlockRef, HeadingRef, LinkRef, NoteSummary
from hortus.markdown import ParsedNote

Plain = tuple[Any, ...]


def summary_plain(summary: NoteSummary) -> bytes:
    plain = (
        tuple(tuple(ref) for ref in summary.links),
        tuple(tuple(h) for h in summary.headings),
        tuple(tuple(b) for b in summary.blocks),
        summary.block_ids,
        summary.tags,
        summary.too_deep,
        summary.size,
    )
    return pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)


def summary_from(kept: bytes) -> NoteSummary:
    links, heads, blocks, block_ids, tags, too_deep, size = pickle.loads(kept)
    return NoteSummary(
        tuple(map(LinkRef._make, links)),
        tuple(map(HeadingRef._make, heads)),
        tuple(map(BlockRef._make, blocks)),
        block_ids,
        tags,
        too_deep,
        size,
    )


class Summaries(Mapping[PurePosixPath, NoteSummary]):
    """The summaries of the `parsed` notes, by path: those made now (`found`), and those of
    the link stage's `kept` entries (the second field of each, as summary_plain gives it),
    decoded when first asked for: most builds read few of them."""

    def __init__(
        self,
        found: dict[str, NoteSummary | bytes],
        parsed: Sequence[ParsedNote],
        kept: Mapping[str, Sequence[Any]] | None = None,
    ) -> None:
        self._found = found  # by path as text: a Path's hash is made anew at each ask
        self._parsed = parsed
        self._kept: Mapping[str, Sequence[Any]] = kept if kept is not None else {}

    def __getitem__(self, path: PurePosixPath) -> NoteSummary:
        name = str(path)
        found = self._found.get(name)
        if found is None:
            found = self._kept[name][1]
        if isinstance(found, bytes):
            found = self._found[name] = summary_from(found)
        return found

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, PurePosixPath):
            return False
        name = str(path)
        return name in self._found or name in self._kept

    def __iter__(self) -> Iterator[PurePosixPath]:
        return (p.note.path for p in self._parsed)

    def __len__(self) -> int:
        return len(self._parsed)


def links_plain(links: list[ResolvedLink]) -> Plain:
    """Each link as a plain tuple of its fields, its paths as text (see links_from)."""
    return tuple(
        (status, embed, url, _text(file), _text(note), title, page, heading, block)
        for status, embed, url, file, note, title, page, heading, block in links
    )


def links_from(plain: Plain, paths: dict[str, PurePosixPath]) -> list[ResolvedLink]:
    """The links back, their paths taken from `paths` (the vault's own path objects): a
    look-up, not a parse, per path. Each is made anew: an edit's build decodes every kept
    link, and a memo of links made (keyed on the whole link) costs more to ask than this."""
    return [
        ResolvedLink(
            status, embed, url, _path(file, paths), _path(note, paths), title, page, heading, block
        )
        for status, embed, url, file, note, title, page, heading, block in plain
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
