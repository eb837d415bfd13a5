"""`hortus serve`: the writer's live preview.

The site is built into a private folder (`.hortus/serve/PORT/site`), never public/, served on
127.0.0.1 with the clean URLs Vercel gives it. watchfiles watches the vault and the theme; a
save rebuilds the site while the previous build stays up, and the open page reloads itself:
every HTML response (only as served, never the built files) carries a small script that
listens on `/__hortus/events` (Server-Sent Events) for the next build. A failed build never
stops the server: its errors are shown in a box at the top of every page until a build passes.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import html
import mimetypes
import os
import re
import shutil
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

import watchfiles

from hortus.config import find_root, load_settings
from hortus.diagnostics import BuildError, Diagnostic, write_report
from hortus.pipeline.build import LiveSite, build_site
from hortus.serve.preview import edited_pages
from hortus.site.writer import ASSET_DIR, SiteWriter, url_to_file

HOST = "127.0.0.1"
EVENTS = "/__hortus/events"
LIVE_JS = "/__hortus/live.js"
WORK_DIR = Path(".hortus") / "serve"
REPORT = Path(".hortus") / "report.json"
DEBOUNCE_MS = 300  # longest a burst of saves is grouped; a lone save waits only STEP_MS
STEP_MS = 50
HEARTBEAT_S = 15.0  # a comment line on idle event streams, so closed tabs are noticed
SHOWN_PER_KIND = 10

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
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("font/woff2", ".woff2")


# --- the state the server shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What is served right now: one build's folder and the errors of the latest build."""

    root: Path | None  # None until some build has written pages
    errors: tuple[str, ...]
    stale: bool  # the pages are older than the failed build whose errors are listed
    generation: str


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


# --- building -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    folder: Path | None  # pages to serve from now on; None keeps the previous ones
    errors: list[str]
    warnings: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0


# Held while a build swaps its folder into place and while a request opens a file, so a
# request never falls between the two renames of SiteWriter.commit.
_SWAP = threading.Lock()


class _LockedWriter(SiteWriter):
    """Swaps the new build in while holding the lock that requests take to open a file."""

    def commit(self) -> None:
        with _SWAP:
            super().commit()


def _where(item: Diagnostic) -> str:
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
        with _SWAP:
            for url, html in pages:
                target = self.out / url_to_file(url)
                if not target.parent.is_dir():
                    continue
                temporary = target.with_name(f".{target.name}.preview")
                temporary.write_text(html, encoding="utf-8")
                os.replace(temporary, target)

    def build(self) -> Outcome:
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
                keep_failed=True,
                writer_class=_LockedWriter,
                keep_state=True,
            )
        except BuildError as exc:
            return Outcome(None, [str(exc)], seconds=time.perf_counter() - started)
        except Exception as exc:  # a bug in the build: the server and the last pages stay up
            if os.environ.get("HORTUS_DEBUG"):
                traceback.print_exc()
            message = f"internal error: {type(exc).__name__}: {exc}"
            return Outcome(None, [message], seconds=time.perf_counter() - started)
        write_report(self.root / REPORT, result.diagnostics.items)
        if result.live is not None:
            self.live = result.live
            # The state is kept until the next build: the cycle collector need not scan its
            # millions of objects again at every preview (a second's pause in a large garden).
            gc.unfreeze()
            gc.collect()
            gc.freeze()
        with self._previews_lock:
            # A page previewed while this build ran shows an edit the build may not have
            # read: it stays until the build that the edit started replaces it.
            self._write_pages(list(self._previews.items()))
            self._previews = {}
        wrote = result.written
        return Outcome(
            self.out if wrote and self.out.is_dir() else None,
            [_where(item) for item in result.diagnostics.errors],
            result.diagnostics.warnings,
            time.perf_counter() - started,
            result.pages,
        )


# --- watching -----------------------------------------------------------------------------------


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
                    with self._lock:
                        self._pending.update(path for _, path in changes)
                        self._preview.update(path for _, path in changes)
                        self.dirty.set()
                        self.preview_dirty.set()
            except Exception as exc:  # e.g. the vault folder was moved away: try again soon
                if not failed:
                    _say(f"hortus: not watching for changes: {exc}; retrying")
                failed = True
                self.stop_event.wait(1.0)
                with self._lock:  # what changed while blind is unknown: rebuild when back
                    self._pending.add(str(self.paths[0]))
                    self.dirty.set()

    def take_preview(self) -> set[str]:
        with self._lock:
            pending, self._preview = self._preview, set()
            self.preview_dirty.clear()
        return pending

    def take(self) -> set[str]:
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
                because = _names(changed, self.roots)
                _say(f"hortus: {shown} edited page(s) shown in {took:.2f} s{because}")


class ContentMemory:
    """The last seen hash of each changed file: a save that changes nothing (an editor's
    autosave, a cell rewriting the same output file) causes no rebuild."""

    def __init__(self) -> None:
        self._digests: dict[str, str | None] = {}

    def changed(self, paths: set[str]) -> list[str]:
        really = []
        for path in sorted(paths):
            digest = _digest(Path(path))
            if digest is None or self._digests.get(path, "") != digest:
                really.append(path)
            self._digests[path] = digest
        return really


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()  # not security: change detection
    except OSError:  # deleted, or a folder: always a change
        return None


# --- serving ------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # joined on close, so Ctrl-C leaves no request thread behind
    block_on_close = True

    def __init__(self, address: tuple[str, int], state: LiveState) -> None:
        self.state = state
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler blocked on a silent client, so the threads can be joined."""
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: nothing idles to be joined
    timeout = 30
    server_version = "hortus-serve"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal shows one line per rebuild, not one per request

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, *, body: bool) -> None:
        # The tab may be closed or reloaded mid-response.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
            self._route(body)

    def _route(self, body: bool) -> None:
        url = urlsplit(self.path)
        if url.path == EVENTS:
            self._events()
            return
        if url.path == LIVE_JS:
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", LIVE_SCRIPT, body)
            return
        snapshot = self.server.state.snapshot
        if snapshot.root is None:
            page = _placeholder(snapshot)
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", page, body)
            return
        with _SWAP:  # a build does not swap its folder between this lookup and the open
            target, redirect = _resolve(snapshot.root, url.path)
            status = HTTPStatus.OK
            if target is None and not redirect:
                status = HTTPStatus.NOT_FOUND
                target = snapshot.root / "404.html"
            handle = _open(target) if target is not None else None
        if redirect:
            location = url.path + "/" + (f"?{url.query}" if url.query else "")
            self.send_response(HTTPStatus.FOUND)  # not 301: browsers would cache it for good
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif handle is None or target is None:
            self._send(status, "text/html; charset=utf-8", _placeholder(snapshot), body)
        else:
            with handle:
                self._send_file(status, target.name, handle, snapshot, body)

    def _send_file(
        self, status: HTTPStatus, name: str, handle: BinaryIO, snapshot: Snapshot, body: bool
    ) -> None:
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind.startswith(_TEXT_TYPES):
            kind += "; charset=utf-8"
        if kind.startswith("text/html"):
            self._send(status, kind, inject(handle.read(), snapshot), body)
            return
        # Read from the open file: it stays whole even if a build replaces the folder now.
        self._headers(status, kind, os.fstat(handle.fileno()).st_size)
        if body:
            shutil.copyfileobj(handle, self.wfile)

    def _send(self, status: HTTPStatus, kind: str, data: bytes, body: bool) -> None:
        self._headers(status, kind, len(data))
        if body:
            self.wfile.write(data)

    def _headers(self, status: HTTPStatus, kind: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        if status == HTTPStatus.OK and self.path.startswith(f"/{ASSET_DIR}/"):
            # Content-hashed names, as vercel.json says: a reload refetches only the page.
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-store")  # a reload must fetch the new build
        self.end_headers()

    def _events(self) -> None:
        """One Server-Sent Events stream: the build number now, then after every build."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.server.state
        snapshot: Snapshot | None = state.snapshot
        self.wfile.write(b"retry: 500\n\n")  # reconnect quickly when the server restarts
        sent = ""
        while snapshot is not None:
            if snapshot.generation != sent:
                self.wfile.write(f"data: {snapshot.generation}\n\n".encode())
                sent = snapshot.generation
            else:
                self.wfile.write(b": idle\n\n")
            self.wfile.flush()
            snapshot = state.wait_for_change(sent, HEARTBEAT_S)


def _resolve(root: Path, url_path: str) -> tuple[Path | None, bool]:
    """The file for a URL path, or None; True when the URL should gain a trailing slash."""
    parts = [p for p in unquote(url_path).split("/") if p not in ("", ".")]
    if ".." in parts or any("\x00" in p or "\\" in p for p in parts):
        return None, False
    target = root.joinpath(*parts)
    if url_path.endswith("/"):
        target = target / "index.html"
    elif target.is_dir():
        return None, (target / "index.html").is_file()
    elif not target.is_file() and target.with_name(target.name + ".html").is_file():
        target = target.with_name(target.name + ".html")  # cleanUrls: /404 is 404.html
    return (target if target.is_file() else None), False


def _open(path: Path) -> BinaryIO | None:
    try:
        return path.open("rb")
    except OSError:  # a folder, or gone
        return None


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


def _placeholder(snapshot: Snapshot) -> bytes:
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>hortus serve</title></head>'
        "<body><p>No page here yet: the site has not been built. "
        "It reloads by itself after the next successful build.</p></body></html>\n"
    )
    return inject(page.encode(), snapshot)


# --- the command --------------------------------------------------------------------------------


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class _Stop(BaseException):
    """SIGTERM, handled like Ctrl-C (and, like it, not caught as a failed build)."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def _report(
    outcome: Outcome, first: bool, seen: set[Diagnostic], serving: bool, because: str
) -> None:
    """One line per build; errors below it; warnings only the first time they appear."""
    fresh = [w for w in outcome.warnings if w not in seen]
    seen.clear()
    seen.update(outcome.warnings)
    shown: dict[str, int] = {}
    for warning in fresh:
        shown[warning.kind] = shown.get(warning.kind, 0) + 1
        if shown[warning.kind] <= SHOWN_PER_KIND:
            _say(f"  {warning}")
    verb = f"built {outcome.pages} pages" if first and outcome.folder else "rebuilt"
    took = f"{outcome.seconds:.2f} s{because}"
    if not outcome.errors:
        _say(f"hortus: {verb} in {took}")
    elif outcome.folder is not None:
        count = len(outcome.errors)
        _say(f"hortus: {verb} in {took} with {count} error{'s' * (count > 1)} (shown on the page):")
    else:
        still = "still serving the last good pages" if serving else "no pages to serve yet"
        _say(f"hortus: build failed in {took}; {still}:")
    for error in outcome.errors:
        _say(f"  {error}")


def serve(notes: Path | None, port: int) -> int:
    """Run the preview until Ctrl-C (or SIGTERM); 0 then, 1 when it cannot start."""
    root = find_root(Path.cwd())
    try:
        settings = load_settings(root)
    except BuildError as exc:
        _say(f"hortus: error: {exc}")
        return 1
    notes_dir = (notes or root / "notes").resolve()
    if not notes_dir.is_dir():
        _say(f"hortus: error: notes folder not found: {notes or root / 'notes'}")
        return 1
    state = LiveState()
    try:
        server = _Server((HOST, port), state)  # bound before the first build: fail fast
    except OSError as exc:
        _say(f"hortus: error: cannot listen on {HOST}:{port}: {exc.strerror or exc}")
        return 1
    port = server.server_address[1]
    work = (root / WORK_DIR / str(port)).resolve()
    shutil.rmtree(work, ignore_errors=True)  # left over from a run that was killed
    work.mkdir(parents=True, exist_ok=True)
    builder = Builder(root, notes_dir, work)
    watched = [notes_dir]
    theme = settings.theme_dir.resolve()
    if theme.is_dir() and not theme.is_relative_to(notes_dir):
        watched.append(theme)
    watcher = Watcher(watched, ignore=[work, (root / ".hortus").resolve()])
    serving: threading.Thread | None = None
    code = 0
    previous_term = signal.signal(signal.SIGTERM, _terminate)
    try:
        seen: set[Diagnostic] = set()
        outcome = builder.build()
        _publish(state, outcome, first=True, seen=seen)
        serving = threading.Thread(target=server.serve_forever, name="hortus-http")
        serving.start()
        watcher.start()
        Previewer(watcher, builder, state, watched).start()
        _say(f"hortus: serving http://{HOST}:{port}/ (Ctrl-C to stop)")
        memory = ContentMemory()
        while True:
            if not watcher.dirty.wait(timeout=1.0):
                continue
            changed = memory.changed(watcher.take())
            if changed:
                because = _names(changed, watched)
                _publish(state, builder.build(), first=False, seen=seen, because=because)
    except (KeyboardInterrupt, _Stop):
        pass
    except Exception as exc:  # a bug in serve itself (build errors never get here)
        if os.environ.get("HORTUS_DEBUG"):
            traceback.print_exc()
        _say(f"hortus: internal error: {type(exc).__name__}: {exc}")
        code = 1
    finally:
        # A second Ctrl-C must not interrupt the shutdown with a traceback.
        previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
        watcher.stop_event.set()
        state.stop()
        if serving is not None:
            server.shutdown()
            serving.join()
        server.close_connections()
        server.server_close()
        if watcher.is_alive():
            watcher.join(timeout=5)
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(OSError):
            work.parent.rmdir()  # .hortus/serve, unless another serve is running
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)
    _say("hortus: stopped")
    return code


def _publish(
    state: LiveState, outcome: Outcome, *, first: bool, seen: set[Diagnostic], because: str = ""
) -> None:
    """Serve the outcome's pages, or keep the last ones (stale) when it wrote none."""
    previous = state.snapshot.root
    state.publish(outcome.folder or previous, outcome.errors, stale=outcome.folder is None)
    _report(outcome, first, seen, state.snapshot.root is not None, because)


def _names(paths: list[str], roots: list[Path], shown: int = 3) -> str:
    """` (a.md, b/c.md)`: what the rebuild was for, relative to the watched folder."""
    names = []
    for path in paths[:shown]:
        target = Path(path)
        root = next((r for r in roots if target.is_relative_to(r)), target.parent)
        names.append(target.relative_to(root).as_posix())
    more = f", {len(paths) - shown} more" if len(paths) > shown else ""
    return f" ({', '.join(names)}{more})"
