"""What each watched file held when last seen, so that a save which changes nothing (an
editor's autosave, a cell rewriting the same output file) causes no rebuild."""

from __future__ import annotations

from hortus.cache.digest import file_digest


class ContentMemory:
    """The digest of each file at the last look, in memory for as long as the process runs."""

    def __init__(self) -> None:
        self._digests: dict[str, str | None] = {}  # path -> digest; None: unreadable or gone

    def changed(self, paths: set[str]) -> list[str]:
        """Those of `paths` whose content differs from the last look, sorted. A path seen for
        the first time, and one that cannot be read (deleted, a folder), always counts."""
        really = []
        for path in sorted(paths):
            digest = file_digest(path)
            if digest is None or self._digests.get(path, "") != digest:
                really.append(path)
            self._digests[path] = digest
        return really
