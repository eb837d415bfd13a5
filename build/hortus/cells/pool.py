"""Run notes' cells in parallel, each note in a fresh fork of a warm worker process.

    build process ──pipe── worker (python -m hortus.cells.pool; numpy + matplotlib imported once)
                              └── fork per note: own process group, memory cap, runs kernel.run_note

The worker watches the note's child: it kills the child's whole process group on timeout and
after every note (so nothing a cell started outlives it), and reports a crash, a memory fault or a
timeout as a result instead of failing. A worker that dies itself is replaced. The build process
never forks: it only talks JSON lines to the workers.
"""

from __future__ import annotations

import contextlib
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from hortus.cells.kernel import (
    NoteRun,
    RunListener,
    Step,
    clear_stale_note_tempdirs,
    make_note_tempdir,
    process_table,
)

# How long a new worker may take to import numpy/matplotlib (the first run builds a font cache).
STARTUP_TIMEOUT = 300.0
# Beyond the note's own timeout, which the worker enforces, before the pool gives up on a worker.
WORKER_GRACE = 30.0
# Processes the user may add while notes run, on top of those they had (non-root only).
NPROC_HEADROOM = 2048

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class NoteJob:
    note_path: str  # vault-relative, for messages
    workdir: str  # absolute folder of the note
    steps: list[Step]
    timeout: float  # seconds for the whole note


def _fault(status: str, message: str, cell: int | None = None, line: int | None = None) -> dict:
    return {
        "cells": [],
        "inline": [],
        "claims": [],
        "files": [],
        "status": status,
        "error": {"message": message, "cell": cell, "line": line},
    }


class CellPool:
    """Long-lived workers; `run` is thread-safe and `map` runs up to `jobs` notes at once."""

    def __init__(self, jobs: int | None = None, memory_mb: int | None = 2048) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.memory_mb = memory_mb
        # Workers start lazily, on first use, so a build with everything cached starts none.
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(self.jobs):
            self._idle.put(None)
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._env = _worker_env()
        self._nproc = _nproc_limit()
        clear_stale_note_tempdirs()  # left by a build that was killed

    def __enter__(self) -> CellPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, job: NoteJob) -> dict:
        if self._closed:
            raise RuntimeError("CellPool is closed")
        # The note's temporary folder (its tempfile.gettempdir()) is made and removed here:
        # the note's child may be killed, and so may the worker running it.
        tempdir = make_note_tempdir()
        payload = {
            "note_path": job.note_path,
            "workdir": os.path.abspath(job.workdir),
            "steps": [step.to_dict() for step in job.steps],
            "timeout": float(job.timeout),
            "memory_mb": self.memory_mb,
            "nproc": self._nproc,
            "tempdir": tempdir,
        }
        data = (json.dumps(payload, default=str) + "\n").encode()
        worker = self._idle.get()
        try:
            detail = ""
            for _attempt in range(2):  # a worker that dies is replaced and the note tried again
                if worker is None or not worker.alive():
                    worker = self._spawn()
                outcome = worker.request(data, job.timeout + WORKER_GRACE)
                if outcome.result is not None:
                    return outcome.result
                detail = outcome.detail
                self._retire(worker)
                worker = None
                if outcome.hung:
                    return _fault("timeout", f"timed out after {job.timeout:g} s ({detail})")
            return _fault("crash", f"the worker running the note died: {detail}")
        finally:
            self._idle.put(worker)
            shutil.rmtree(tempdir, ignore_errors=True)

    def map(self, jobs: list[NoteJob]) -> list[dict]:
        if not jobs:
            return []
        with ThreadPoolExecutor(max_workers=min(self.jobs, len(jobs))) as executor:
            return list(executor.map(self.run, jobs))

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()

    def _spawn(self) -> _Worker:
        worker = _Worker(self._env)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)


@dataclass
class _Outcome:
    result: dict | None
    detail: str = ""
    hung: bool = False


class _Worker:
    """The build side of one worker process."""

    def __init__(self, env: dict[str, str]) -> None:
        # Where a worker that dies left its last words (read back for the error message).
        self.stderr = tempfile.TemporaryFile(prefix="hortus-worker-")  # noqa: SIM115
        self.proc = subprocess.Popen(
            # -P: the build's working directory is not on the notes' sys.path.
            [sys.executable, "-P", "-m", "hortus.cells.pool"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
            start_new_session=True,  # Ctrl-C in the terminal goes to the build, which shuts us
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.out_fd = self.proc.stdout.fileno()
        self.pending = bytearray()
        self.ready = False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def request(self, data: bytes, guard: float) -> _Outcome:
        if not self.ready:
            message = self._read(time.monotonic() + STARTUP_TIMEOUT)
            if message is None or not message.get("ready"):
                return _Outcome(None, f"worker failed to start{self._stderr_tail()}")
            self.ready = True
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except OSError:
            return _Outcome(None, f"worker gone{self._stderr_tail()}")
        deadline = time.monotonic() + guard
        message = self._read(deadline)
        if message is None:
            hung = self.alive() and time.monotonic() >= deadline
            return _Outcome(None, "worker unresponsive" if hung else self._death(), hung=hung)
        return _Outcome(message.get("result"))

    def _read(self, deadline: float) -> dict | None:
        """The next JSON line from the worker; None on EOF or at the deadline."""
        while True:
            newline = self.pending.find(b"\n")
            if newline >= 0:
                line = bytes(self.pending[:newline])
                del self.pending[: newline + 1]
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
            self.pending += chunk

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
        return f"killed by signal {_signal_name(-code)}"
    return f"exit code {code}"


def _signal_name(number: int) -> str:
    try:
        name = signal.Signals(number).name
    except ValueError:
        return str(number)
    description = signal.strsignal(number)
    return f"{name} ({description})" if description else name


def _worker_env() -> dict[str, str]:
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


def _nproc_limit() -> int | None:
    """A cap on the user's processes for note children, or None (root is not limited anyway).

    RLIMIT_NPROC counts every task of the user, so the cap is what they run now plus headroom.
    """
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        return None
    uid = os.geteuid()
    tasks = 0
    try:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as f:
                    fields = dict(
                        line.split(":", 1) for line in f.read().splitlines() if ":" in line
                    )
            except OSError:
                continue
            if fields.get("Uid", "").split()[:1] == [str(uid)]:
                tasks += int(fields.get("Threads", "1").strip() or 1)
    except OSError:
        return None
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_NPROC)
    limit = tasks + NPROC_HEADROOM
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    return limit


# -- the worker process ---------------------------------------------------------------------------


def main() -> None:
    # Protocol on private descriptors; 0 and 1 become /dev/null so no note child inherits them.
    jobs_fd = os.dup(0)
    results_fd = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides when workers stop
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)  # orphans of a note's processes come back to us to kill
    _warm_up()
    _send(results_fd, {"ready": True, "pid": os.getpid()})
    pending = bytearray()
    while True:
        newline = pending.find(b"\n")
        if newline < 0:
            chunk = os.read(jobs_fd, 1 << 20)
            if not chunk:
                return  # the build closed the pipe: done
            pending += chunk
            continue
        line = bytes(pending[:newline])
        del pending[: newline + 1]
        try:
            result = _run_job(json.loads(line), jobs_fd, results_fd)
        except Exception as exc:  # e.g. fork failing for lack of memory or processes
            result = _fault("crash", f"could not run the note: {type(exc).__name__}: {exc}")
        _send(results_fd, {"result": result})


def _warm_up() -> None:
    """Import numpy and matplotlib once, and draw one figure so fonts and the SVG backend load."""
    import gc
    import io

    from hortus.cells import kernel

    # A missing or broken package only means notes cannot use it, as in a fresh interpreter.
    with contextlib.suppress(Exception):
        import numpy  # noqa: F401 - imported for the children
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots()
        axes.plot([0, 1], [0, 1], label="warm")
        axes.set_title("warm-up $x^2$")
        axes.legend()
        figure.savefig(io.StringIO(), format="svg")
        plt.close("all")
    except Exception:
        pass
    # One trivial note in-process loads what every note touches (numpy.random is lazy, so are
    # matplotlib.style and parts of ast/traceback), so that each child does not load it again.
    with tempfile.TemporaryDirectory(prefix="hortus-warm-") as folder:
        warm = [Step("cell", 0, "x = 1\nx", 1, {}), Step("inline", 0, "x", 3, {})]
        kernel.run_note(warm, folder, "warm-up.md")
    kernel.installation_dirs()
    # Whatever each child would otherwise find or load again: tempfile probes for a writable
    # directory on first use, and these modules are shared libraries.
    tempfile.gettempdir()
    import fcntl  # noqa: F401
    import resource  # noqa: F401

    _libc()
    # Objects that exist now are never collected in the children: fewer copied pages per fork.
    gc.collect()
    gc.freeze()


_libc_handle: Any = None


def _libc() -> Any:
    global _libc_handle
    if _libc_handle is None:
        import ctypes

        _libc_handle = ctypes.CDLL(None, use_errno=True)
    return _libc_handle


def _prctl(option: int, value: int) -> bool:
    try:
        return _libc().prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _send(fd: int, message: dict) -> None:
    data = memoryview((json.dumps(message) + "\n").encode())
    while data:
        written = os.write(fd, data)
        data = data[written:]


class _Progress:
    """What the worker has heard from a note's child so far."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = {(s.kind, s.index): s for s in steps}
        self.result: dict[str, Any] = {"cells": [], "inline": [], "claims": [], "files": []}
        self.files: set[str] = set()
        self.current: Step | None = None
        self.current_done = False
        self.end: dict | None = None
        self.fatal: str | None = None
        self.started_at = time.monotonic()

    def feed(self, message: Any) -> None:
        if not isinstance(message, dict):
            return
        if "start" in message:
            kind, index = message["start"]
            self.current = self.steps.get((kind, index))
            self.current_done = False
            self.started_at = time.monotonic()
        elif "done" in message:
            done = message["done"]
            self.result["cells" if done["kind"] == "cell" else "inline"].append(done["entry"])
            self.result["claims"].extend(done["claims"])
            self.files.update(done["files"])
            self.current_done = True
        elif "end" in message:
            self.end = message["end"]
        elif "fatal" in message:
            self.fatal = str(message["fatal"])

    def where(self) -> tuple[str, int | None, int | None]:
        step = self.current
        if step is None:
            return "before the first cell", None, None
        name = (
            f"cell {step.index + 1}"
            if step.kind == "cell"
            else f"inline expression {step.index + 1}"
        )
        cell = step.index if step.kind == "cell" else None
        if self.current_done:
            return f"after {name}", cell, step.line
        return f"in {name} (line {step.line})", cell, step.line

    def finish(self, status: str, error: dict | None) -> dict:
        return {**self.result, "files": sorted(self.files), "status": status, "error": error}


def _run_job(job: dict, jobs_fd: int, results_fd: int) -> dict:
    steps = [Step.from_dict(s) for s in job["steps"]]
    progress = _Progress(steps)
    read_fd, write_fd = os.pipe()
    worker_pid = os.getpid()
    own_tempdir = not job.get("tempdir")  # the pool makes one; a bare job gets its own here
    if own_tempdir:
        job["tempdir"] = make_note_tempdir()
    pid = os.fork()
    child = _Child(pid)
    if pid == 0:  # the note's child
        try:
            os.close(read_fd)
            os.close(jobs_fd)
            os.close(results_fd)
            _child(job, steps, write_fd, worker_pid)
        finally:
            os._exit(70)
    os.close(write_fd)
    with contextlib.suppress(OSError):  # also here: no window in which a group kill misses it
        os.setpgid(pid, pid)
    start = time.monotonic()
    note_deadline = start + float(job["timeout"])
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    poller = select.poll()
    poller.register(read_fd, select.POLLIN)
    poller.register(jobs_fd, select.POLLHUP)
    if pidfd is not None:
        poller.register(pidfd, select.POLLIN)
    pending = bytearray()
    pipe_open = True
    timed_out: float | None = None  # the timeout that ran out

    def take(data: bytes) -> None:
        pending.extend(data)
        if b"\n" in data:
            *lines, rest = bytes(pending).split(b"\n")
            pending[:] = rest
            for line in lines:
                # A cell writing garbage into our pipe cannot confuse the worker.
                with contextlib.suppress(Exception):
                    progress.feed(json.loads(line))

    while progress.end is None and progress.fatal is None:
        deadline, limit = note_deadline, float(job["timeout"])
        step = progress.current
        if step is not None and not progress.current_done and "timeout" in step.options:
            try:
                cell_limit = float(step.options["timeout"])  # `#| timeout:` for one cell
            except (TypeError, ValueError):
                cell_limit = None
            if cell_limit is not None and progress.started_at + cell_limit < deadline:
                deadline, limit = progress.started_at + cell_limit, cell_limit
        now = time.monotonic()
        if now >= deadline:
            timed_out = limit
            break
        wait = deadline - now if pidfd is not None else min(deadline - now, 0.05)
        events = poller.poll(max(1, int(wait * 1000) + 1))
        exited = False
        for fd, _event in events:
            if fd == read_fd:
                data = os.read(read_fd, 1 << 20)
                if data:
                    take(data)
                else:
                    poller.unregister(read_fd)
                    pipe_open = False
            elif fd == jobs_fd:  # the build is gone: leave nothing running
                _kill_group(pid)
                os._exit(0)
            elif fd == pidfd:
                exited = True
        if pidfd is None and not exited:
            exited = child.has_exited()
        if exited:
            if pipe_open:  # what the child wrote just before it ended
                os.set_blocking(read_fd, False)
                while True:
                    try:
                        data = os.read(read_fd, 1 << 20)
                    except BlockingIOError:
                        break
                    if not data:
                        break
                    take(data)
            break
    _kill_group(pid)  # the child's leftovers (a Popen'd sleep); the child may still be a zombie
    status, usage = child.reap()
    _reap_orphans()
    if own_tempdir:
        shutil.rmtree(job["tempdir"], ignore_errors=True)
    os.close(read_fd)
    if pidfd is not None:
        os.close(pidfd)
    where, cell, line = progress.where()
    if timed_out is not None:
        return progress.finish(
            "timeout",
            {"message": f"timed out after {timed_out:g} s {where}", "cell": cell, "line": line},
        )
    end = progress.end
    if end is not None:
        error = end.get("error")
        memory_mb = job.get("memory_mb")
        if end.get("memory") and memory_mb and error:
            step = progress.current
            name = "cell" if step is None or step.kind == "cell" else "inline expression"
            index = error.get("cell") if step is None else step.index
            message = f"used more than {memory_mb} MB in {name} {index} (line {error.get('line')})"
            return progress.finish(
                "memory", {"message": message, "cell": error.get("cell"), "line": error.get("line")}
            )
        return progress.finish(end.get("status", "error"), error)
    if progress.fatal is not None:
        message = f"hortus failed to run the note {where}: {progress.fatal}"
        return progress.finish("crash", {"message": message, "cell": cell, "line": line})
    memory_mb = job.get("memory_mb")
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        if signum == signal.SIGKILL and memory_mb and peak_mb >= 0.9 * memory_mb:
            message = f"used more than {memory_mb} MB {where}"
            return progress.finish("memory", {"message": message, "cell": cell, "line": line})
        how = f"killed by signal {_signal_name(signum)}"
        if signum == signal.SIGKILL:
            how += f" (out of memory? peak {peak_mb:.0f} MB)"
    else:
        how = f"exited with code {os.WEXITSTATUS(status)}"
    message = f"crashed {where}: {how}"
    return progress.finish("crash", {"message": message, "cell": cell, "line": line})


class _Child:
    """Exit status of the note's child, for platforms without pidfd (polling)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.reaped: tuple[int, Any] | None = None

    def has_exited(self) -> bool:
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


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)  # in case it never got its own group


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
        for child in _children():
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


def _children() -> list[int]:
    me = os.getpid()
    # No /proc (not Linux): no subreaper either, so no orphans of ours.
    return [pid for pid, _state, ppid, _group in process_table() or () if ppid == me]


class _ChildListener(RunListener):
    """Streams each finished step to the worker, so a later crash still keeps the earlier ones."""

    def __init__(self, fd: int, owner: int, memory_limit: tuple[int, int] | None) -> None:
        self.fd = fd
        self.owner = owner
        self.memory_limit = memory_limit

    def send(self, message: dict) -> None:
        if os.getpid() != self.owner:
            os._exit(0)  # a process forked by a cell: it must not speak for the note
        import resource

        if self.memory_limit is not None:  # a note near its cap must still be able to report
            resource.setrlimit(resource.RLIMIT_AS, (self.memory_limit[1], self.memory_limit[1]))
        try:
            _send(self.fd, message)
        finally:
            if self.memory_limit is not None:
                resource.setrlimit(resource.RLIMIT_AS, self.memory_limit)

    def step_started(self, step: Step) -> None:
        self.send({"start": [step.kind, step.index]})

    def step_finished(self, step: Step, entry: dict, claims: list[dict], files: list[str]) -> None:
        self.send({"done": {"kind": step.kind, "entry": entry, "claims": claims, "files": files}})


def _limit_memory(memory_mb: int) -> tuple[int, int] | None:
    """Cap the address space at what the warm worker already maps plus `memory_mb`."""
    import resource

    try:
        with open("/proc/self/statm", "rb") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = mapped + memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):  # no /proc or no RLIMIT_AS (macOS): no cap
        return None
    return limit, hard


def _child(job: dict, steps: list[Step], fd: int, worker_pid: int) -> None:
    import resource

    os.setpgid(0, 0)  # one group: killing it ends everything the note started
    _prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if os.getppid() != worker_pid:  # the worker died before the line above
        os._exit(1)
    listener = _ChildListener(fd, os.getpid(), None)
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file dropped into the vault
        nproc = job.get("nproc")
        if nproc:
            _soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
            if hard != resource.RLIM_INFINITY:
                nproc = min(int(nproc), hard)
            resource.setrlimit(resource.RLIMIT_NPROC, (int(nproc), hard))
        memory_mb = job.get("memory_mb")
        if memory_mb:
            listener.memory_limit = _limit_memory(int(memory_mb))
        run = NoteRun(
            steps,
            job["workdir"],
            job["note_path"],
            capture_fds=True,
            listener=listener,
            tempdir=job.get("tempdir"),
        )
        result = run.run()
        memory = listener.memory_limit is not None and isinstance(run.failure, MemoryError)
        listener.send(
            {"end": {"status": result["status"], "error": result["error"], "memory": memory}}
        )
    except BaseException:
        import traceback

        listener.send({"fatal": traceback.format_exc(limit=5)})
    os._exit(0)


if __name__ == "__main__":
    main()
