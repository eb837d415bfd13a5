"""The cache folder of a project, `.hortus/site/`, as one build uses it."""

from __future__ import annotations

from pathlib import Path

from hortus.cache.parsed import ParsedStore
from hortus.cache.record import BuildRecord, RecordFile

CACHE_DIR = Path(".hortus") / "site"


class SiteCache:
    """The layers of `.hortus/site/` a build into `out_dir` reads and writes; `out_dir` None
    (a check) has no record of its own."""

    def __init__(self, root: Path, out_dir: Path | None) -> None:
        self.folder = root / CACHE_DIR
        self.record = RecordFile(self.folder, out_dir)
        self.parsed = ParsedStore(self.folder / "parsed")

    @property
    def previous(self) -> BuildRecord:
        """The record of the last successful build into `out_dir` (empty when there is none)."""
        return self.record.previous
