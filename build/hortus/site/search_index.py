"""The search stage of a build: Pagefind's index of the note pages, shard by shard, kept
from the last build where a shard's pages are unchanged."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hortus.cache import code_fingerprint, digest
from hortus.config import Settings
from hortus.site.search import (
    BUNDLE_DIR,
    SHARD_PREFIX,
    SHARDS_FILE,
    Shard,
    index_shard,
    plan_shards,
    shard_list,
)
from hortus.site.writer import SiteWriter


class SearchIndexing:
    """Pagefind's index of the note pages, shard by shard: a shard whose pages are all
    unchanged is kept from the last build, the others are indexed side by side in a thread
    of their own (Pagefind is a process of its own); `finish` waits for them."""

    def __init__(
        self,
        writer: SiteWriter,
        settings: Settings,
        previous: dict[str, str],
        pages: list[Path],
        jobs: int,
    ) -> None:
        self.writer = writer
        self.jobs = jobs
        self.language = settings.language
        self.shards = plan_shards(writer.staging, settings.search_shard_pages, pages)
        self.keys: dict[str, str] = {}  # shard folder -> key of its pages, for the next build
        self.kept: list[Shard] = []
        self.made: list[Shard] = []
        for shard in self.shards:
            listed = [(rel.as_posix(), writer.record[rel.as_posix()][0]) for rel in shard.pages]
            key = digest("search", code_fingerprint(), self.language, shard.folder, listed)
            self.keys[shard.folder] = key
            entry = writer.out / shard.folder / "pagefind-entry.json"
            unchanged = previous.get(shard.folder) == key and entry.is_file()
            (self.kept if unchanged else self.made).append(shard)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._index, name="hortus-search", daemon=True)
        self._thread.start()

    def _index(self) -> None:
        try:
            # Pagefind leaves a core idle much of the time: two shards at once use both.
            workers = max(1, min(self.jobs, len(self.made)))
            with ThreadPoolExecutor(workers, thread_name_prefix="hortus-pagefind") as pool:
                for _ in pool.map(self._index_one, self.made):
                    pass
        except BaseException as exc:  # raised in the build's thread by finish()
            self._error = exc

    def _index_one(self, shard: Shard) -> None:
        index_shard(self.writer.staging, shard, self.language)

    def finish(self) -> dict[str, str]:
        """Every shard in the staging folder and in the writer's record (a kept shard whose
        folder cannot be linked is indexed again); returns each shard's key."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        for shard in self.kept:
            if not self.writer.reuse_folder(shard.folder, _skip(shard)):
                index_shard(self.writer.staging, shard, self.language)
                self.writer.adopt(shard.folder, _skip(shard))
        for shard in self.made:
            self.writer.adopt(shard.folder, _skip(shard))
        if self.shards:
            self.writer.write(f"{BUNDLE_DIR}/{SHARDS_FILE}", shard_list(self.shards))
        return self.keys


def _skip(shard: Shard) -> Callable[[str], bool]:
    """The first shard's folder holds the others: they are not part of it."""
    return _other_shards if shard.folder == BUNDLE_DIR else _nothing


def _other_shards(name: str) -> bool:
    return name.startswith(SHARD_PREFIX) or name == SHARDS_FILE


def _nothing(name: str) -> bool:
    return False
