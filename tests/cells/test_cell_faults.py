"""Cells that misbehave: writing outside their note's folder, and starting processes without end.
Through the real command line where the build's answer matters, and through run_note for the
many ways of writing a file."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import Run
from hortus.cells import PROCESS_LIMIT, CellPool, NoteJob, Step, run_note

P = "---\ndg-publish: true\n---\n"
GOOD = P + "```{python}\nclaim('two', 1 + 1, 2)\n```\n\ngood note text\n"


def build(
    tmp_path: Path,
    files: dict[str, str],
    *args: str,
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
) -> Run:
    project = tmp_path / "site"
    notes = project / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    (project / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    for name, text in files.items():
        (notes / name).parent.mkdir(parents=True, exist_ok=True)
        (notes / name).write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "hortus", "build", *args],
        cwd=project,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        preexec_fn=preexec,  # safe: pytest runs no other threads here
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, project / "public")


def cell_errors(run: Run) -> dict[str, str]:
    """`note.md:LINE` -> message of each cell error the build printed."""
    return dict(re.findall(r"^(\S+\.md:\d+): error: (.*)$", run.stderr, re.M))


# -- writing outside the note's folder ----------------------------------------------------------


def test_writes_outside_the_notes_folder_are_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"  # outside the vault and the project
    elsewhere.mkdir()
    target = elsewhere / "abs.txt"
    files = {
        # At the root of the vault, `..` is the project folder beside notes/.
        "escape.md": P
        + "Text.\n\n```{python}\nx = 1\nopen('../outside.txt', 'w').write('x')\n```\n",
        "deep/abs.md": P
        + f"```{{python}}\nwith open({str(target)!r}, 'a') as f:\n    f.write('x')\n```\n",
        # Writing in its own folder and below it is what cells are for.
        "deep/fine.md": P
        + "```{python}\nimport os\nos.makedirs('out/sub', exist_ok=True)\n"
        + "open('out/sub/data.csv', 'w').write('1,2\\n')\n"
        + "claim('read back', open('out/sub/data.csv').read(), '1,2\\n')\n```\n",
        "good.md": GOOD,
    }
    run = build(tmp_path, files)
    assert run.code == 1
    errors = cell_errors(run)
    assert sorted(errors) == ["deep/abs.md:5", "escape.md:8"], run.stderr
    for message in errors.values():
        assert message.startswith("cell 1 (line ") and "PermissionError" in message
        assert "write refused" in message
    assert str(tmp_path / "site" / "outside.txt") in errors["escape.md:8"]
    assert str(target) in errors["deep/abs.md:5"]
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "site" / "outside.txt").exists()
    assert not target.exists() and list(elsewhere.iterdir()) == []
    # The other notes ran: the fine note wrote its file, and every note's cells were run.
    assert (tmp_path / "site" / "notes" / "deep" / "out" / "sub" / "data.csv").is_file()
    assert "cells run for 4 notes" in run.stderr
    assert re.search(r"\b4 notes, \d+ pages\b", run.stderr)


def run_cell(folder: Path, source: str) -> dict:
    steps = [Step("cell", 0, "import os, shutil\n" + source, 10, {})]
    return run_note(steps, str(folder), "n.md").to_json()


@pytest.fixture
def note_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "vault" / "sub"
    folder.mkdir(parents=True)
    (tmp_path / "victim.txt").write_text("keep me", encoding="utf-8")
    (tmp_path / "victim-dir").mkdir()
    (tmp_path / "victim-dir" / "f").write_text("keep me", encoding="utf-8")
    return folder


STRAY = Path(tempfile.gettempdir()) / f"hortus-test-stray-{os.getpid()}.txt"
REFUSED = {
    "open-write": "open('../../x.txt', 'w')",
    "open-append": "open({victim!r}, 'a')",
    "open-update": "open({victim!r}, 'r+')",
    "open-exclusive": "open('../../new.txt', 'x')",
    "os-open": "os.open({victim!r}, os.O_WRONLY | os.O_TRUNC)",
    "os-open-create": "os.open('../../made.txt', os.O_CREAT | os.O_RDONLY)",
    "pathlib": "import pathlib\npathlib.Path({victim!r}).write_text('gone')",
    "remove": "os.remove({victim!r})",
    "unlink-dir-fd": "fd = os.open({outside!r}, os.O_RDONLY)\nos.unlink('victim.txt', dir_fd=fd)",
    "rename-away": "os.rename({victim!r}, 'mine.txt')",
    "replace-over": "open('mine.txt', 'w').close()\nos.replace('mine.txt', {victim!r})",
    "rmdir": "os.rmdir('../../victim-dir')",
    "rmtree": "shutil.rmtree({victim_dir!r})",
    "mkdir": "os.mkdir('../../made')",
    "makedirs": "os.makedirs({outside!r} + '/a/b')",
    "chmod": "os.chmod({victim!r}, 0o777)",
    "truncate": "os.truncate({victim!r}, 0)",
    "hard-link": "os.link({victim!r}, 'link.txt')",
    "symlink-then-write": "os.symlink({outside!r}, 'out')\nopen('out/victim.txt', 'w')",
    "dotdot-through-symlink": "os.symlink({victim_dir!r}, 'd')\nopen('d/../victim.txt', 'w')",
    "chdir-then-write": "os.chdir({outside!r})\nopen('victim.txt', 'w')",
    "copyfile": "open('mine.txt', 'w').close()\nshutil.copyfile('mine.txt', {victim!r})",
    "copytree": "os.mkdir('t')\nshutil.copytree('t', {outside!r} + '/copied')",
    # Cells get a temp folder of their own: the system's is as shared as any other folder.
    "system-temp-folder": "open({stray!r}, 'w')",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_every_way_of_writing_outside_is_refused(note_folder: Path, name: str) -> None:
    outside = note_folder.parent.parent
    source = REFUSED[name].format(
        victim=str(outside / "victim.txt"),
        victim_dir=str(outside / "victim-dir"),
        outside=str(outside),
        stray=str(STRAY),
    )
    before = sorted(p.relative_to(outside) for p in outside.rglob("*") if "vault" not in p.parts)
    result = run_cell(note_folder, source)
    assert result["status"] == "error"
    assert "PermissionError" in result["error"]["message"], result["error"]
    assert "write refused" in result["error"]["message"]
    after = sorted(p.relative_to(outside) for p in outside.rglob("*") if "vault" not in p.parts)
    assert after == before
    assert (outside / "victim.txt").read_text(encoding="utf-8") == "keep me"
    assert (outside / "victim-dir" / "f").read_text(encoding="utf-8") == "keep me"
    assert oct((outside / "victim.txt").stat().st_mode & 0o777) != "0o777"
    assert not STRAY.exists()


ALLOWED = {
    "own-folder": "open('a.txt', 'w').write('x')\nos.replace('a.txt', 'b.txt')\nos.remove('b.txt')",
    "subfolders": (
        "os.makedirs('d/e', exist_ok=True)\nopen('d/e/f', 'w').close()\n"
        "os.symlink('d/e/f', 'link')\nopen('link', 'a').write('y')\nshutil.rmtree('d')\n"
        "os.remove('link')"
    ),
    "tempfile": (
        "import tempfile\nwith tempfile.NamedTemporaryFile('w') as f:\n    f.write('x')\n"
        "d = tempfile.mkdtemp()\nopen(os.path.join(d, 'a'), 'w').close()\nshutil.rmtree(d)\n"
        "with tempfile.TemporaryDirectory() as t:\n    open(os.path.join(t, 'b'), 'w').close()"
    ),
    "dev-null": (
        "open(os.devnull, 'w').write('x')\nimport pathlib\n"
        "pathlib.Path('/dev/null').write_text('y')"
    ),
    "reading-anywhere": "open({victim!r}).read()\nos.stat({victim!r})",
    "savefig": (
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig('fig.png')\n"
        "plt.close('all')"
    ),
}


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_writes_in_the_notes_folder_and_temp_folder_work(note_folder: Path, name: str) -> None:
    source = ALLOWED[name].format(victim=str(note_folder.parent.parent / "victim.txt"))
    result = run_cell(note_folder, source)
    assert result["status"] == "ok", result["error"]


def test_the_vault_may_be_reached_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real" / "vault"
    real.mkdir(parents=True)
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    folder = tmp_path / "alias" / "vault"
    assert run_cell(folder, "open('a.txt', 'w').write('x')")["status"] == "ok"
    assert (real / "a.txt").read_text(encoding="utf-8") == "x"
    refused = run_cell(folder, "open('../b.txt', 'w')")
    assert "write refused" in refused["error"]["message"]
    assert not (tmp_path / "real" / "b.txt").exists()


def test_the_guard_ends_with_the_note(tmp_path: Path) -> None:
    run_cell(tmp_path, "x = 1")
    outside = tmp_path.parent / f"{tmp_path.name}-after.txt"
    try:
        with open(outside, "w", encoding="utf-8") as f:  # this process, after the note
            f.write("fine")
    finally:
        outside.unlink()


def test_a_notes_temp_folder_is_its_own_and_removed_after(tmp_path: Path) -> None:
    source = "import tempfile\nprint(tempfile.gettempdir(), os.environ['TMPDIR'])"
    result = run_cell(tmp_path, source)
    first, second = result["cells"][0]["outputs"][0]["text"].split()
    assert first == second and os.path.basename(first).startswith("hortus-note-")
    assert not os.path.exists(first)


def test_temp_folder_removed_even_when_the_note_kills_its_worker(tmp_path: Path) -> None:
    source = (
        "import os, tempfile\nopen(os.path.join(tempfile.gettempdir(), 'big'), 'w').write('x')\n"
        "open('where.txt', 'w').write(tempfile.gettempdir())\nos.kill(os.getppid(), 9)\n"
    )
    with CellPool(jobs=1) as pool:
        job = NoteJob("n.md", str(tmp_path), [Step("cell", 0, source, 5, {})], 30)
        result = pool.run(job).to_json()
    assert result["status"] == "crash"
    used = (tmp_path / "where.txt").read_text(encoding="utf-8")
    assert os.path.basename(used).startswith("hortus-note-")
    assert not os.path.exists(used)


# -- processes without end ------------------------------------------------------------------------


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds `marker` (everything a build started has it)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                environ = f.read()
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in environ and state != b"Z":
            found.append(int(entry.name))
    return found


BOMB = "---\ndg-publish: true\ntimeout: 60\n---\n"


@contextlib.contextmanager
def safety_net(limit: int = 1000) -> Iterator[Callable[[], None] | None]:
    """Should the note's own limit ever fail, a fork bomb in a test must not take the machine
    down: for others RLIMIT_NPROC stops it, for root a pids cgroup the build is put in. Yields
    what puts the build there (None when not needed), or skips where root has no cgroup."""
    if os.geteuid() != 0:
        yield None
        return
    group = None
    for base in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if (base / "cgroup.procs").is_file():
            try:
                group = base / f"hortus-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
                group.mkdir()
                (group / "pids.max").write_text(str(limit), encoding="ascii")
                break
            except OSError:
                if group is not None and group.is_dir():
                    group.rmdir()
                group = None
    if group is None:
        pytest.skip("as root without a pids cgroup, a regression would be a real fork bomb")
    procs = group / "cgroup.procs"
    try:
        yield lambda: procs.write_text(str(os.getpid()), encoding="ascii")
    finally:
        deadline = time.monotonic() + 10
        while procs.read_text(encoding="ascii").split() and time.monotonic() < deadline:
            for pid in procs.read_text(encoding="ascii").split():
                with contextlib.suppress(OSError):
                    os.kill(int(pid), signal.SIGKILL)
            time.sleep(0.05)
        group.rmdir()


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="counts processes through /proc")
def test_fork_bombs_end_at_the_process_limit_and_leave_nothing(tmp_path: Path) -> None:
    marker = f"hortus-test-{uuid.uuid4().hex}"
    files = {
        # As root, RLIMIT_NPROC does not apply: only the note's own limit stops these.
        "bomb.md": BOMB + "```{python}\nimport os\n\nwhile True:\n    os.fork()\n```\n",
        "spawner.md": BOMB
        + "```{python}\nimport subprocess\n\nwhile True:\n"
        + "    subprocess.Popen(['sleep', '300'])\n```\n",
        "good.md": GOOD,
    }
    started = time.monotonic()
    with safety_net() as preexec:
        run = build(tmp_path, files, env={"HORTUS_TEST_MARK": marker}, preexec=preexec)
    assert time.monotonic() - started < 30
    assert run.code == 1
    errors = cell_errors(run)
    assert sorted(errors) == ["bomb.md:9", "spawner.md:9"], run.stderr
    for message in errors.values():
        assert (
            "BlockingIOError" in message and f"a note may run {PROCESS_LIMIT} at a time" in message
        )
    assert "cells run for 3 notes" in run.stderr and "Traceback" not in run.stderr
    deadline = time.monotonic() + 5
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with(marker) == []


def test_processes_one_after_another_and_a_few_at_once_are_fine(tmp_path: Path) -> None:
    many = PROCESS_LIMIT * 2  # more than the limit, but never more than one at a time
    source = (
        "```{python}\nimport multiprocessing, os, subprocess, sys\n"
        f"outs = [subprocess.run(['echo', str(i)], capture_output=True, text=True).stdout"
        f" for i in range({many})]\n"
        f"claim('every command ran', len(outs), {many})\n"
        "claim('shell', os.system('true'), 0)\n"
        "procs = [subprocess.Popen([sys.executable, '-c', 'pass']) for _ in range(8)]\n"
        "claim('eight at once', [p.wait() for p in procs], [0] * 8)\n"
        "with multiprocessing.Pool(4) as pool:\n"
        "    squares = pool.map(abs, range(-20, 0))\n"
        "claim('pool', sum(squares), 210)\n```\n"
    )
    run = build(tmp_path, {"uses.md": P + source, "good.md": GOOD})
    assert run.code == 0, run.stderr


def test_files_in_the_notes_temp_folder_are_not_inputs(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("1", encoding="utf-8")
    source = (
        "import tempfile\nopen('data.txt').read()\n"
        "with tempfile.NamedTemporaryFile('w+', delete=False) as f:\n"
        "    f.write('x')\nopen(f.name).read()\n"
    )
    assert run_cell(tmp_path, source)["files"] == [str(tmp_path / "data.txt")]


def test_a_new_pool_clears_temp_folders_of_killed_builds(tmp_path: Path) -> None:
    dead_pid = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    sleeper = subprocess.Popen(["sleep", "60"])
    root = Path(tempfile.gettempdir())
    stale = root / f"hortus-note-{dead_pid}-{uuid.uuid4().hex[:8]}"
    live = root / f"hortus-note-{sleeper.pid}-{uuid.uuid4().hex[:8]}"
    try:
        for folder in (stale, live):
            folder.mkdir()
            (folder / "big.bin").write_bytes(b"x" * 1000)
        with CellPool(jobs=1):
            pass
        assert not stale.exists()
        assert (live / "big.bin").is_file()
    finally:
        sleeper.kill()
        sleeper.wait()
        shutil.rmtree(live, ignore_errors=True)
        shutil.rmtree(stale, ignore_errors=True)
