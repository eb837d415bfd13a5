"""Work in forked processes: results and failures come back to the build as if run in it."""

from __future__ import annotations

import functools
import operator
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hortus.diagnostics import BuildError
from hortus.parallel import (
    SCRATCH_PREFIX,
    ForkedWork,
    chunked,
    clear_stale_scratch,
    fork_imap,
    fork_map,
    in_child_process,
)


class Awkward(Exception):
    def __init__(self, message: str, code: int) -> None:  # does not unpickle from its args
        super().__init__(message)
        self.code = code


def test_child_process_gives_back_its_result_and_exits():
    pid = os.getpid()
    result = in_child_process(lambda: {"pid": os.getpid(), "data": list(range(5))})
    assert result["data"] == [0, 1, 2, 3, 4] and result["pid"] != pid


def test_child_process_failures_are_raised_in_the_parent():
    def fails() -> None:
        raise BuildError("notes folder not found: x")

    with pytest.raises(BuildError, match="notes folder not found"):
        in_child_process(fails)

    def awkward() -> None:
        raise Awkward("a template is broken", 3)

    with pytest.raises(Exception, match="a template is broken") as caught:
        in_child_process(awkward)
    assert type(caught.value).__name__ == "Awkward"  # the name the CLI shows survives

    def dies() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(BuildError, match=r"ended unexpectedly \(killed by signal 9\)"):
        in_child_process(dies)


def test_fork_map_keeps_order_and_chunks_cover_everything():
    items = list(range(103))
    chunks = chunked(items, jobs=2)
    assert [i for chunk in chunks for i in chunk] == items
    sizes = [len(chunk) for chunk in chunks]
    # A few per worker, none larger than an eighth; the last ones smaller, so that the two
    # workers end nearly together rather than one running the last chunk alone.
    assert max(sizes) == 13 and sizes == sorted(sizes, reverse=True)
    assert sizes[-2] <= 7
    assert fork_map(sum, chunks, jobs=2) == [sum(c) for c in chunks]
    assert list(fork_imap(len, chunks, jobs=2)) == [len(c) for c in chunks]
    assert chunked([], jobs=2) == []


@pytest.mark.parametrize("fork", [True, False])
def test_forked_work_runs_beside_the_caller_and_gives_back_its_result_or_failure(fork, tmp_path):
    started = tmp_path / "started"

    def work() -> int:
        started.write_text(str(os.getpid()))
        return 42

    job = ForkedWork(work, fork=fork)
    assert job.result() == 42
    assert (started.read_text() != str(os.getpid())) == fork  # its own process, when forked

    def fails() -> None:
        raise BuildError("search: Pagefind failed (exit 1)")

    with pytest.raises(BuildError, match="Pagefind failed"):
        ForkedWork(fails, fork=fork).result()


def test_forked_work_cancelled_leaves_no_process(tmp_path):
    pid_file = tmp_path / "pid"

    def slow() -> None:
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)

    job = ForkedWork(slow, fork=True)
    while not pid_file.is_file() or not pid_file.read_text():
        time.sleep(0.01)
    job.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(int(pid_file.read_text()), os.WNOHANG)  # stopped and reaped


def test_fresh_work_runs_in_a_new_interpreter_and_gives_back_its_result_or_failure():
    # A new interpreter has not imported what this one has (pytest); a fork would have.
    fresh = ForkedWork(functools.partial(eval, "'pytest' in __import__('sys').modules"), fresh=True)
    assert fresh.result() is False
    forked = ForkedWork(functools.partial(eval, "'pytest' in __import__('sys').modules"))
    assert forked.result() is True
    assert ForkedWork(functools.partial(operator.add, 40, 2), fresh=True).result() == 42
    with pytest.raises(ValueError, match="invalid literal"):
        ForkedWork(functools.partial(int, "forty-two"), fresh=True).result()


def test_fresh_work_cancelled_leaves_no_process(tmp_path):
    pid_file = tmp_path / "pid"
    # The new interpreter becomes a shell (same process), which says its pid and waits.
    script = f"echo $$ > {pid_file}; exec sleep 60"
    job = ForkedWork(functools.partial(os.execvp, "sh", ["sh", "-c", script]), fresh=True)
    while not pid_file.is_file() or not pid_file.read_text().strip():
        time.sleep(0.01)
    job.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(int(pid_file.read_text()), os.WNOHANG)  # stopped and reaped


def test_scratch_folders_of_killed_builds_are_cleared(tmp_path: Path) -> None:
    """A build killed while its children work leaves its scratch folder; the next one
    removes it, and leaves alone the folders of processes still running."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    names = {
        "gone": f"{SCRATCH_PREFIX}{gone.pid}-a1",
        "running": f"{SCRATCH_PREFIX}{os.getppid()}-b2",
        "ours": f"{SCRATCH_PREFIX}{os.getpid()}-c3",
        "other": "hortus-working-notes",
    }
    for name in names.values():
        (tmp_path / name).mkdir()
        (tmp_path / name / "0.pickle").write_bytes(b"result")
    clear_stale_scratch(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        names[key] for key in ("running", "ours", "other")
    )


def test_a_chunk_that_ends_early_frees_its_core_for_the_next(tmp_path: Path) -> None:
    """Two cores, a long first chunk: the short ones after it are taken up as each core
    frees, not held back until the long one ends (its core would sit idle meanwhile)."""

    def work(chunk: tuple[int, float]) -> int:
        index, seconds = chunk
        (tmp_path / f"{index}.start").write_text(repr(time.time()))
        time.sleep(seconds)
        (tmp_path / f"{index}.end").write_text(repr(time.time()))
        return index

    chunks = [(0, 1.5), (1, 0.05), (2, 0.05), (3, 0.05)]
    taken = list(fork_imap(work, chunks, 2))

    def at(name: str) -> float:
        return float((tmp_path / name).read_text())

    assert taken == [0, 1, 2, 3]  # in order, all the same
    assert at("3.start") < at("0.end")
