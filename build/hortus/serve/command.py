"""`hortus serve`: start the server, build, rebuild on every save until Ctrl-C (or SIGTERM),
then stop every thread and remove the private build folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from hortus.cache import ContentMemory
from hortus.config import find_root, load_settings
from hortus.diagnostics import BuildError, Diagnostic
from hortus.serve.builder import Builder, Outcome
from hortus.serve.live import LiveState
from hortus.serve.server import HOST, PreviewServer
from hortus.serve.terminal import changed_names, report_build, say
from hortus.serve.watcher import Previewer, Watcher

WORK_DIR = "serve"  # in the cache folder: one build folder per port


class _Stop(BaseException):
    """SIGTERM, handled like Ctrl-C (and, like it, not caught as a failed build)."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise _Stop


@dataclass
class _Session:
    """What one run of the command starts, and stops again on the way out."""

    state: LiveState  # what is served, and the condition the event streams wait on
    server: PreviewServer  # bound before the first build, so a port in use fails at once
    builder: Builder
    watcher: Watcher
    watched: list[Path]  # the vault, and the theme when it is outside the vault
    work: Path  # `.hortus/serve/PORT`: the private build folder
    http: threading.Thread | None = None  # the server's loop, once the first build is done


def serve(notes: Path | None, port: int) -> int:
    """Run the preview until Ctrl-C (or SIGTERM); 0 then, 1 when it cannot start."""
    session = _start(notes, port)
    if session is None:
        return 1
    code = 0
    previous_term = signal.signal(signal.SIGTERM, _terminate)
    try:
        _run(session)
    except (KeyboardInterrupt, _Stop):
        pass
    except Exception as exc:  # a bug in serve itself (build errors never get here)
        if os.environ.get("HORTUS_DEBUG"):
            traceback.print_exc()
        say(f"hortus: internal error: {type(exc).__name__}: {exc}")
        code = 1
    finally:
        # A second Ctrl-C must not interrupt the shutdown with a traceback.
        previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
        _stop(session)
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)
    say("hortus: stopped")
    return code


def _start(notes: Path | None, port: int) -> _Session | None:
    """Settings read, the port bound and the build folder made; None (said why) on failure."""
    root = find_root(Path.cwd())
    try:
        settings = load_settings(root)
    except BuildError as exc:
        say(f"hortus: error: {exc}")
        return None
    notes_dir = (notes or root / "notes").resolve()
    if not notes_dir.is_dir():
        say(f"hortus: error: notes folder not found: {notes or root / 'notes'}")
        return None
    state = LiveState()
    try:
        server = PreviewServer((HOST, port), state)
    except OSError as exc:
        say(f"hortus: error: cannot listen on {HOST}:{port}: {exc.strerror or exc}")
        return None
    port = server.server_address[1]
    work = (settings.cache_folder / WORK_DIR / str(port)).resolve()
    shutil.rmtree(work, ignore_errors=True)  # left over from a run that was killed
    work.mkdir(parents=True, exist_ok=True)
    builder = Builder(root, notes_dir, work)
    watched = [notes_dir]
    theme = settings.theme_dir.resolve()
    if theme.is_dir() and not theme.is_relative_to(notes_dir):
        watched.append(theme)
    watcher = Watcher(watched, ignore=[work, settings.cache_folder.resolve()])
    return _Session(state, server, builder, watcher, watched, work)


def _run(session: _Session) -> None:
    """The first build, then serving, and a rebuild for every save that changed a file."""
    seen: set[Diagnostic] = set()
    _publish(session.state, session.builder.build(), first=True, seen=seen)
    session.http = threading.Thread(target=session.server.serve_forever, name="hortus-http")
    session.http.start()
    session.watcher.start()
    Previewer(session.watcher, session.builder, session.state, session.watched).start()
    say(f"hortus: serving http://{HOST}:{session.server.server_address[1]}/ (Ctrl-C to stop)")
    memory = ContentMemory()
    while True:
        if not session.watcher.dirty.wait(timeout=1.0):
            continue
        changed = memory.changed(session.watcher.take())
        if changed:
            because = changed_names(changed, session.watched)
            outcome = session.builder.build()
            _publish(session.state, outcome, first=False, seen=seen, because=because)


def _stop(session: _Session) -> None:
    """Every thread stopped and joined, every connection closed, the build folder gone."""
    session.watcher.stop_event.set()
    session.state.stop()
    if session.http is not None:
        session.server.shutdown()
        session.http.join()
    session.server.close_connections()
    session.server.server_close()
    if session.watcher.is_alive():
        session.watcher.join(timeout=5)
    shutil.rmtree(session.work, ignore_errors=True)
    with contextlib.suppress(OSError):
        session.work.parent.rmdir()  # .hortus/serve, unless another serve is running


def _publish(
    state: LiveState, outcome: Outcome, *, first: bool, seen: set[Diagnostic], because: str = ""
) -> None:
    """Serve the outcome's pages, or keep the last ones (stale) when it wrote none."""
    previous = state.snapshot.root
    state.publish(outcome.folder or previous, outcome.errors, stale=outcome.folder is None)
    report_build(outcome, first, seen, state.snapshot.root is not None, because)
