"""What the preview serves right now, and what it adds to every page it serves: the reload
script and the box listing the latest build's errors. Neither is ever part of the built
files; they are added to each HTML response."""

from __future__ import annotations

import html
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

EVENTS = "/__hortus/events"
LIVE_JS = "/__hortus/live.js"

# Held while a build swaps its folder into place and while a request opens a file, so a
# request never falls between the two renames of SiteWriter.commit.
SWAP_LOCK = threading.Lock()

# Loaded by every served page. The build number it was served from is in the tag; the server
# sends the current number on connect and after each build, so a build that finished between
# the page load and the connection still reloads it, and so does a restarted server.
LIVE_SCRIPT = b"""\
// hortus serve: reload this page when a new build is ready (never part of the built site).
(function () {
  var tag = document.currentScript, shown = tag && tag.dataset.generation;
  if (!shown || !window.EventSource) return;
  var events = new EventSource("/__hortus/events");
  events.onmessage = function (event) {
    if (event.data !== shown) {
      events.close();
      location.reload();
    }
  };
})();
"""

_BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_BODY_CLOSE = re.compile(rb"</body\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Snapshot:
    """What is served right now: one build's folder and the errors of the latest build."""

    root: Path | None  # None until some build has written pages
    errors: tuple[str, ...]  # the latest build's errors, one line each
    stale: bool  # the pages are older than the failed build whose errors are listed
    generation: str  # names this snapshot; a page served from another one reloads


class LiveState:
    """The current snapshot, and a condition the event streams wait on for the next one."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        # The start time makes numbers from a restarted server differ from the old ones.
        self._session = f"{time.time_ns():x}"
        self._count = 0
        self.snapshot = Snapshot(None, (), False, f"{self._session}-0")
        self.stopping = False

    def publish(self, root: Path | None, errors: list[str], stale: bool) -> None:
        with self._changed:
            self._count += 1
            generation = f"{self._session}-{self._count}"
            self.snapshot = Snapshot(root, tuple(errors), stale, generation)
            self._changed.notify_all()

    def wait_for_change(self, generation: str, timeout: float) -> Snapshot | None:
        """The snapshot once it differs from `generation` (or on timeout); None when stopping."""
        with self._changed:
            self._changed.wait_for(
                lambda: self.stopping or self.snapshot.generation != generation, timeout
            )
            return None if self.stopping else self.snapshot

    def stop(self) -> None:
        with self._changed:
            self.stopping = True
            self._changed.notify_all()


def inject(page: bytes, snapshot: Snapshot) -> bytes:
    """The served copy of a page: the error box after <body>, the reload script before
    </body>. The file on disk is not changed."""
    script = (
        f'<script src="{LIVE_JS}" data-generation="{html.escape(snapshot.generation)}"></script>\n'
    ).encode()
    box = error_box(snapshot).encode()
    opening = _BODY_OPEN.search(page)
    at = opening.end() if opening else 0
    page = page[:at] + box + page[at:]
    closings = list(_BODY_CLOSE.finditer(page))
    at = closings[-1].start() if closings else len(page)
    return page[:at] + script + page[at:]


def error_box(snapshot: Snapshot) -> str:
    """The latest build's errors as a box pinned to the top of the page; empty without any."""
    if not snapshot.errors:
        return ""
    count = len(snapshot.errors)
    noun = "error" if count == 1 else "errors"
    if snapshot.root is None:
        state = "no page has been built yet"
    elif snapshot.stale:
        state = "the last good pages are shown"
    else:
        state = "the pages below are from this build"
    items = "".join(
        f'<li style="margin:.15em 0">{html.escape(error)}</li>' for error in snapshot.errors
    )
    # Inline styles only: the box must look the same on any theme and in dark mode.
    return (
        '<div id="hortus-serve-errors" role="alert" style="position:sticky;top:0;'
        "z-index:2147483647;margin:0;padding:.6em 1em;background:#fff1f0;color:#5c0a0a;"
        "border-bottom:3px solid #c62828;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,"
        'Consolas,monospace;max-height:40vh;overflow:auto;text-align:left">'
        '<details open><summary style="cursor:pointer;font-weight:bold">'
        f"hortus serve: the build has {count} {noun}; {state}</summary>"
        '<ul style="margin:.4em 0 0;padding-left:1.4em;white-space:pre-wrap;'
        f'overflow-wrap:anywhere">{items}</ul></details></div>\n'
    )


def placeholder_page(snapshot: Snapshot) -> bytes:
    """The page served where no built page is: before the first build, or a file gone."""
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>hortus serve</title></head>'
        "<body><p>No page here yet: the site has not been built. "
        "It reloads by itself after the next successful build.</p></body></html>\n"
    )
    return inject(page.encode(), snapshot)
