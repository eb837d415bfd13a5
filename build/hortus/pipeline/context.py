"""What every stage of a build is given: the settings, the folders, the mode and the clock."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from hortus.cache import SiteCache
from hortus.config import Settings
from hortus.diagnostics import Diagnostics

if TYPE_CHECKING:
    from hortus.vault import Vault

# An edit's build (at most this many notes read anew, and most notes kept) makes its pages
# in this process rather than a child. A child keeps a large build's memory from adding to
# Pagefind's and is let go whole; but a fork copies every page of memory either process
# then writes to, which costs an edit's build more than all its work on the pages it changes.
SMALL_EDIT = 100


def is_edit(vault: Vault) -> bool:
    """Whether the build is an edit's (see SMALL_EDIT). Asked in a call of its own: a name
    held by the caller would keep the notes that Prepared.let_go lets go of."""
    return vault.read_anew <= min(SMALL_EDIT, len(vault.notes) // 2)


class Mode(Enum):
    """What the build is for."""

    PUBLISH = "publish"  # `hortus build`: the site, swapped in only when the build succeeded
    CHECK = "check"  # `hortus check`: every note read, run and checked; no site written
    # `hortus serve`: the state is kept for previews, and a failed build's pages are written
    # too, since the page shows its failed claim better than the previous version would.
    SERVE = "serve"


class Clock:
    """Seconds spent in each stage, for HORTUS_TIMINGS and the benchmark."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._last = time.perf_counter()

    def restart(self) -> None:
        self._last = time.perf_counter()

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self._last
        self._last = now


@dataclass
class BuildContext:
    """One build's givens, read by every stage."""

    settings: Settings  # [tool.hortus]
    notes_dir: Path  # the vault
    out_dir: Path | None  # the output folder; None when checking
    mode: Mode
    jobs: int  # processes for parsing, rendering and cells
    strict: bool  # every warning is also an error
    use_cache: bool  # reuse what is unchanged since the last build
    cache: SiteCache | None  # the build cache, when used
    diagnostics: Diagnostics  # what the stages found, in the process they run in
    clock: Clock  # seconds per stage
    # Where the build leaves what it made instead of freeing it, for a caller that exits at
    # once (the `hortus` command): a large garden's notes and tables take a fifth of a
    # second to free one by one.
    held: list[object] | None = None

    @property
    def keeps_state(self) -> bool:
        """The notes, parsed, linked and rendered, stay in memory after the build (serve)."""
        return self.mode is Mode.SERVE

    @property
    def keeps_failed(self) -> bool:
        """A build with errors still writes its pages (serve)."""
        return self.mode is Mode.SERVE
