"""A build that finds nothing changed since the last one: done at once, from its record.

This module loads no stage (no parser, no templates, no search), so that `hortus build` on
an unchanged garden costs a stat of each input and output file and little more; `build_site`
takes the same path when it finds nothing changed."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path

from hortus.cache import RecordFile, SiteCache, base_snapshot, replay, settled_snapshot
from hortus.cells import ExecutionReport
from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.pipeline.collection import without_cycle_collection
from hortus.pipeline.result import BuildResult
from hortus.pipeline.strict import enforce_strict
from hortus.site import clear_leftovers

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.parallel import ForkedWork

# Files of the last build, at least, for their check to go to a process of its own: a fork
# and its result cost a few milliseconds, the stat of 5,000 files about 15.
FORKED_CHECK_MIN = 5000


class OutputCheck:
    """Which of the last build's output files are not as it wrote them (see
    RecordFile.changed_files), found beside the look at the inputs: for a large site in a
    forked child, whose stat of each file then takes no time from the build. The build that
    goes on takes it as found when it began, instead of asking each kept file again."""

    def __init__(self, record: RecordFile, out_dir: Path) -> None:
        work = functools.partial(record.changed_files, out_dir)
        self._work: ForkedWork[set[str]] | None = None
        if len(record.previous.files) >= FORKED_CHECK_MIN:
            # Here: a small garden's unchanged build loads no more than it needs.
            from hortus.parallel import ForkedWork

            self._work = ForkedWork(work)
        self._inline = work
        self._found: set[str] | None = None

    def changed(self) -> set[str]:
        """The files found changed (waiting for the check, when it is not done)."""
        if self._found is None:
            self._found = self._work.result() if self._work is not None else self._inline()
        return self._found

    def close(self) -> None:
        """The check stopped, when no one asked for it (the build ended first)."""
        if self._work is not None and self._found is None:
            self._work.cancel()


def unchanged(
    cache: SiteCache,
    outputs: OutputCheck,
    out_dir: Path,
    snapshot: str,
    diagnostics: Diagnostics,
    strict: bool,
    started: float,
) -> BuildResult | None:
    """The result of a build whose inputs snapshot is the last successful build's, and
    whose output is as that build left it: its warnings said again, nothing redone. None
    when something changed."""
    record = cache.previous
    if snapshot != record.inputs or not record.files or outputs.changed():
        return None
    clear_leftovers(out_dir.resolve())  # what a killed build left beside the site
    replay(record.diagnostics, diagnostics)
    enforce_strict(diagnostics, strict)
    built = not diagnostics.errors
    return BuildResult(
        notes=record.notes,
        pages=record.pages,
        seconds=time.perf_counter() - started,
        diagnostics=diagnostics,
        built=built,
        execution=ExecutionReport(ran=0, cached=record.cells),
        written=built,
        reused=len(record.files),
        unchanged=True,
    )


@dataclass(frozen=True)
class Checked:
    """What the look at the inputs found when something changed: the cache as read and the
    snapshot, for the build to go on from instead of reading them again."""

    cache: SiteCache
    snapshot: str
    base: str  # the snapshot before the cells' files (see hortus.cache's settled_snapshot)
    outputs: OutputCheck  # which of the last build's files are not as it left them


def check_unchanged(
    cache: SiteCache,
    settings: Settings,
    notes_dir: Path,
    out_dir: Path,
    diagnostics: Diagnostics,
    strict: bool,
    started: float,
) -> BuildResult | Checked:
    """The build's result when nothing changed (see `unchanged`), else what was found."""
    outputs = OutputCheck(cache.record, out_dir)
    try:
        base = base_snapshot(settings, notes_dir, out_dir, cache)
        snapshot = settled_snapshot(base, settings, cache.previous.cell_files)
        done = unchanged(cache, outputs, out_dir, snapshot, diagnostics, strict, started)
    except BaseException:
        outputs.close()
        raise
    return done if done is not None else Checked(cache, snapshot, base, outputs)


@without_cycle_collection
def build_if_unchanged(
    settings: Settings, notes_dir: Path, out_dir: Path, *, strict: bool
) -> BuildResult | Checked | None:
    """What `build_site` would return for a build with the cache into `out_dir` when nothing
    changed since the last one; else what it found, to pass on to `build_site(checked=...)`;
    None when the notes folder is missing (build_site says so)."""
    started = time.perf_counter()
    if not notes_dir.is_dir():
        return None
    cache = SiteCache(settings.cache_folder, out_dir)
    return check_unchanged(cache, settings, notes_dir, out_dir, Diagnostics(), strict, started)
