"""Where each note's links went, by note: resolved in this build, or kept from the last one
and decoded only when a page asks for them. An edit's build renders a few pages, so most
kept notes' links are never decoded at all."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any, TypeVar

from hortus.links.codec import Plain, links_from, links_plain
from hortus.links.records import ResolvedLink

TEXT, PROPERTIES = 0, 1  # which of a note's links a table holds
V = TypeVar("V")


class ByPathText(Mapping[PurePosixPath, V]):
    """A mapping keyed by path and held by path as text (a Path's hash is made anew at each
    ask): `_held` holds the values by text, `_paths` gives back the vault's own path
    objects. Subclasses say how a held value is read (__getitem__)."""

    _held: Mapping[str, Any]
    _paths: Mapping[str, PurePosixPath]

    def __contains__(self, path: object) -> bool:
        return isinstance(path, PurePosixPath) and str(path) in self._held

    def __iter__(self) -> Iterator[PurePosixPath]:
        for name in self._held:
            yield self._paths.get(name) or PurePosixPath(name)

    def __len__(self) -> int:
        return len(self._held)


class KeptLinks:
    """A note's text links and property links as the last build kept them (see encode)."""

    __slots__ = ("data", "decoded")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.decoded: tuple[list[ResolvedLink], list[ResolvedLink]] | None = None

    def links(self, which: int, paths: Mapping[str, PurePosixPath]) -> list[ResolvedLink]:
        if self.decoded is None:
            text, properties = pickle.loads(self.data)
            self.decoded = (links_from(text, paths), links_from(properties, paths))
        return self.decoded[which]


def encode(resolved: list[ResolvedLink], properties: list[ResolvedLink]) -> bytes:
    """A note's links as kept (see KeptLinks): one small pickle of plain tuples."""
    plain: tuple[Plain, Plain] = (links_plain(resolved), links_plain(properties))
    return pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)


class LinkTable(ByPathText[list[ResolvedLink]]):
    """Per note, one kind of its links (TEXT or PROPERTIES), in the order of their
    link_index (see ByPathText)."""

    def __init__(self, which: int = TEXT, paths: Mapping[str, PurePosixPath] | None = None):
        self._which = which
        self._paths: Mapping[str, PurePosixPath] = paths if paths is not None else {}
        self._held: dict[str, list[ResolvedLink] | KeptLinks] = {}

    def __getitem__(self, path: PurePosixPath) -> list[ResolvedLink]:
        found = self._held[str(path)]
        if isinstance(found, KeptLinks):
            return found.links(self._which, self._paths)
        return found

    def __setitem__(self, path: PurePosixPath, links: list[ResolvedLink] | KeptLinks) -> None:
        self._held[str(path)] = links

    def put(self, name: str, links: list[ResolvedLink] | KeptLinks) -> None:
        """Set the links of the note whose path's text is `name`."""
        self._held[name] = links

    def updated(self, changes: Mapping[PurePosixPath, list[ResolvedLink]]) -> LinkTable:
        """A copy with `changes` in place of those notes' links; this table is unchanged."""
        table = LinkTable(self._which, self._paths)
        table._held = dict(self._held)
        for path, links in changes.items():
            table[path] = links
        return table


class NoteTags(ByPathText[list[str]]):
    """Per page, its tags as it shows them (see ByPathText); each list made when first
    asked for."""

    def __init__(self, paths: Mapping[str, PurePosixPath]) -> None:
        self._paths = paths
        self._held: dict[str, tuple[str, ...] | list[str]] = {}

    def __getitem__(self, path: PurePosixPath) -> list[str]:
        name = str(path)
        shown = self._held[name]
        if isinstance(shown, tuple):
            shown = self._held[name] = list(shown)
        return shown

    def put(self, name: str, shown: tuple[str, ...]) -> None:
        """Set the tags of the page whose path's text is `name`."""
        self._held[name] = shown
