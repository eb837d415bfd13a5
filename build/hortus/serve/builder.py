"""Builds for the preview: the full incremental build after each save, and before it the
edited pages alone, rendered against the last build's state kept in memory."""

from __future__ import annotations

import gc
import os
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from hortus.config import load_settings
from hortus.diagnostics import BuildError, Diagnostic, write_report
from hortus.pipeline import LiveSite, Mode, build_site
from hortus.serve.live import SWAP_LOCK
from hortus.serve.preview import edited_pages
from hortus.site import SiteWriter, url_to_file

REPORT = "report.json"  # in the cache folder: every problem of the last build


@dataclass
class Outcome:
    """What one build of the preview gives the server and the terminal."""

    folder: Path | None  # pages to serve from now on; None keeps the previous ones
    errors: list[str]  # one line each, as the error box and the terminal show them
    warnings: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0  # how long the build took
    pages: int = 0  # pages the build made


class _LockedWriter(SiteWriter):
    """Swaps the new build in while holding the lock that requests take to open a file."""

    def commit(self) -> None:
        with SWAP_LOCK:
            super().commit()


def error_line(item: Diagnostic) -> str:
    """`path:line: message`, as an error is listed in the error box."""
    where = f"{item.path}:{item.line}" if item.line else item.path
    return f"{where}: {item.message}"


class Builder:
    """Builds into one folder, always the same so that an incremental build can reuse it;
    SiteWriter replaces it whole only when the build wrote pages."""

    def __init__(self, root: Path, notes: Path, work: Path) -> None:
        self.root = root
        self.notes = notes
        self.out = work / "site"
        self.live: LiveSite | None = None  # the last build's state, for previews
        self._previews_lock = threading.Lock()
        self._previews: dict[str, str] = {}  # URL -> page previewed since the build started

    def preview(self, changed: list[str]) -> int:
        """Render the edited notes' pages alone, into the served folder, while (or before) the
        full build runs; the number of pages written (0 when the change needs the full build).
        Runs in its own thread, against the state of the last build that finished."""
        live = self.live
        if live is None or not self.out.is_dir():
            return 0
        try:
            pages = edited_pages(live, [Path(path) for path in changed])
        except Exception:  # the full build that follows reports it properly
            if os.environ.get("HORTUS_DEBUG"):
                traceback.print_exc()
            return 0
        if not pages:
            return 0
        with self._previews_lock:
            self._previews.update(pages)
            self._write_pages(pages)
        return len(pages)

    def _write_pages(self, pages: list[tuple[str, str]]) -> None:
        with SWAP_LOCK:
            for url, html in pages:
                target = self.out / url_to_file(url)
                if not target.parent.is_dir():
                    continue
                temporary = target.with_name(f".{target.name}.preview")
                temporary.write_text(html, encoding="utf-8")
                os.replace(temporary, target)

    def build(self) -> Outcome:
        """The full build; a build that raised keeps the last good pages and says why."""
        started = time.perf_counter()
        with self._previews_lock:
            self._previews = {}  # this build sees those edits: only later ones are newer
        try:
            settings = load_settings(self.root)  # a changed [tool.hortus] applies on next save
            # A failed claim is shown on its page (and in the error box), so pages of a build
            # with errors are served too; a build that raised keeps the last good pages.
            result = build_site(
                settings,
                self.notes,
                self.out,
                strict=settings.strict,
                mode=Mode.SERVE,
                writer_class=_LockedWriter,
            )
        except BuildError as exc:
            return Outcome(None, [str(exc)], seconds=time.perf_counter() - started)
        except Exception as exc:  # a bug in the build: the server and the last pages stay up
            if os.environ.get("HORTUS_DEBUG"):
                traceback.print_exc()
            message = f"internal error: {type(exc).__name__}: {exc}"
            return Outcome(None, [message], seconds=time.perf_counter() - started)
        write_report(settings.cache_folder / REPORT, result.diagnostics.items)
        if result.live is not None:
            self._keep(result.live)
        with self._previews_lock:
            # A page previewed while this build ran shows an edit the build may not have
            # read: it stays until the build that the edit started replaces it.
            self._write_pages(list(self._previews.items()))
            self._previews = {}
        wrote = result.written
        return Outcome(
            self.out if wrote and self.out.is_dir() else None,
            [error_line(item) for item in result.diagnostics.errors],
            result.diagnostics.warnings,
            time.perf_counter() - started,
            result.pages,
        )

    def _keep(self, live: LiveSite) -> None:
        """Keep the build's state for previews until the next build. The cycle collector
        need not scan its millions of objects again at every preview (a second's pause in a
        large garden), so they are frozen."""
        self.live = live
        gc.unfreeze()
        gc.collect()
        gc.freeze()
