"""The memory cap counts what a note's processes hold, not the address space they reserve; a
note over it is stopped with a message naming its line, what it held and the settings."""

from __future__ import annotations

import re

import pytest

P = "---\ndg-publish: true\n---\n"


def touching(megabytes: int) -> str:
    """A cell that reserves 8 GB of address space and touches `megabytes` of it."""
    return (
        "```{python}\nimport mmap\nimport numpy as np\n"
        "reserved = mmap.mmap(-1, 8 * 2**30)\n"
        "pages = np.frombuffer(reserved, dtype=np.uint8)\n"
        f"pages[: {megabytes} * 2**20 : 4096] = 1\n"
        "print('held')\n```\n"
    )


def held_mb(stderr: str) -> int:
    return int(re.search(r"held (\d+) MB of memory", stderr).group(1))  # type: ignore[union-attr]


def test_reserved_address_space_is_not_memory_and_touched_pages_are(build_vault) -> None:
    pytest.importorskip("numpy")
    small = build_vault({"small.md": P + touching(100)})
    assert small.code == 0, small.stderr
    assert '<pre class="cell-stdout">held\n</pre>' in small.page("/small/")
    run = build_vault({"large.md": P + touching(3072)})
    assert run.code == 1
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    peak = held_mb(run.stderr)
    assert 2048 < peak < 3072  # stopped soon after it passed the default cap
    assert errors == [
        f"large.md:5: error: stopped in cell 1 (line 5): its processes held {peak} MB of memory, "
        "more than the 2048 MB a note may hold (raise `cell-memory-mb` in [tool.hortus] for "
        "every note, or `cell-memory-mb:` in this note's frontmatter)"
    ]


def test_a_note_may_raise_its_own_cap(build_vault) -> None:
    pytest.importorskip("numpy")
    raised = "---\ndg-publish: true\ncell-memory-mb: 1024\n---\n" + touching(400)
    run = build_vault({"raised.md": raised}, settings="cell-memory-mb = 200")
    assert run.code == 0, run.stderr
    assert "held" in run.page("/raised/")
    run = build_vault({"capped.md": P + touching(400)}, settings="cell-memory-mb = 200")
    assert run.code == 1
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith("capped.md:5: error: stopped in cell 1")
    assert "more than the 200 MB a note may hold" in errors[0]
