"""What a build shows while notes' cells run.

On a terminal (stderr is one, and not in CI): a live line per running note (its name, the
seconds it has run, its cells done of all) under a bar of the notes done, drawn with `rich`
and gone when the cells are done. Elsewhere (CI, logs, pipes): nothing while notes run, and
one line for each note that took longer than 10 s (`HORTUS_SLOW_NOTE_SECONDS` sets another
limit). Executors tell a NoteProgress what happens, from any thread.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import IO, Any

from hortus.cells.records import NoteJob, NoteResult

# A note that runs longer than this many seconds gets a line in a log.
SLOW_NOTE_SECONDS = 10.0


class NoteProgress:
    """Told how notes run (thread-safe); this one shows nothing."""

    def begin(self, jobs: list[NoteJob]) -> None:
        """`jobs` are about to run."""

    def started(self, job: NoteJob) -> None:
        """The note has started, on a worker."""

    def step(self, job: NoteJob, event: str, kind: str, index: int) -> None:
        """A step of the note has started (`event` "start") or ended ("done")."""

    def finished(self, job: NoteJob, result: NoteResult) -> None:
        """The note is done, however it ended."""

    def end(self) -> None:
        """No more notes run."""


def progress_for(stream: IO[str] | None = None) -> NoteProgress:
    """A live display on a terminal; the slow notes' lines elsewhere."""
    stream = stream if stream is not None else sys.stderr
    if _is_terminal(stream) and not _in_ci():
        from rich.console import Console  # loaded only for a terminal

        return LiveProgress(Console(file=stream))
    return SlowNotes(stream, slow_note_seconds())


def slow_note_seconds() -> float:
    """How long a note may run before a log names it: `HORTUS_SLOW_NOTE_SECONDS`, else 10."""
    try:
        return float(os.environ.get("HORTUS_SLOW_NOTE_SECONDS", SLOW_NOTE_SECONDS))
    except ValueError:
        return SLOW_NOTE_SECONDS


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


class SlowNotes(NoteProgress):
    """For logs: one line per note that ran longer than `seconds`, when it is done."""

    def __init__(self, stream: IO[str], seconds: float) -> None:
        self.stream = stream
        self.seconds = seconds
        self.lock = threading.Lock()
        self.starts: dict[str, float] = {}  # when each running note started
        self.waiting: set[str] = set()  # the running notes whose first step has not begun

    def started(self, job: NoteJob) -> None:
        with self.lock:
            self.starts[job.note_path] = time.monotonic()
            self.waiting.add(job.note_path)

    def step(self, job: NoteJob, event: str, kind: str, index: int) -> None:
        # The note's time counts from its first step: not the worker's start-up before it.
        with self.lock:
            if job.note_path in self.waiting:
                self.waiting.discard(job.note_path)
                self.starts[job.note_path] = time.monotonic()

    def finished(self, job: NoteJob, result: NoteResult) -> None:
        with self.lock:
            start = self.starts.pop(job.note_path, None)
            if start is None:
                return
            took = time.monotonic() - start
            if took > self.seconds:
                how = "" if result.status == "ok" else f" ({result.status})"
                print(f"hortus: {job.note_path}: cells took {took:.1f} s{how}", file=self.stream)
                self.stream.flush()


class LiveProgress(NoteProgress):
    """For a terminal: a bar of the notes done and a line per running note."""

    def __init__(self, console: Any) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

        self.display = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:.0f}/{task.total:.0f} {task.fields[unit]}"),
            TextColumn("{task.elapsed:.0f} s"),
            console=console,
            transient=True,  # gone when done: the build's summary follows
        )
        self.lock = threading.Lock()
        self.rows: dict[str, Any] = {}  # the running notes' rows, by note
        self.overall: Any = None

    def begin(self, jobs: list[NoteJob]) -> None:
        with self.lock:
            self.overall = self.display.add_task("notes", total=len(jobs), unit="notes")
            self.display.start()

    def started(self, job: NoteJob) -> None:
        cells = sum(1 for step in job.steps if step.kind == "cell")
        with self.lock:
            if job.note_path not in self.rows:
                self.rows[job.note_path] = self.display.add_task(
                    job.note_path, total=cells, unit="cells"
                )
            self.display.refresh()

    def step(self, job: NoteJob, event: str, kind: str, index: int) -> None:
        if event != "done" or kind != "cell":
            return
        with self.lock:
            row = self.rows.get(job.note_path)
            if row is not None:
                self.display.update(row, completed=index + 1, refresh=True)

    def finished(self, job: NoteJob, result: NoteResult) -> None:
        with self.lock:
            row = self.rows.pop(job.note_path, None)
            if row is not None:
                self.display.remove_task(row)
            if self.overall is not None:
                self.display.advance(self.overall)
            self.display.refresh()

    def end(self) -> None:
        with self.lock:
            self.display.stop()
            self.overall = None
