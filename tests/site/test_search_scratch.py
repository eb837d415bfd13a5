"""Pagefind's scratch folder: named with the build's pid, and cleared by a later build once
the process that made it is gone (a build killed with SIGKILL cannot clean up after itself)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from hortus.site import index_site, search

P = "---\ndg-publish: true\n---\n"
PAGE = '<html lang="en"><body><article data-pagefind-body>Hello</article></body></html>'


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(proc.stdout)


@pytest.fixture
def live_pid() -> Iterator[int]:
    proc = subprocess.Popen(["sleep", "60"])
    try:
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def scratch(folder: Path, pid: int, tail: str = "abc") -> Path:
    path = folder / f".pagefind-{pid}-{tail}"
    (path / "site" / "a").mkdir(parents=True)
    (path / "site" / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    return path


def test_a_build_clears_the_scratch_folders_of_dead_builds_only(build_vault, tmp_path, live_pid):
    project = tmp_path / "site"  # where build_vault puts the project, beside public/
    project.mkdir()
    stale = scratch(project, dead_pid())
    running = scratch(project, live_pid)
    unrelated = project / ".pagefind-notes"  # not a pid: not ours to remove
    unrelated.mkdir()
    run = build_vault({"a.md": P + "# A\n\nsome words to find\n"})
    assert run.code == 0, run.stderr
    assert (run.out / "pagefind" / "pagefind-entry.json").is_file()
    assert not stale.exists()
    assert running.is_dir() and (running / "site" / "a" / "index.html").is_file()
    assert unrelated.is_dir()
    assert sorted(p.name for p in project.glob(".pagefind-*")) == sorted(
        [running.name, unrelated.name]
    )


def test_scratch_folder_is_named_with_the_pid(tmp_path: Path, monkeypatch) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    seen: list[str] = []
    real_run = search.run_pagefind

    def watching(
        binary: Path, pages: Iterable[tuple[str, str]], bundle: Path, lang: str
    ) -> dict[str, str]:
        seen.extend(p.name for p in tmp_path.glob(".pagefind-*"))
        return real_run(binary, pages, bundle, lang)

    monkeypatch.setattr(search, "run_pagefind", watching)
    assert index_site(site, "en").pages == 1
    assert len(seen) == 1 and re.fullmatch(rf"\.pagefind-{os.getpid()}-\w+", seen[0])
    assert not list(tmp_path.glob(".pagefind-*"))


def test_own_pid_left_over_from_an_earlier_life_is_stale(tmp_path: Path) -> None:
    # A container restarted gives the build the pid of the one that was killed.
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    mine = scratch(tmp_path, os.getpid(), "old")
    outside = tmp_path / "keep"
    outside.mkdir()
    link = tmp_path / f".pagefind-{dead_pid()}-link"
    link.symlink_to(outside, target_is_directory=True)
    index_site(site, "en")
    assert not mine.exists()
    assert outside.is_dir()  # a symlink named like a scratch folder is not followed
