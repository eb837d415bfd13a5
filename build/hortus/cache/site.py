"""The site cache of a project (`site/` of its cache folder), as one build uses it."""

from __future__ import annotations

from pathlib import Path

from hortus.cache.links import LinkStore
from hortus.cache.parsed import ParsedMeta, ParsedStore
from hortus.cache.record import BuildRecord, RecordFile

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.cache.listing import Listing

SITE_FOLDER = "site"  # in the project's cache folder (`Settings.cache_folder`)


class SiteCache:
    """The layers of `site/` in `cache_folder` a build into `out_dir` reads and writes;
    `out_dir` None (a check) has no record of its own."""

    def __init__(self, cache_folder: Path, out_dir: Path | None) -> None:
        self.folder = cache_folder / SITE_FOLDER
        self.record = RecordFile(self.folder, out_dir)
        self.parsed = ParsedStore(self.folder / "parsed")
        self.parsed_meta = ParsedMeta(self.folder)
        self.links = LinkStore(self.folder)
        # The notes folder's files as this build's inputs snapshot listed them (base_snapshot).
        self.notes_listing: Listing | None = None

    @property
    def previous(self) -> BuildRecord:
        """The record of the last successful build into `out_dir` (empty when there is none),
        without what its pages were made from (see previous_pages)."""
        return self.record.previous

    @property
    def previous_pages(self) -> BuildRecord:
        """That record whole: with what its note pages and search index were made from."""
        return self.record.load_pages()
