"""Work spread over forked processes, for the stages that are pure computation (parse, render),
and the one way to ask whether the process that left a folder behind is still running.

A forked process starts with the whole build's state in memory, so a task is only a chunk of
indices and a result only what the parent must record. Each chunk gets a fresh process that
ends with it: Python's reference counts write to every object a process reads, so a
long-lived worker would end up with a private copy of all the notes it ever touched; one
process per chunk copies only that chunk's share. A chunk is many notes, so the cost of a
process is paid a few times per build, not once per note.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing
import os
import pickle
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def pid_alive(pid: int) -> bool:
    """Whether another process runs with `pid`, as read from the name of a folder a build
    left. Our own pid there is from an earlier life (a container restarted): not running.
    Someone else's process, or a number the system will not answer about, counts as running,
    so that what it may still use is left alone."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    return True


def chunked(items: Sequence[T], jobs: int, per_job: int = 4) -> list[list[T]]:
    """Contiguous chunks, a few per worker, the last ones smaller and smaller (each a share
    of what is left), so that the workers end nearly together: with equal chunks the last
    one ran alone, on one core, for as long as a chunk takes. None is larger than a
    `jobs * per_job`th of the items (what a worker holds at once), nor smaller than half
    that (each is a process to start)."""
    if not items:
        return []
    total = len(items)
    largest = -(-total // min(total, jobs * per_job))
    if jobs <= 1:
        return [list(items[i : i + largest]) for i in range(0, total, largest)]
    smallest = -(-largest // 2)
    chunks: list[list[T]] = []
    start = 0
    while start < total:
        size = min(largest, max(smallest, -(-(total - start) // (2 * jobs))))
        chunks.append(list(items[start : start + size]))
        start += size
    return chunks


def _fork() -> int:
    """os.fork, with the parent's objects out of the child's garbage collector: a collection
    in the child would write to every object it visits, copying the pages they share."""
    gc.freeze()
    try:
        pid = os.fork()
    except BaseException:
        gc.unfreeze()
        raise
    if pid != 0:
        gc.unfreeze()  # the parent's own garbage is collected as before
    return pid


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


SCRATCH_PREFIX = "hortus-work-"  # then the pid of the process that made the folder


def _scratch_folder() -> Path:
    """A new folder in the system's temporary folder for children's results, named with
    this process's pid. The first one a process makes clears what killed builds left."""
    _clear_stale_once()
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))


@functools.cache
def _clear_stale_once() -> None:
    clear_stale_scratch(Path(tempfile.gettempdir()))


def clear_stale_scratch(folder: Path) -> None:
    """Remove the scratch folders in `folder` whose process is gone: a build killed while
    its children worked (SIGKILL) leaves its folder. Not this process's own, which may be
    in use; others' only when the system says their process has ended (see pid_alive)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        pid, dash, _ = entry.name.removeprefix(SCRATCH_PREFIX).partition("-")
        ours = entry.name.startswith(SCRATCH_PREFIX) and dash and pid.isdigit()
        if not ours or int(pid) == os.getpid() or not entry.is_dir(follow_symlinks=False):
            continue
        if not pid_alive(int(pid)):
            shutil.rmtree(entry.path, ignore_errors=True)


def fork_map(work: Callable[[T], R], chunks: list[T], jobs: int) -> list[R]:
    """`[work(c) for c in chunks]`, in forked processes when there is more than one job."""
    return list(fork_imap(work, chunks, jobs))


def fork_imap(work: Callable[[T], R], chunks: list[T], jobs: int) -> Iterator[R]:
    """`work(c)` for each chunk, in order, each yielded as soon as it and those before it are
    done, at most `jobs` processes at a time. A chunk that ends early frees its slot at once,
    and the slots are filled again before a result is handed over, so the cores stay busy
    while the parent takes it in. A failure in a chunk is raised here; the others are
    stopped."""
    if jobs <= 1 or len(chunks) <= 1 or not can_fork():
        for chunk in chunks:
            yield work(chunk)
        return
    parent = os.getpid()
    scratch = _scratch_folder()
    children = _Children()
    statuses: dict[int, int] = {}  # chunk index -> exit status of its process
    started = 0
    try:
        for index in range(len(chunks)):
            while True:
                while started < len(chunks) and len(children) < jobs:
                    result = scratch / f"{started}.pickle"
                    pid = _fork()
                    if pid == 0:
                        _run_child(lambda chunk=chunks[started]: work(chunk), result, parent)
                    children.add(pid, started)
                    started += 1
                if index in statuses:
                    break
                done, status = children.wait(index)
                statuses[done] = status
            yield _take(scratch / f"{index}.pickle", statuses.pop(index))
    finally:
        children.stop()  # stopped early: a failure, or Ctrl-C
        shutil.rmtree(scratch, ignore_errors=True)


class _Children:
    """The running children of fork_imap, by the chunk each works on. Where the system can
    tell of any one child's end (a pidfd per child, Linux), the first to end is waited for;
    elsewhere the one whose chunk is wanted next."""

    def __init__(self) -> None:
        self.chunks: dict[int, int] = {}  # pid -> chunk index
        self.pidfds: dict[int, int] = {}  # pid -> its pidfd, while `poll` is in use
        self.poll = select.poll() if hasattr(os, "pidfd_open") else None

    def __len__(self) -> int:
        return len(self.chunks)

    def add(self, pid: int, chunk: int) -> None:
        self.chunks[pid] = chunk
        if self.poll is None:
            return
        try:
            fd = os.pidfd_open(pid)
        except OSError:  # a kernel without pidfds: wait in order from now on
            for other in list(self.pidfds):
                self._forget(other)
            self.poll = None
            return
        self.pidfds[pid] = fd
        self.poll.register(fd, select.POLLIN)

    def wait(self, wanted: int) -> tuple[int, int]:
        """(chunk index, exit status) of a child that has ended: any, where the system
        tells which, else the one working on chunk `wanted`."""
        if self.poll is not None:
            ready = self.poll.poll()[0][0]
            pid = next(p for p, fd in self.pidfds.items() if fd == ready)
        else:
            pid = next(p for p, i in self.chunks.items() if i == wanted)
        _, status = os.waitpid(pid, 0)
        self._forget(pid)
        return self.chunks.pop(pid), status

    def _forget(self, pid: int) -> None:
        fd = self.pidfds.pop(pid, None)
        if fd is not None and self.poll is not None:
            self.poll.unregister(fd)
            os.close(fd)

    def stop(self) -> None:
        for pid in self.chunks:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in list(self.chunks):
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
            self._forget(pid)
        self.chunks.clear()


def in_child_process(work: Callable[[], R], meanwhile: Callable[[], None] | None = None) -> R:
    """`work()` run in a forked child, its result handed back pickled: the memory the child
    used goes back to the system when it ends (a parent's freed memory mostly stays with it).
    `meanwhile` runs in the parent once the child has started (to let go of what only the
    child needs now). An exception in the child is raised here; Ctrl-C stops both."""
    if not can_fork():
        return work()
    parent = os.getpid()
    scratch = _scratch_folder()
    result = scratch / "result.pickle"
    try:
        pid = _fork()
        if pid == 0:
            _run_child(work, result, parent, interruptible=True)
        try:
            if meanwhile is not None:
                meanwhile()
            _, status = os.waitpid(pid, 0)
        except BaseException:  # Ctrl-C: the child is stopped before the parent cleans up
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        return _take(result, status)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def give_back_freed_memory() -> None:
    """Return the memory freed so far to the system, where the C library can (glibc keeps
    freed blocks for reuse, even whole pages of them, unless asked)."""
    with contextlib.suppress(OSError, AttributeError):
        _libc().malloc_trim(0)


@functools.cache
def _libc() -> ctypes.CDLL:
    # The symbols the process has loaded, the C library's among them: finding the library
    # by name would run `ldconfig -p` in each process that asks.
    return ctypes.CDLL(None, use_errno=True)


class ForkedWork(Generic[R]):
    """`work()` started now, beside whatever the caller goes on with; `result()` waits for
    it. With `fork` (and where processes can be forked) it runs in a forked child: work that
    is mostly Python (reading pages, encoding messages) then has a core and an interpreter
    lock of its own rather than taking turns with the parent's. Otherwise, in a thread: a
    fork of a large build costs more than a little work saves.

    With `fresh` as well, the child is a new interpreter rather than a fork: it shares none
    of the caller's memory, where a fork of a large build ends up holding a copy of each
    page of it that either side writes to. `work` must then pickle (a module-level function,
    or a functools.partial of one)."""

    def __init__(self, work: Callable[[], R], fork: bool = True, fresh: bool = False) -> None:
        self._pid = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._outcome: list[Any] = []  # the thread's ("done", value) or ("failed", exc)
        self._thread: threading.Thread | None = None
        if not (fork and can_fork()):
            self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
            self._thread.start()
            return
        parent = os.getpid()
        self._scratch = _scratch_folder()
        result = self._scratch / "result.pickle"
        if fresh:
            try:
                self._process = _spawn(work, result, parent)
            except BaseException:
                shutil.rmtree(self._scratch, ignore_errors=True)
                raise
            self._pid = self._process.pid
            return
        pid = _fork()
        if pid == 0:
            _run_child(work, result, parent)
        self._pid = pid

    def _run(self, work: Callable[[], R]) -> None:
        try:
            self._outcome.append(("done", work()))
        except BaseException as exc:  # raised in the caller's thread by result()
            self._outcome.append(("failed", exc))

    def result(self) -> R:
        """What `work()` returned; what it raised is raised here."""
        if self._thread is not None:
            self._thread.join()
            kind, value = self._outcome[0]
            if kind == "failed":
                raise value
            return value
        try:
            status = self._wait()
            self._pid = 0
            return _take(self._scratch / "result.pickle", status)
        finally:
            self.cancel()

    def _wait(self) -> int:
        """The child's end, as os.waitpid gives it."""
        if self._process is None:
            return os.waitpid(self._pid, 0)[1]
        code = self._process.wait()
        return -code if code < 0 else code << 8  # killed by signal -code, or exit `code`

    def cancel(self) -> None:
        """Stop the work if it still runs in its process (the build failed before it was
        needed); a thread is left to end by itself."""
        if self._thread is not None:
            return
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                self._wait()
            self._pid = 0
        shutil.rmtree(self._scratch, ignore_errors=True)


# A new interpreter's first words: the caller's import path, then the work (see run_spawned).
_SPAWNED = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from hortus.parallel import run_spawned; run_spawned()"
)


def _spawn(work: Callable[[], Any], result: Path, parent: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-c", _SPAWNED], stdin=subprocess.PIPE)
    assert process.stdin is not None
    with process.stdin:
        pickle.dump(sys.path, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump((work, result, parent), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
    return process


def run_spawned() -> None:
    """In a new interpreter started by ForkedWork: the work it was given, as a fork runs it."""
    work, result, parent = pickle.load(sys.stdin.buffer)
    _run_child(work, result, parent)


def _run_child(
    work: Callable[[], Any], result: Path, parent: int, interruptible: bool = False
) -> None:
    """In a forked (or spawned) child: run `work`, write what became of it to `result`, and exit."""
    try:
        # A parent killed outright (SIGKILL) cannot stop its children: the kernel does.
        with contextlib.suppress(OSError, AttributeError):
            _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)
        if not interruptible:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent's to handle
        try:
            payload: tuple[str, Any] = ("done", work())
        except KeyboardInterrupt:
            payload = ("interrupted", None)
        except BaseException as exc:  # every failure is the parent's to report
            payload = ("failed", _portable(exc))
        with open(result, "wb") as file:
            pickle.dump(payload, file, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)


def _take(result: Path, status: int) -> Any:
    try:
        kind, value = pickle.loads(result.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError):
        from hortus.diagnostics import BuildError

        raise BuildError(f"a build worker process ended unexpectedly ({_ended(status)})") from None
    finally:
        result.unlink(missing_ok=True)
    if kind == "interrupted":
        raise KeyboardInterrupt
    if kind == "failed":
        raise _restored(value)
    return value


def _portable(exc: BaseException) -> Any:
    """An exception as it can cross to the parent: itself when it pickles and unpickles, else
    its type's name and message."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # e.g. an exception whose __init__ takes more arguments
        return (type(exc).__name__, str(exc))


def _restored(value: Any) -> BaseException:
    if isinstance(value, BaseException):
        return value
    name, message = value
    return type(name, (Exception,), {})(message)  # shown as `internal error: Name: message`


def _ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit {os.WEXITSTATUS(status)}"
