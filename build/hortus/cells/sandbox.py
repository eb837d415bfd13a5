"""Where a note's cells may write, and what they read and start, watched from inside the
process through one audit hook (sys.addaudithook).

While a note runs: a write outside its folder and its own temporary folder is refused with
PermissionError, a process beyond the note's budget with BlockingIOError, and every file
opened for reading is recorded (the note's results depend on it). The hook cannot be removed;
it is inert while no note runs. This guards against a note that writes where it should not;
it is not a security boundary: a program the cell starts is not watched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from hortus.cells.processes import ProcessBudget

# What the hook watches for while a note runs; None otherwise.
_reading: set[str] | None = None  # paths opened for reading
_guard: _WriteGuard | None = None  # the folders writes may go to
_processes: ProcessBudget | None = None  # the note's process count
_hook_installed = False


@contextlib.contextmanager
def sandboxed(
    workdir: str, tempdir: str, opened: set[str], process_limit: int | None
) -> Iterator[None]:
    """While the block runs, writes may go only to `workdir` and `tempdir` (which tempfile and
    programs the cells start use as their temp folder), at most `process_limit` processes run,
    and every path opened for reading is added to `opened`."""
    global _reading, _guard, _processes
    previous = (_reading, _guard, _processes)
    saved_tempdir = tempfile.tempdir
    saved_tmpenv = os.environ.get("TMPDIR")
    _install_audit_hook()
    try:
        tempfile.tempdir = tempdir
        os.environ["TMPDIR"] = tempdir
        _guard = _WriteGuard([workdir, tempdir, *_cache_dirs()])
        if process_limit is not None:
            _processes = ProcessBudget(process_limit)
        _reading = opened
        yield
    finally:
        budget = _processes
        _reading, _guard, _processes = previous
        if budget is not previous[2] and budget is not None:
            budget.close()
        tempfile.tempdir = saved_tempdir
        if saved_tmpenv is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_tmpenv


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """While the block runs, hortus's own work between cells (keeping or restoring what a run
    needs to resume) is neither refused nor recorded as the note's."""
    global _reading, _guard, _processes
    previous = (_reading, _guard, _processes)
    _reading, _guard, _processes = None, None, None
    try:
        yield
    finally:
        _reading, _guard, _processes = previous


def _audit(event: str, args: tuple) -> None:
    # Called for every audited event in the process: keep the common path short. Only the
    # guards below raise, and only to refuse what a cell asked for.
    if event == "open" and _reading is not None:
        _record_read(args)
    guard = _guard
    if guard is not None:
        targets = _WRITE_EVENTS.get(event)
        if targets is not None:
            guard.check(targets, args)
    if event in _PROCESS_EVENTS:
        budget = _processes
        if budget is not None:
            budget.take()


def _record_read(args: tuple) -> None:
    try:
        path, _mode, flags = args
        if isinstance(path, int) or path is None or _reading is None:
            return
        if isinstance(flags, int) and (flags & os.O_ACCMODE == os.O_WRONLY or flags & os.O_TRUNC):
            return  # written, not read: not something the results depend on
        _reading.add(os.path.abspath(os.fsdecode(path)))
    except Exception:
        pass


def _install_audit_hook() -> None:
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)  # cannot be removed; inert while no note runs
        _hook_installed = True


# A target is (path or fd, dir_fd, entry): `entry` when the operation acts on the directory
# entry itself (remove, rename, mkdir: a symlink there is not followed), else on the file.
_Target = tuple[Any, Any, bool]
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# Devices a cell may always open for writing (stdout and stderr resolve to the capture files).
_DEVICES = frozenset({os.devnull, "/dev/stdout", "/dev/stderr"})


def _opened_for_writing(args: tuple) -> tuple[_Target, ...]:
    path, mode, flags = args
    if path is None or isinstance(path, int):
        return ()  # a descriptor that is already open was checked when it was opened
    writes = (isinstance(flags, int) and flags & _WRITE_FLAGS) or (
        isinstance(mode, str) and any(c in mode for c in "wax+")
    )
    return ((path, None, False),) if writes else ()


# Audit events (https://docs.python.org/3/library/audit_events.html) that create, change or
# remove files, and the paths each one touches.
_WRITE_EVENTS: dict[str, Callable[[tuple], tuple[_Target, ...]]] = {
    "open": _opened_for_writing,
    "os.remove": lambda a: ((a[0], a[1], True),),
    "os.rmdir": lambda a: ((a[0], a[1], True),),
    "os.mkdir": lambda a: ((a[0], a[2], True),),
    "os.rename": lambda a: ((a[0], a[2], True), (a[1], a[3], True)),
    # A hard link to a file outside would let a later write in the folder change that file.
    "os.link": lambda a: ((a[0], a[2], False), (a[1], a[3], True)),
    "os.symlink": lambda a: ((a[1], a[2], True),),
    # ftruncate needs a descriptor open for writing, which was checked when it was opened.
    "os.truncate": lambda a: () if isinstance(a[0], int) else ((a[0], None, False),),
    "os.chmod": lambda a: ((a[0], a[2], False),),
    "os.chown": lambda a: ((a[0], a[3], False),),
    "os.utime": lambda a: ((a[0], a[3], False),),
    "os.chflags": lambda a: ((a[0], None, False),),
    "os.lchflags": lambda a: ((a[0], None, True),),
    "os.setxattr": lambda a: ((a[0], None, False),),
    "os.removexattr": lambda a: ((a[0], None, False),),
    # Refused before anything is removed or copied, rather than halfway through.
    "shutil.rmtree": lambda a: ((a[0], a[1], True),),
    "shutil.copytree": lambda a: ((a[1], None, False),),
    "shutil.move": lambda a: ((a[0], None, True), (a[1], None, False)),
    "shutil.unpack_archive": lambda a: () if a[1] is None else ((a[1], None, False),),
}


class _WriteGuard:
    """Refuses, with PermissionError inside the cell, a write outside the given folders.

    Cells share the process with nothing else, so this is a guard against a note that writes
    where it should not (`../x`, an absolute path, a removal), not a sandbox: a program the
    cell starts is not watched."""

    def __init__(self, roots: list[str]) -> None:
        self.roots = tuple(sorted({os.path.realpath(r).rstrip(os.sep) + os.sep for r in roots}))

    def check(self, targets: Callable[[tuple], tuple[_Target, ...]], args: tuple) -> None:
        try:
            found = targets(args)
        except (IndexError, TypeError, ValueError):
            return  # not arguments this version knows: the call itself will complain
        for path, dir_fd, entry in found:
            try:
                if not isinstance(path, int) and os.fsdecode(os.fspath(path)) in _DEVICES:
                    continue
                real = _real_target(path, dir_fd, entry)
            except (TypeError, ValueError):
                continue  # not a path at all: the call will fail by itself
            except OSError:
                real = None  # e.g. the working folder is gone
            if real is None or not (real + os.sep).startswith(self.roots):
                raise PermissionError(
                    errno.EACCES,
                    "write refused: a cell may write only in its note's folder "
                    "and in tempfile.gettempdir()",
                    real or _shown(path),
                )


def _shown(path: Any) -> str:
    if isinstance(path, int):
        return f"file descriptor {path}"
    try:
        return os.fsdecode(os.fspath(path))
    except TypeError:
        return repr(path)


def _real_target(path: Any, dir_fd: Any, entry: bool) -> str | None:
    """The absolute path, symlinks resolved, that an operation on `path` changes; None when
    it cannot be told (a descriptor whose file is unknown)."""
    if isinstance(path, int):
        return _fd_path(path)
    name = os.fsdecode(os.fspath(path))
    if not os.path.isabs(name):
        if isinstance(dir_fd, int) and dir_fd >= 0:  # -1 and None: the working directory
            base = _fd_path(dir_fd)
            if base is None:
                return None
            name = os.path.join(base, name)
        else:
            name = os.path.join(os.getcwd(), name)
    # realpath, not abspath: `link/../x` is where the link points, then up, as the OS sees it.
    head, tail = os.path.split(name)
    if entry and tail not in ("", ".", ".."):
        return os.path.join(os.path.realpath(head), tail)
    return os.path.realpath(name)


def _fd_path(fd: int) -> str | None:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass
    try:
        import fcntl

        getpath = getattr(fcntl, "F_GETPATH", None)  # macOS
        if getpath is not None:
            return os.fsdecode(fcntl.fcntl(fd, getpath, bytes(1024)).rstrip(b"\0"))
    except OSError:
        pass
    return None


# Events of a new process. Not `os.exec`: it replaces a process that was counted when forked.
_PROCESS_EVENTS = frozenset(
    {"os.fork", "os.forkpty", "subprocess.Popen", "os.posix_spawn", "os.system"}
)


def _cache_dirs() -> list[str]:
    """Caches that libraries a note uses keep up to date themselves (matplotlib's TeX and
    font caches)."""
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return []
    try:
        return [mpl.get_cachedir()]
    except Exception:
        return []


# -- the note's own temporary folder -------------------------------------------------------------

_NOTE_TEMPDIR = re.compile(r"hortus-note-(\d+)-")


def make_note_tempdir() -> str:
    """A fresh temp folder for one note, named with our pid so that the folders of a build
    that was killed (SIGKILL, which leaves no chance to remove them) can be told apart."""
    return tempfile.mkdtemp(prefix=f"hortus-note-{os.getpid()}-")


@contextlib.contextmanager
def note_tempdir(given: str | None) -> Iterator[str]:
    """`given`, or a fresh note temp folder removed after the block."""
    if given is not None:
        yield given
        return
    made = make_note_tempdir()
    try:
        yield made
    finally:
        shutil.rmtree(made, ignore_errors=True)


def clear_stale_note_tempdirs() -> None:
    """Remove the note temp folders of processes that are gone."""
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return
    for entry in entries:
        match = _NOTE_TEMPDIR.match(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(entry.path, ignore_errors=True)
        except (OSError, OverflowError):
            pass  # someone else's process, or not a pid: not ours to judge
