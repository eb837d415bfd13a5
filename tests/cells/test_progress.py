"""Progress of long cell runs: a live line per note on a terminal (name, seconds, cells done),
and in logs nothing but the notes that took longer than the limit."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from conftest import run_hortus
from hortus.cells import CellPool, NoteJob, Step
from hortus.cells.progress import LiveProgress, SlowNotes, progress_for

P = "---\ndg-publish: true\n---\n"
SLOW = P + "```{python}\nimport time\ntime.sleep(2)\n```\n"
FAST = P + "```{python}\nprint('quick')\n```\n"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def vault(root: Path) -> Path:
    (root / "notes").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    (root / "notes" / "slow.md").write_text(SLOW, encoding="utf-8")
    (root / "notes" / "fast.md").write_text(FAST, encoding="utf-8")
    return root


def test_a_log_names_only_the_notes_slower_than_the_limit(tmp_path: Path) -> None:
    root = vault(tmp_path / "site")
    run = run_hortus("build", cwd=root, env={"HORTUS_SLOW_NOTE_SECONDS": "1", "CI": "true"})
    assert run.returncode == 0, run.stderr
    slow = [line for line in run.stderr.splitlines() if "cells took" in line]
    assert len(slow) == 1 and re.fullmatch(r"hortus: slow\.md: cells took \d+\.\d s", slow[0])
    assert "fast.md" not in run.stderr
    assert "\x1b[" not in run.stderr  # no live display in a log
    # Under the default limit of 10 s, neither note is named.
    quiet = run_hortus("build", "--no-cache", cwd=root, env={"CI": "true"})
    assert "cells took" not in quiet.stderr


def test_a_terminal_shows_each_note_with_its_cells_done(tmp_path: Path) -> None:
    steps = [
        Step("cell", 0, "x = 1", 2, {}),
        Step("cell", 1, "import time\ntime.sleep(1)", 4, {}),
        Step("cell", 2, "y = 2", 6, {}),
    ]
    screen = io.StringIO()
    progress = LiveProgress(Console(file=screen, force_terminal=True, width=100))
    with CellPool(jobs=1, progress=progress) as pool:
        results = pool.map([NoteJob("folder/three cells.md", str(tmp_path), steps, 30.0)])
    assert results[0].status == "ok"
    shown = ANSI.sub("", screen.getvalue())
    assert "folder/three cells.md" in shown
    assert "1/3 cells" in shown and "2/3 cells" in shown
    assert "0/1 notes" in shown


def test_the_display_follows_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(progress_for(io.StringIO()), SlowNotes)
    leader, follower = pty.openpty()
    with os.fdopen(follower, "w") as terminal:
        monkeypatch.delenv("CI", raising=False)
        assert isinstance(progress_for(terminal), LiveProgress)
        monkeypatch.setenv("CI", "true")
        assert isinstance(progress_for(terminal), SlowNotes)
    os.close(leader)


def test_a_build_on_a_terminal_draws_the_running_note(tmp_path: Path) -> None:
    root = vault(tmp_path / "site")
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hortus", "build"],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # the build closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    shown = ANSI.sub("", seen.decode("utf-8", "replace"))
    assert "slow.md" in shown and "0/1 cells" in shown
    assert "cells run for 2 notes" in shown
