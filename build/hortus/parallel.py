"""Work spread over forked processes, for the stages that are pure computation (parse, render).

Forked workers start with the whole build's state in memory, so a task is only a list of
indices and a result only what the parent must record; each task is a chunk of many notes,
so the cost of a process is paid a few times per build, not once per note.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_WORK: Callable[[Any], Any] | None = None


_PR_SET_PDEATHSIG = 1


def _worker_start(parent: int) -> None:
    # Ctrl-C is the parent's to handle: it stops the pool and leaves the old site in place.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed outright (SIGKILL) cannot stop its workers: the kernel does, on Linux.
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _run(chunk: Any) -> Any:
    assert _WORK is not None
    return _WORK(chunk)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def chunked(items: Sequence[T], jobs: int, per_job: int = 4) -> list[list[T]]:
    """Contiguous chunks, a few per worker so that one slow chunk does not hold up the end."""
    if not items:
        return []
    count = max(1, min(len(items), jobs * per_job))
    size = -(-len(items) // count)
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def fork_map(work: Callable[[T], R], chunks: list[T], jobs: int) -> list[R]:
    """`[work(c) for c in chunks]`, in forked processes when there is more than one job."""
    return list(fork_imap(work, chunks, jobs))


def fork_imap(work: Callable[[T], R], chunks: list[T], jobs: int) -> Iterator[R]:
    """`work(c)` for each chunk, in order, each yielded as soon as it is done: the parent
    takes in one chunk's results while the workers are still on the next."""
    global _WORK
    if jobs <= 1 or len(chunks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            yield work(chunk)
        return
    _WORK = work
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(chunks)),
            mp_context=context,
            initializer=_worker_start,
            initargs=(os.getpid(),),
        ) as pool:
            try:
                yield from pool.map(_run, chunks)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _WORK = None


def in_child_process(work: Callable[[], R]) -> R:
    """`work()` run in a forked child, its result handed back pickled: the memory the child
    used goes back to the system when it ends (a parent's freed memory mostly stays with it).
    An exception in the child is raised here; Ctrl-C stops both."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return work()
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        try:
            with contextlib.suppress(OSError, AttributeError):
                libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
                libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:
                os._exit(1)
            try:
                payload: tuple[str, Any] = ("done", work())
            except KeyboardInterrupt:
                payload = ("interrupted", None)
            except BaseException as exc:
                payload = ("failed", _portable(exc))
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(payload, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
    except BaseException:  # Ctrl-C here: the child is stopped before the parent cleans up
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    _, status = os.waitpid(pid, 0)
    if not data:
        from hortus.diagnostics import BuildError

        raise BuildError(f"the build's worker process ended unexpectedly ({_ended(status)})")
    kind, value = pickle.loads(data)
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
    except Exception:
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
