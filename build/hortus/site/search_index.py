"""The search stage of a build: Pagefind's index of the note pages, in shards, kept from build
to build, with the pages edited since a shard was made in one small index of their own.

A garden's pages are split into shards by a hash of their file name (`plan_shards`). A cold
build indexes every shard. After an edit, the shards are kept as they are and the pages whose
text changed since their shard was made go into `pagefind/shard-recent/`; search.js merges
every index and hides the old versions of those pages (listed by Pagefind's id of their
record in `hortus-shards.json`), so a search finds an edited page by its new words and not by
its old ones, as after a cold build. When that index would grow past `RECENT_MAX_PAGES`, or a
page left the site (deleted, or made unpublished: its words must then be in no file of the
site), every shard holding a changed page is indexed again and the recent index is dropped.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hortus.cache import code_fingerprint, digest, text_digest
from hortus.config import Settings
from hortus.parallel import ForkedWork
from hortus.site.search import (
    BUNDLE_DIR,
    RECENT,
    SHARD_PREFIX,
    SHARDS_FILE,
    Shard,
    ShardIndex,
    index_shard,
    plan_shards,
    shard_count,
    shard_list,
    shard_number,
)
from hortus.site.search_input import page_view
from hortus.site.writer import SiteWriter

FORK_MIN_PAGES = 500  # pages to index for the indexing to pay for a process of its own
# Past this, the process is a new interpreter rather than a fork: a fork of a large build
# comes to hold a copy of each page of memory the build writes to meanwhile; a smaller
# build's fork costs less than a new interpreter's imports (0.1 s of a 1,000-note build).
FRESH_MIN_PAGES = 5000
RECENT_MAX_PAGES = 100  # past this, the shards are made again: the recent index stays small
_VERSION_KEY = "index"  # record entries besides the shards' folders
_PAGES_KEY = "pages"
_PLAN_KEY = "plan"  # [how many shards, the first shard's number] (see plan_shards)
Held = dict[str, list[str]]  # page file -> [digest of what Pagefind is shown, Pagefind's id]


class SearchIndexing:
    """Pagefind's index of the note pages: the indexes to make are made side by side, in a
    process of their own, while the build writes its other pages; `finish` waits for them."""

    def __init__(
        self,
        writer: SiteWriter,
        settings: Settings,
        previous: dict[str, Any],
        pages: list[str],
        jobs: int,
        fork: bool = True,
    ) -> None:
        """`fork`: whether a large indexing may run in a forked process (see ForkedWork)."""
        self.writer = writer
        self.language = settings.language
        version = digest("search", code_fingerprint(), self.language.strip().lower())
        if previous.get(_VERSION_KEY) != version:
            previous = {}
        self.record: dict[str, Any] = {_VERSION_KEY: version}
        self.before = _load(previous, _PAGES_KEY)  # page file -> [its key, digest of its view]
        self.views: dict[str, str] = {}  # page file -> digest of its view, where needed
        self.pages = sorted(set(pages))
        held_before = {k: _load(previous, k) for k in previous if k.startswith(BUNDLE_DIR)}
        count = shard_count(len(self.pages), settings.search_shard_pages)
        placed = _placed(previous.get(_PLAN_KEY), held_before, count)
        self.shards = plan_shards(writer.staging, settings.search_shard_pages, self.pages, placed)
        if self.shards:
            self.record[_PLAN_KEY] = [count, shard_number(self.shards[0].pages[0], count)]
        self.held: dict[str, Held] = {}  # kept index's folder -> what it holds
        self.made: list[Shard] = []
        self.recent: Shard | None = None
        self.hidden: dict[str, str] = {}  # Pagefind id of an old version -> its page's URL
        self._plan(held_before)
        self._results: dict[str, ShardIndex] = {}
        # A cold build's indexing (hundreds of pages or more) gets a process; an edit's, a
        # thread.
        pages = sum(len(shard.pages) for shard in self.made)
        kept = frozenset(n for s in self.made for n in s.pages if n in writer.kept)
        work = functools.partial(
            index_shards, writer.staging, writer.out, kept, self.made, self.language, jobs
        )
        fork = fork and pages >= FORK_MIN_PAGES
        self._work = ForkedWork(work, fork=fork, fresh=pages >= FRESH_MIN_PAGES)

    def _view(self, name: str) -> str:
        """A digest of what Pagefind is shown of a page. A page whose key is unchanged keeps
        its digest; another is read again: its view may still be the same (a new note changes
        every page's explorer, not its text)."""
        if name not in self.views:
            old = self.before.get(name)
            if old is not None and old[0] == self.writer.record[name][0]:
                self.views[name] = old[1]
            else:
                self.views[name] = text_digest(page_view(self.writer.file(name)))
        return self.views[name]

    def _edited(self, names: list[str], held: Held) -> list[str]:
        """The pages of a kept shard whose view is not the one it holds. A page kept from
        the last build, held as it was then, is not: only the others are asked (_view)."""
        before, record, edited = self.before, self.writer.record, []
        for name in names:
            was, old = held.get(name), before.get(name)
            if was is None:
                edited.append(name)
                continue
            as_held = old is not None and old[1] == was[0] and old[0] == record[name][0]
            if not as_held and was[0] != self._view(name):
                edited.append(name)
        return edited

    def _plan(self, held_before: dict[str, Held]) -> None:
        """Which indexes are kept, which are made, and which pages go into the recent one."""
        # A page gone from the site (deleted, or made unpublished) must leave every index.
        pages = set(self.pages)
        gone = any(not held.keys() <= pages for held in held_before.values())
        # A shard holds a page as the last build's record has it, unless the page was made
        # again in this build or was edited since its shard was made (so in the recent
        # index): only those are asked, not each page of a large garden.
        asked = (pages - self.writer.kept) | held_before.get(RECENT, {}).keys()
        changed: dict[str, list[str]] = {}  # kept shard -> its pages whose view changed
        for shard in self.shards:
            held, names = held_before.get(shard.folder, {}), set(shard.pages)
            if not held or not held.keys() <= names or not self._exists(shard.folder):
                self.made.append(shard)
                continue
            edited = self._edited(sorted((names - held.keys()) | (names & asked)), held)
            if gone and edited:
                self.made.append(shard)  # made again with its pages as they are now
                continue
            changed[shard.folder] = edited
            self.held[shard.folder] = held
        if sum(len(names) for names in changed.values()) > RECENT_MAX_PAGES:
            for folder in [f for f, names in changed.items() if names]:
                self._make_again(folder, changed)
        for folder in sorted(self.held):
            if not self.writer.reuse_folder(folder, _skip(folder)):
                self._make_again(folder, changed)
        for folder, names in changed.items():
            for name in names:
                if self.held[folder].get(name, ["", ""])[1]:  # its old record is there
                    self.hidden[self.held[folder][name][1]] = _url(name)
        self._plan_recent(sorted(n for names in changed.values() for n in names), held_before)

    def _make_again(self, folder: str, changed: dict[str, list[str]]) -> None:
        self.made.append(next(s for s in self.shards if s.folder == folder))
        del self.held[folder], changed[folder]

    def _plan_recent(self, edited: list[str], held_before: dict[str, Held]) -> None:
        """The recent index of the `edited` pages: kept when it holds them as they are now."""
        if not edited:
            return
        self.recent = Shard(RECENT, tuple(edited))
        before = held_before.get(RECENT, {})
        wanted = {name: self._view(name) for name in edited}
        same = {n: v[0] for n, v in before.items()} == wanted and self._exists(RECENT)
        if same and self.writer.reuse_folder(RECENT):
            self.held[RECENT] = before
        else:
            self.made.append(self.recent)

    def _exists(self, folder: str) -> bool:
        return (self.writer.out / folder / "pagefind-entry.json").is_file()

    def _index_one(self, shard: Shard) -> ShardIndex:
        return index_shard(self.writer.staging, shard, self.language, self.writer.file)

    def finish(self) -> dict[str, Any]:
        """Every index in the staging folder and in the writer's record; returns what the
        next build compares against."""
        self._results = self._work.result()
        if RECENT in self._results:
            self._settle_recent(self._results[RECENT])
        for folder, made in sorted(self._results.items()):
            self.writer.adopt(folder, _skip(folder))
            self.views.update(made.views)
            self.held[folder] = {n: [v, made.ids.get(n, "")] for n, v in made.views.items()}
        self._drop_hidden()
        for folder, held in self.held.items():
            self.record[folder] = held
        self.record[_PAGES_KEY] = self._known()
        if self.shards:
            listed = [*self.shards, *([self.recent] if self.recent else [])]
            self.writer.write(f"{BUNDLE_DIR}/{SHARDS_FILE}", shard_list(listed, self.hidden))
        return self.record

    def _known(self) -> dict[str, list[str]]:
        """Every page's key and view, for the next build; a page kept as it was keeps its
        entry of the last build (its view not asked again)."""
        before, record, views = self.before, self.writer.record, self.views
        pages = set(self.pages)
        names: Iterable[str] = self.pages
        known: dict[str, list[str]] = {}
        if before.keys() == pages:  # the last build's pages: its entries but for those
            known = dict(before)  # made again (a new key) or read (a view asked)
            names = (pages - self.writer.kept) | views.keys()
        for name in names:
            key, view = record[name][0], views.get(name)
            old = before.get(name)
            if old is not None and old[0] == key and view in (None, old[1]):
                known[name] = old
            else:
                known[name] = [key, self._view(name) if view is None else view]
        return known

    def _drop_hidden(self) -> None:
        """The old versions' records leave the site: what a page said before an edit (a line
        its author took out) is in no fragment file a reader can fetch. Their words stay in
        the kept shards' word index until those are made again, pointing at no record.
        The shard no longer holds those pages: a later build that finds one reading as it
        did in the shard (an edit undone) indexes it again rather than keep it unshown."""
        for folder, held in self.held.items():
            for name, (_view, old_id) in held.items():
                if old_id and self.hidden.get(old_id) == _url(name):
                    self.writer.drop(f"{folder}/fragment/{old_id}.pf_fragment")
                    held[name] = ["", ""]  # no view and no record

    def cancel(self) -> None:
        """Stop indexing: the build failed before the index was needed."""
        self._work.cancel()

    def _settle_recent(self, made: ShardIndex) -> None:
        """Pages whose record came out as it was (the same Pagefind id: their HTML changed,
        not what search reads, as when a link's target moves) stay in their shard, shown;
        the recent index is made again without them."""
        same: set[str] = set()
        for held in (h for folder, h in self.held.items() if folder != RECENT):
            for name, new_id in made.ids.items():
                if name in held and held[name][1] == new_id:
                    held[name] = [made.views[name], new_id]
                    self.hidden.pop(new_id, None)
                    same.add(name)
        if not same or self.recent is None:
            return
        del self._results[RECENT]
        rest = tuple(rel for rel in self.recent.pages if rel not in same)
        self.recent = Shard(RECENT, rest) if rest else None
        if self.recent is not None:
            self._results[RECENT] = self._index_one(self.recent)
        else:
            shutil.rmtree(self.writer.staging / RECENT)


def index_shards(
    staging: Path, out: Path, kept: frozenset[str], shards: list[Shard], language: str, jobs: int
) -> dict[str, ShardIndex]:
    """Every shard of `shards` indexed, by folder; a page is read from the staging folder of
    the build, or from its output `out` when it is one of the `kept` there."""

    def page_file(name: str) -> Path:
        return (out if name in kept else staging) / name

    # Pagefind leaves a core idle much of the time: two shards at once use both.
    workers = max(1, min(jobs, len(shards)))
    with ThreadPoolExecutor(workers, thread_name_prefix="hortus-pagefind") as pool:
        made = pool.map(lambda shard: index_shard(staging, shard, language, page_file), shards)
        return {shard.folder: index for shard, index in zip(shards, made, strict=True)}


def _placed(plan: Any, held_before: dict[str, Held], count: int) -> dict[str, int]:
    """Each page's shard number as the last build's shards held it, when it split the
    garden into as many (`plan`: see _PLAN_KEY); else none known."""
    if not isinstance(plan, list) or len(plan) != 2 or plan[0] != count:
        return {}
    placed: dict[str, int] = {}
    for folder, held in held_before.items():
        if folder == RECENT:
            continue  # its pages are held by their own shards too
        number = folder.removeprefix(f"{BUNDLE_DIR}/{SHARD_PREFIX}")
        if folder == BUNDLE_DIR:
            placed.update(dict.fromkeys(held, plan[1]))
        elif number.isdigit():
            placed.update(dict.fromkeys(held, int(number)))
    return placed


def _load(previous: dict[str, Any], name: str) -> dict[str, list[str]]:
    """What the record kept under `name`: a folder's pages, or every page's key and view."""
    loaded = previous.get(name, {})
    return loaded if isinstance(loaded, dict) else {}


def _url(name: str) -> str:
    """`a/b/index.html` -> `/a/b/`, the URL Pagefind gives the page."""
    return "/" + name.removesuffix("index.html")


def _skip(folder: str) -> Callable[[str], bool]:
    """The first shard's folder holds the others: they are not part of it."""
    return _other_shards if folder == BUNDLE_DIR else _nothing


def _other_shards(name: str) -> bool:
    return name.startswith(SHARD_PREFIX) or name == SHARDS_FILE


def _nothing(name: str) -> bool:
    return False
