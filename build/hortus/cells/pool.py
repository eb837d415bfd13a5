"""Run notes' cells in parallel, each note in a fresh fork of a warm worker process.

    build process ──pipe── worker (python -m hortus.cells.worker; numpy + matplotlib imported once)
                              └── fork per note: own process group, runs the note

The worker watches the note's child: it kills the child's whole process group on timeout, when
the note holds more memory than its cap, and after every note (so nothing a cell started
outlives it), and reports a crash, the memory cap or a timeout as a result instead of failing.
A worker that dies itself is replaced. The build process never forks: it only talks JSON lines
to the workers (hortus.cells.protocol), which also tell each step of a note as it starts and
ends, for the progress display. CellPool is the default NoteExecutor (hortus.cells.executors).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from hortus.cells.executor import NoteExecutor
from hortus.cells.processes import signal_name, user_process_cap
from hortus.cells.progress import NoteProgress
from hortus.cells.protocol import LineReader, WorkerJob
from hortus.cells.records import NoteJob, NoteResult
from hortus.cells.sandbox import clear_stale_note_tempdirs, make_note_tempdir

# How long a new worker may take to import numpy/matplotlib (the first run builds a font cache).
STARTUP_TIMEOUT = 300.0
# Beyond the note's own timeout, which the worker enforces, before the pool gives up on a worker.
WORKER_GRACE = 30.0


class CellPool(NoteExecutor):
    """Long-lived workers; `run` is thread-safe, and `submit` and `map` run up to `jobs` notes
    at once."""

    def __init__(
        self,
        jobs: int | None = None,
        memory_mb: int | None = 2048,
        progress: NoteProgress | None = None,
    ) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.memory_mb = memory_mb
        self.progress = progress if progress is not None else NoteProgress()
        self._threads: ThreadPoolExecutor | None = None  # made on first submit
        # Workers start lazily, on first use, so a build with everything cached starts none.
        self._idle: queue.Queue[WorkerProcess | None] = queue.Queue()
        for _ in range(self.jobs):
            self._idle.put(None)
        self._all: set[WorkerProcess] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._env = worker_env()
        self._nproc = user_process_cap()
        clear_stale_note_tempdirs()  # left by a build that was killed

    def submit(self, job: NoteJob) -> Future[NoteResult]:
        with self._lock:
            if self._threads is None:
                self._threads = ThreadPoolExecutor(self.jobs, thread_name_prefix="hortus-cells")
            return self._threads.submit(self.run, job)

    def run(self, job: NoteJob, progress: NoteProgress | None = None) -> NoteResult:
        """Run one note in a worker, in this thread; `progress` (else the pool's) is told."""
        progress = progress if progress is not None else self.progress
        if self._closed:
            raise RuntimeError("CellPool is closed")
        # The note's temporary folder (its tempfile.gettempdir()) is made and removed here:
        # the note's child may be killed, and so may the worker running it.
        tempdir = make_note_tempdir()
        located = dataclasses.replace(job, workdir=os.path.abspath(job.workdir))
        memory_mb = job.memory_mb if job.memory_mb is not None else self.memory_mb
        work = WorkerJob(located, memory_mb, self._nproc, tempdir)
        data = (json.dumps(work.to_json(), default=str) + "\n").encode()
        worker = self._idle.get()
        progress.started(job)
        result = NoteResult.failed("crash", "the note did not run")
        try:
            detail = ""
            for _attempt in range(2):  # a worker that dies is replaced and the note tried again
                if worker is None or not worker.alive():
                    worker = self._spawn()
                listen = _listener(job, progress)
                outcome = worker.request(data, job.timeout + WORKER_GRACE, listen)
                if outcome.result is not None:
                    result = NoteResult.from_json(outcome.result)
                    return result
                detail = outcome.detail
                self._retire(worker)
                worker = None
                if outcome.hung:
                    message = f"timed out after {job.timeout:g} s ({detail})"
                    result = NoteResult.failed("timeout", message)
                    return result
            result = NoteResult.failed("crash", f"the worker running the note died: {detail}")
            return result
        finally:
            self._idle.put(worker)
            shutil.rmtree(tempdir, ignore_errors=True)
            progress.finished(job, result)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
            threads, self._threads = self._threads, None
        for worker in workers:
            worker.stop()
        if threads is not None:
            threads.shutdown(wait=False, cancel_futures=True)

    def _spawn(self) -> WorkerProcess:
        worker = WorkerProcess(self._env)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: WorkerProcess) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)


def _listener(job: NoteJob, progress: NoteProgress) -> Callable[[Any], None]:
    """What tells `progress` of the note's steps, as its worker reports them."""

    def listen(message: Any) -> None:
        for event in ("start", "done"):
            step = message.get(event) if isinstance(message, dict) else None
            if isinstance(step, list) and len(step) == 2 and isinstance(step[1], int):
                progress.step(job, event, str(step[0]), step[1])

    return listen


@dataclass
class Outcome:
    """How one request to a worker went."""

    result: dict[str, Any] | None  # the NoteResult's JSON, when the worker answered
    detail: str = ""  # else what became of the worker
    hung: bool = False  # whether it was alive but silent past its time


class WorkerProcess:
    """The build side of one worker process."""

    def __init__(self, env: dict[str, str]) -> None:
        # Where a worker that dies left its last words (read back for the error message).
        self.stderr = tempfile.TemporaryFile(prefix="hortus-worker-")  # noqa: SIM115
        self.proc = subprocess.Popen(
            # -P: the build's working directory is not on the notes' sys.path.
            [sys.executable, "-P", "-m", "hortus.cells.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
            start_new_session=True,  # Ctrl-C in the terminal goes to the build, which shuts us
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.out_fd = self.proc.stdout.fileno()
        self.lines = LineReader()
        self.ready = False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def request(
        self, data: bytes, guard: float, on_progress: Callable[[Any], None] | None = None
    ) -> Outcome:
        """Send one job and wait for its result, passing its progress messages on."""
        if not self.ready:
            message = self._read(time.monotonic() + STARTUP_TIMEOUT)
            if message is None or not message.get("ready"):
                return Outcome(None, f"worker failed to start{self._stderr_tail()}")
            self.ready = True
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except OSError:
            return Outcome(None, f"worker gone{self._stderr_tail()}")
        deadline = time.monotonic() + guard
        while True:
            message = self._read(deadline)
            if message is None:
                hung = self.alive() and time.monotonic() >= deadline
                return Outcome(None, "worker unresponsive" if hung else self._death(), hung=hung)
            if "progress" not in message:
                return Outcome(message.get("result"))
            if on_progress is not None:
                with contextlib.suppress(Exception):  # a display's fault must not lose the note
                    on_progress(message["progress"])

    def _read(self, deadline: float) -> dict[str, Any] | None:
        """The next JSON message from the worker; None on EOF or at the deadline."""
        while True:
            line = self.lines.pop()
            if line is not None:
                try:
                    return json.loads(line)
                except ValueError:
                    continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            readable, _, _ = select.select([self.out_fd], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(self.out_fd, 1 << 20)
            if not chunk:
                return None
            self.lines.feed(chunk)

    def _death(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "no answer"
        return f"{_describe_status(code)}{self._stderr_tail()}"

    def _stderr_tail(self) -> str:
        try:
            self.stderr.seek(0, os.SEEK_END)
            size = self.stderr.tell()
            self.stderr.seek(max(0, size - 2000))
            tail = self.stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return f": {tail}" if tail else ""

    def stop(self) -> None:
        """Let the worker exit on end of input; kill it if it does not."""
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_files()

    def kill(self) -> None:
        with contextlib.suppress(OSError):  # its group: the worker and a note child it forked
            os.killpg(self.proc.pid, signal.SIGKILL)
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self._close_files()

    def _close_files(self) -> None:
        for f in (self.proc.stdin, self.proc.stdout, self.stderr):
            try:
                if f is not None:
                    f.close()
            except OSError:
                pass


def _describe_status(code: int) -> str:
    if code < 0:
        return f"killed by signal {signal_name(-code)}"
    return f"exit code {code}"


def worker_env() -> dict[str, str]:
    """The environment of a worker: this one, made reproducible."""
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"  # set iteration order is fixed only at interpreter start
    env["MPLBACKEND"] = "Agg"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # One BLAS thread: `jobs` workers already use the cores, and sums do not depend on the
    # machine's core count (a different thread split can change the last bits of a float).
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    # The worker imports hortus from where this module came from, installed or not.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env
