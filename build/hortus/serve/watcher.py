"""Watching the vault and the theme: the changed paths are collected in their own thread,
so saves made during a build are not lost, and an edited page is previewed at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import watchfiles

from hortus.cache import ContentMemory
from hortus.serve.builder import Builder
from hortus.serve.live import LiveState
from hortus.serve.terminal import changed_names, say

DEBOUNCE_MS = 300  # longest a burst of saves is grouped; a lone save waits only STEP_MS
STEP_MS = 50


class _VaultFilter(watchfiles.DefaultFilter):
    """Also skips what the build skips (hidden files and folders such as .obsidian, whose
    workspace file changes on every click) and the serve output itself."""

    def __init__(self, roots: list[Path], ignore: list[Path]) -> None:
        super().__init__()
        self.roots = roots
        self.ignore = ignore

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        target = Path(path)
        if any(target.is_relative_to(folder) for folder in self.ignore):
            return False
        for root in self.roots:
            if target.is_relative_to(root):
                return not any(part.startswith(".") for part in target.relative_to(root).parts)
        return True


class Watcher(threading.Thread):
    """Collects changed paths in its own thread, so saves made during a build are not lost."""

    def __init__(self, paths: list[Path], ignore: list[Path]) -> None:
        super().__init__(name="hortus-watch", daemon=True)
        self.paths = paths
        self.filter = _VaultFilter(paths, ignore)
        self.stop_event = threading.Event()
        self.dirty = threading.Event()
        self.preview_dirty = threading.Event()
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._preview: set[str] = set()  # the same changes, for the Previewer

    def run(self) -> None:
        failed = False
        while not self.stop_event.is_set():
            try:
                for changes in watchfiles.watch(
                    *self.paths,
                    watch_filter=self.filter,
                    debounce=DEBOUNCE_MS,
                    step=STEP_MS,
                    stop_event=self.stop_event,
                    rust_timeout=1000,
                    raise_interrupt=False,
                ):
                    failed = False
                    self._note({path for _, path in changes})
            except Exception as exc:  # e.g. the vault folder was moved away: try again soon
                if not failed:
                    say(f"hortus: not watching for changes: {exc}; retrying")
                failed = True
                self.stop_event.wait(1.0)
                with self._lock:  # what changed while blind is unknown: rebuild when back
                    self._pending.add(str(self.paths[0]))
                    self.dirty.set()

    def _note(self, paths: set[str]) -> None:
        with self._lock:
            self._pending.update(paths)
            self._preview.update(paths)
            self.dirty.set()
            self.preview_dirty.set()

    def take_preview(self) -> set[str]:
        """The paths changed since the Previewer last asked."""
        with self._lock:
            pending, self._preview = self._preview, set()
            self.preview_dirty.clear()
        return pending

    def take(self) -> set[str]:
        """The paths changed since the last full build was started."""
        with self._lock:  # cleared with the set it stands for, so no change is left unseen
            pending, self._pending = self._pending, set()
            self.dirty.clear()
        return pending


class Previewer(threading.Thread):
    """Shows an edited page as soon as it is saved, even while a full build is running."""

    def __init__(self, watcher: Watcher, builder: Builder, state: LiveState, roots: list[Path]):
        super().__init__(name="hortus-preview", daemon=True)
        self.watcher = watcher
        self.builder = builder
        self.state = state
        self.roots = roots
        self.memory = ContentMemory()

    def run(self) -> None:
        while not self.watcher.stop_event.is_set():
            if not self.watcher.preview_dirty.wait(timeout=0.5):
                continue
            changed = self.memory.changed(self.watcher.take_preview())
            if not changed or self.state.snapshot.root is None:
                continue
            started = time.perf_counter()
            shown = self.builder.preview(changed)
            if shown:  # reloaded now; the full build brings the rest of the site
                now = self.state.snapshot
                self.state.publish(now.root, list(now.errors), now.stale)
                took = time.perf_counter() - started
                because = changed_names(changed, self.roots)
                say(f"hortus: {shown} edited page(s) shown in {took:.2f} s{because}")
