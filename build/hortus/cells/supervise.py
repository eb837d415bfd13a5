"""A worker's side of one note: fork the note's child, follow its steps, stop it at its time
limit and at its memory cap, end everything it started, and tell how it ended as a NoteResult
(a crash, the memory cap or a timeout included, with the steps that finished before)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import select
import signal
import time
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

from hortus.cells.child import run_child
from hortus.cells.claims import ClaimRecord
from hortus.cells.memory import MemoryWatch, resident_bytes
from hortus.cells.processes import children_of, kill_group, signal_name
from hortus.cells.protocol import LineReader, WorkerJob, send
from hortus.cells.records import NoteError, NoteResult, Status, Step, step_result_from_json
from hortus.cells.sandbox import note_tempdir


def run_job(work: WorkerJob, jobs_fd: int, results_fd: int) -> NoteResult:
    """Run the note in a child forked from this (warm) worker and follow it to its end.

    `jobs_fd` and `results_fd` are the worker's pipes to the build: the child closes them, and
    the worker gives up the note (and exits) when the build hangs up. Each step's start and
    end are passed on to the build as progress messages, as they come."""
    progress = Progress(work.job.steps, lambda step: send(results_fd, {"progress": step}))
    read_fd, write_fd = os.pipe()
    worker_pid = os.getpid()
    baseline = resident_bytes(worker_pid) or 0  # the pages the child starts out sharing
    with note_tempdir(work.tempdir) as tempdir:  # the pool makes one; a bare job gets its own
        work = dataclasses.replace(work, tempdir=tempdir)
        pid = os.fork()
        if pid == 0:  # the note's child
            try:
                os.close(read_fd)
                os.close(jobs_fd)
                os.close(results_fd)
                run_child(work, write_fd, worker_pid)
            finally:
                os._exit(70)
        os.close(write_fd)
        with contextlib.suppress(OSError):  # also here: no window in which a group kill misses it
            os.setpgid(pid, pid)
        child = ChildProcess(pid)
        watch = MemoryWatch(pid, work.memory_mb, baseline)
        stopped = _follow(child, read_fd, jobs_fd, work.job.timeout, progress, watch)
        kill_group(pid)  # the child's leftovers (a Popen'd sleep); the child may be a zombie yet
        status, usage = child.reap()
        _reap_orphans()
    os.close(read_fd)
    child.close()
    where, cell, line = progress.where()
    if isinstance(stopped, float):
        message = f"timed out after {stopped:g} s {where}"
        return progress.finish("timeout", NoteError(message, line, cell))
    if stopped == "memory":
        message = (
            f"stopped {where}: its processes held {watch.peak_mb} MB of memory, more than "
            f"the {work.memory_mb} MB a note may hold (raise `cell-memory-mb` in "
            "[tool.hortus] for every note, or `cell-memory-mb:` in this note's frontmatter)"
        )
        return progress.finish("memory", NoteError(message, line, cell))
    return _how_it_ended(progress, status, usage)


class ChildEnd(NamedTuple):
    """What the child said when the note was done."""

    status: Status  # the run's status
    error: NoteError | None  # why it failed, if it did


class Progress:
    """What the worker has heard from a note's child so far."""

    def __init__(
        self, steps: list[Step], forward: Callable[[dict[str, Any]], None] | None = None
    ) -> None:
        self.steps = {(s.kind, s.index): s for s in steps}
        self.forward = forward  # told `{"start"|"done": [kind, index]}` as each step goes
        self.result = NoteResult()  # the steps that finished
        self.files: set[str] = set()  # the files they read
        self.current: Step | None = None  # the step started last
        self.current_done = False  # whether it finished
        self.started_at = time.monotonic()  # when it started
        self.end: ChildEnd | None = None  # the child's last word, when the note was done
        self.fatal: str | None = None  # hortus's own traceback, when it failed in the child
        self.lines = LineReader()

    def take(self, data: bytes) -> None:
        self.lines.feed(data)
        while (line := self.lines.pop()) is not None:
            # A cell writing garbage into our pipe cannot confuse the worker.
            with contextlib.suppress(Exception):
                self.feed(json.loads(line))

    def feed(self, message: Any) -> None:
        if not isinstance(message, dict):
            return
        if "start" in message:
            kind, index = message["start"]
            self.current = self.steps.get((kind, index))
            self.current_done = False
            self.started_at = time.monotonic()
            self._tell("start", kind, index)
        elif "done" in message:
            done = message["done"]
            self.result.add(step_result_from_json(done["kind"], done["entry"]))
            self.result.claims.extend(ClaimRecord.from_json(c) for c in done["claims"])
            self.files.update(done["files"])
            self.current_done = True
            self._tell("done", done["kind"], done["entry"]["index"])
        elif "end" in message:
            end = message["end"]
            error = None if end.get("error") is None else NoteError.from_json(end["error"])
            self.end = ChildEnd(end.get("status", "error"), error)
            self.result.modules = [str(name) for name in end.get("modules", [])]
        elif "fatal" in message:
            self.fatal = str(message["fatal"])

    def _tell(self, event: str, kind: str, index: int) -> None:
        if self.forward is not None:
            self.forward({event: [kind, index]})

    def deadline(self, note_deadline: float, note_timeout: float) -> tuple[float, float]:
        """(when the child is stopped, the limit that is) given the note's: a cell's own
        `#| timeout:` may come first."""
        step = self.current
        if step is not None and not self.current_done and "timeout" in step.options:
            try:
                cell_limit = float(step.options["timeout"])
            except (TypeError, ValueError):
                cell_limit = None
            if cell_limit is not None and self.started_at + cell_limit < note_deadline:
                return self.started_at + cell_limit, cell_limit
        return note_deadline, note_timeout

    def where(self) -> tuple[str, int | None, int | None]:
        """(where the note is, for a message; its cell; its .md line)."""
        step = self.current
        if step is None:
            return "before the first cell", None, None
        cell = step.index if step.kind == "cell" else None
        if self.current_done:
            return f"after {step.name}", cell, step.line
        return f"in {step.name} (line {step.line})", cell, step.line

    def finish(self, status: Status, error: NoteError | None) -> NoteResult:
        """The note's result: the steps heard of, and how it ended."""
        return dataclasses.replace(
            self.result, status=status, files=sorted(self.files), error=error
        )


class ChildProcess:
    """The note's child as its worker sees it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.reaped: tuple[int, Any] | None = None  # (wait status, resource usage) once reaped
        try:
            self.pidfd: int | None = os.pidfd_open(pid)  # readable when the child ends
        except (AttributeError, OSError):
            self.pidfd = None

    def has_exited(self) -> bool:
        """For platforms without pidfd (polling)."""
        if hasattr(os, "waitid"):
            # WNOWAIT: look without reaping, so the group id stays taken until we kill the group.
            try:
                info = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return True
            return info is not None and info.si_pid == self.pid
        pid, status, usage = os.wait4(self.pid, os.WNOHANG)  # e.g. macOS before Python 3.13
        if pid:
            self.reaped = (status, usage)
        return bool(pid)

    def reap(self) -> tuple[int, Any]:
        if self.reaped is None:
            _, status, usage = os.wait4(self.pid, 0)
            self.reaped = (status, usage)
        return self.reaped

    def close(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)


def _follow(
    child: ChildProcess,
    read_fd: int,
    jobs_fd: int,
    timeout: float,
    progress: Progress,
    watch: MemoryWatch,
) -> float | Literal["memory"] | None:
    """Listen to the child until it is done or ends, sampling its memory; the time limit that
    ran out, or "memory" when it held more than its cap, if either stopped it."""
    note_deadline = time.monotonic() + timeout
    poller = select.poll()
    poller.register(read_fd, select.POLLIN)
    poller.register(jobs_fd, select.POLLHUP)
    if child.pidfd is not None:
        poller.register(child.pidfd, select.POLLIN)
    pipe_open = True
    while progress.end is None and progress.fatal is None:
        deadline, limit = progress.deadline(note_deadline, timeout)
        now = time.monotonic()
        if now >= deadline:
            return limit
        if watch.over_cap(now):
            return "memory"
        wait = deadline - now if child.pidfd is not None else min(deadline - now, 0.05)
        sample = watch.wait(now)
        if sample is not None:
            wait = min(wait, sample)
        exited = False
        for fd, _event in poller.poll(max(1, int(wait * 1000) + 1)):
            if fd == read_fd:
                data = os.read(read_fd, 1 << 20)
                if data:
                    progress.take(data)
                else:
                    poller.unregister(read_fd)
                    pipe_open = False
            elif fd == jobs_fd:  # the build is gone: leave nothing running
                kill_group(child.pid)
                os._exit(0)
            elif fd == child.pidfd:
                exited = True
        if child.pidfd is None and not exited:
            exited = child.has_exited()
        if exited:
            if pipe_open:  # what the child wrote just before it ended
                _read_rest(read_fd, progress)
            break
    return None


def _read_rest(read_fd: int, progress: Progress) -> None:
    os.set_blocking(read_fd, False)
    while True:
        try:
            data = os.read(read_fd, 1 << 20)
        except BlockingIOError:
            break
        if not data:
            break
        progress.take(data)


def _how_it_ended(progress: Progress, status: int, usage: Any) -> NoteResult:
    """The result of a child that was not stopped: done, failed in hortus, or dead."""
    where, cell, line = progress.where()
    end = progress.end
    if end is not None:
        return progress.finish(end.status, end.error)
    if progress.fatal is not None:
        message = f"hortus failed to run the note {where}: {progress.fatal}"
        return progress.finish("crash", NoteError(message, line, cell))
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        how = f"killed by signal {signal_name(signum)}"
        if signum == signal.SIGKILL:
            how += f" (out of memory? peak {usage.ru_maxrss / 1024:.0f} MB)"  # kB on Linux
    else:
        how = f"exited with code {os.WEXITSTATUS(status)}"
    return progress.finish("crash", NoteError(f"crashed {where}: {how}", line, cell))


def _reap_orphans() -> None:
    """Kill what escaped the note's process group (setsid, double fork) and was reparented to us."""
    for _round in range(100):
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # no children at all: the common case, one cheap system call
        if pid:
            continue
        found = False
        for child in children_of(os.getpid()):
            found = True
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
        if not found:
            time.sleep(0.01)
        else:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                return
