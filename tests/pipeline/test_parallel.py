"""Work in forked processes: results and failures come back to the build as if run in it."""

from __future__ import annotations

import os
import signal

import pytest

from hortus.diagnostics import BuildError
from hortus.parallel import chunked, fork_imap, fork_map, in_child_process


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
    assert [i for chunk in chunks for i in chunk] == items and len(chunks) == 8
    assert fork_map(sum, chunks, jobs=2) == [sum(c) for c in chunks]
    assert list(fork_imap(len, chunks, jobs=2)) == [len(c) for c in chunks]
    assert chunked([], jobs=2) == []
