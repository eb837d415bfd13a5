"""Backlinks, tag listings and which page links to which: made from every page's backlink
targets and tags, or kept from the last build when no page's are different now."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import PurePosixPath
from typing import NamedTuple

from hortus.cache import text_digest
from hortus.links.resolve import TagListing
from hortus.links.table import ByPathText
from hortus.vault import Note

# A page as listed: its path as text, the note, its tag_listing, its backlink_targets.
Listed = tuple[str, Note, TagListing, Sequence[str]]


class Listing(NamedTuple):
    """What the pages list of each other, all paths as text (plain: kept between builds)."""

    # Per linked note, the pages linking to it, in the order the pages are placed.
    backlink_paths: dict[str, list[str]]
    # The same, sorted by title (see make_listing).
    backlinks: dict[str, list[str]]
    # Per tag, and per parent of a nested tag, the pages tagged, sorted by title.
    tags: dict[str, list[str]]
    # Which page links to which, as one digest: pages that link alike get the same one.
    structure: str


def make_listing(pages: Iterable[Listed]) -> Listing:
    """The listing of `pages`, in the order they are placed."""
    backlinks: defaultdict[str, list[str]] = defaultdict(list)
    tags: defaultdict[str, list[str]] = defaultdict(list)
    records: list[str] = []
    titles: dict[str, str] = {}
    for name, note, (_, tag_names), targets in pages:
        titles[name] = note.title.casefold()
        # No path is empty or holds NUL, so a record ends unambiguously at a double NUL.
        records.append("\0".join((name, *targets)))
        for target in targets:
            backlinks[target].append(name)
        for tag in tag_names:
            tags[tag].append(name)
    # Backlinks and tag listings list pages by title, each page ranked once.
    by_title = sorted(titles, key=lambda name: (titles[name], name))
    rank = {name: i for i, name in enumerate(by_title)}.__getitem__
    return Listing(
        dict(backlinks),  # kept and read as a plain dict: a missing key is not added
        {target: sorted(names, key=rank) for target, names in backlinks.items()},
        {tag: sorted(names, key=rank) for tag, names in tags.items()},
        text_digest("\0\0".join(records)),
    )


class Backlinks(ByPathText[list[Note]]):
    """Per linked note, the pages linking to it, by title (see Listing.backlinks and
    ByPathText): each list made when first asked for, since a build renders few pages."""

    def __init__(
        self, listing: Listing, notes: Mapping[str, Note], paths: Mapping[str, PurePosixPath]
    ) -> None:
        self._held = listing.backlinks
        self._notes = notes
        self._paths = paths
        self._made: dict[str, list[Note]] = {}

    def __getitem__(self, path: PurePosixPath) -> list[Note]:
        name = str(path)
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = [self._notes[page] for page in self._held[name]]
        return made


class TagPages(Mapping[str, list[Note]]):
    """Per tag, the pages tagged, by title (see Listing.tags): each list made when first
    asked for."""

    def __init__(self, listing: Listing, notes: Mapping[str, Note]) -> None:
        self._names = listing.tags
        self._notes = notes
        self._made: dict[str, list[Note]] = {}

    def __getitem__(self, tag: str) -> list[Note]:
        made = self._made.get(tag)
        if made is None:
            made = self._made[tag] = [self._notes[page] for page in self._names[tag]]
        return made

    def __contains__(self, tag: object) -> bool:
        return tag in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
