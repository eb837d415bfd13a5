"""What the emitters write the site from, and the one interface every emitter has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from hortus.cache import RecordedDiagnostic
from hortus.cells import NoteClaim
from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.links import LinkGraph
from hortus.markdown import ParsedNote
from hortus.render import FolderTree, Garden, Theme
from hortus.site.pages import NotePages
from hortus.site.writer import SiteWriter
from hortus.vault import Note, NoteDates, Vault


@dataclass
class SiteState:
    """The notes, linked, run, typeset and laid out: everything an emitter reads."""

    settings: Settings
    vault: Vault  # every note and attachment, published or not
    parsed: list[ParsedNote]  # the published notes, parsed, in vault order
    pages: list[Note]  # the published notes that have a page of their own
    graph: LinkGraph  # links, backlinks, tags and attachments, resolved
    claims: list[NoteClaim]  # every claim the cells checked, with its note
    theme: Theme  # the templates
    assets: dict[str, str]  # asset name -> content-hashed site URL, for the templates
    garden: Garden  # the link graph of the pages, for the graph views
    tree: FolderTree  # the explorer: the pages by folder
    dates: dict[Note, NoteDates]  # each page's dates, where known
    note_pages: NotePages  # how each note's page is made and keyed
    jobs: int  # processes the note pages may be rendered in
    diagnostics: Diagnostics  # where rendering reports what it finds
    previous_warnings: dict[str, list[RecordedDiagnostic]]  # page file -> said last build


class Emitter(Protocol):
    """One kind of output: writes what it makes of `site` through `writer`. An emitter that
    writes at a URL a note's permalink may own (`/tags/`, a folder's URL) asks
    `writer.has_page` first, so the note's page, written earlier, wins."""

    def __call__(self, site: SiteState, writer: SiteWriter) -> None: ...
