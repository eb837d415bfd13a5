"""What the link stage hands on: where each link went, backlinks, tags, attachments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import NamedTuple, Protocol

from hortus.diagnostics import Diagnostics
from hortus.markdown import ParsedNote
from hortus.vault import Note


class ResolvedLink(NamedTuple):
    """Where one link, image or embed of a note goes. Plain values only: a page's cache key
    is made from them, and forked renderers share them."""

    status: str  # "ok"; "missing", "private", "outside": shown unlinked; "drawing": no export
    embed: bool = False  # written `![[...]]`: shown in place (a transclusion when `note` is set)
    url: str | None = None  # site URL with its `#anchor`; None when it must not link
    file: PurePosixPath | None = None  # the attachment reached (vault path), if a file
    note: PurePosixPath | None = None  # the note reached (vault path), if a note
    title: str | None = None  # that note's title
    page: bool = False  # whether that note has a page (a canvas is only shown embedded)
    heading_id: str | None = None  # the heading of that note pointed into, if found
    block_id: str | None = None  # the block of that note pointed at, if found


UNRESOLVED = ResolvedLink("missing")


class Relinker(Protocol):
    def relinked(self, edited: list[ParsedNote], diagnostics: Diagnostics) -> LinkGraph:
        """The graph with new versions of notes already linked in place of the old ones;
        the graph it was made from is not changed."""


@dataclass
class LinkGraph:
    """Everything the link stage found, for rendering and for the site's listings."""

    # Per linked note, the pages that link to it (sorted by title).
    backlinks: Mapping[PurePosixPath, list[Note]] = field(default_factory=dict)
    # Per linked note (its path as text), the pages linking to it (paths as text), in an
    # order fixed by the notes alone: what of its backlinks a page's facet takes in.
    backlink_paths: dict[str, list[str]] = field(default_factory=dict, compare=False)
    # Per attachment reached by a link (vault path), its site URL.
    attachments: dict[PurePosixPath, str] = field(default_factory=dict)
    # Per tag, and per parent of a nested tag, the pages tagged (sorted by title).
    tags: Mapping[str, list[Note]] = field(default_factory=dict)
    # Per page, its tags (frontmatter and inline, sorted case-insensitively).
    note_tags: Mapping[PurePosixPath, list[str]] = field(default_factory=dict)
    # Per note, where each of its links went, in the order of their link_index: what its
    # page's links are made from.
    resolved: Mapping[PurePosixPath, list[ResolvedLink]] = field(default_factory=dict)
    # Per note, where each link in its properties went, in the order the properties view
    # shows them (hortus.markdown.property_links).
    property_links: Mapping[PurePosixPath, list[ResolvedLink]] = field(default_factory=dict)
    # Per note (its path as text), the notes its links and property links reach (paths as
    # text, sorted), and, for a note that embeds any, the notes it embeds (in link order):
    # who links to or embeds whom, without reading every note's links.
    reaching: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    embeds: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # Every note and file of the vault as a link may find it (see hortus.links.stage's
    # index_key): when it is unchanged, so is every name a page shows of another note.
    index: str = field(default="", compare=False)
    # Which page links to which, as one digest (see hortus.links.listing); '' when not known.
    # When it and the pages are unchanged, so is the garden's graph.
    structure: str = field(default="", compare=False)
    # The linker that made this graph, kept to link an edited note again (the live preview).
    linker: Relinker | None = field(default=None, repr=False, compare=False)
