"""Processes of notes: how many one note may run, what the system says about them (/proc), how
they are ended, and the limits the operating system keeps for us."""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
import signal
from typing import Any

# Processes a note may run at once (RLIMIT_NPROC aside, which root does not obey).
PROCESS_LIMIT = 64
# Processes the user may add while notes run, on top of those they had (non-root only).
NPROC_HEADROOM = 2048

# prctl(2) options.
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


class ProcessBudget:
    """At most `limit` processes of one note at a time, the note's own included.

    RLIMIT_NPROC does this for other users but not for root, for whom `while True: os.fork()`
    would go on until the note's timeout. The count lives in anonymous shared memory that every
    process the note forks inherits, so a fork of a fork is counted too; it is not atomic, so
    processes racing for the last places may pass it by a few, which bounds a fork bomb all the
    same. When it reaches the limit, the note's live processes are counted again, so a note
    that runs a command a hundred times, one after the other, is not stopped."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.root = os.getpid()
        self.group = os.getpgrp()
        self.shared = mmap.mmap(-1, 8)  # MAP_SHARED | MAP_ANONYMOUS: one count for all forks
        self.add(1)

    def count(self) -> int:
        return int.from_bytes(self.shared[:8], "little")

    def add(self, n: int) -> None:
        self.shared[:8] = (self.count() + n).to_bytes(8, "little")

    def take(self) -> None:
        """Count one more process, or refuse it (in the cell, as fork would) at the limit."""
        if self.count() >= self.limit:
            live = live_processes(self.root, self.group)
            if live is None or live >= self.limit:
                raise BlockingIOError(
                    errno.EAGAIN,
                    f"too many processes: a note may run {self.limit} at a time",
                )
            self.shared[:8] = live.to_bytes(8, "little")
        self.add(1)

    def close(self) -> None:
        with contextlib.suppress(BufferError, ValueError):
            self.shared.close()


def process_table() -> list[tuple[int, bytes, int, int]] | None:
    """(pid, state, parent pid, process group) of every process now; None without /proc."""
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return None
    table = []
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
            # Fields after the command name, which is in parentheses and may hold anything.
            state, ppid, pgrp = stat[stat.rfind(b")") + 2 :].split()[:3]
            table.append((int(entry.name), state, int(ppid), int(pgrp)))
        except (OSError, ValueError):
            continue  # ended meanwhile
    return table


def live_processes(root: int, group: int) -> int | None:
    """Processes in the note's process group or descended from its first process, now; None
    without /proc."""
    table = process_table()
    if table is None:
        return None
    children: dict[int, list[int]] = {}
    found: set[int] = set()
    for pid, state, ppid, pgrp in table:
        if state in (b"Z", b"X"):
            continue  # ended, not yet waited for
        children.setdefault(ppid, []).append(pid)
        if pgrp == group:
            found.add(pid)
    seen = {root}
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return len(found | seen)


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid`; none without /proc."""
    return [child for child, _state, ppid, _group in process_table() or () if ppid == pid]


def user_process_cap() -> int | None:
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


def kill_group(pid: int) -> None:
    """Kill the process group led by `pid`, and `pid` itself in case it never got one."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def signal_name(number: int) -> str:
    """`SIGSEGV (Segmentation fault)`, or the bare number of a signal Python does not know."""
    try:
        name = signal.Signals(number).name
    except ValueError:
        return str(number)
    description = signal.strsignal(number)
    return f"{name} ({description})" if description else name


_libc_handle: Any = None


def libc() -> Any:
    """The C library, loaded once (the worker loads it before forking note children)."""
    global _libc_handle
    if _libc_handle is None:
        import ctypes

        _libc_handle = ctypes.CDLL(None, use_errno=True)
    return _libc_handle


def prctl(option: int, value: int) -> bool:
    """Linux's prctl(2); False where there is none."""
    try:
        return libc().prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
