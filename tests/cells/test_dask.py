"""Notes' cells on a Dask cluster (`--executor dask://...`), against a LocalCluster of two worker
processes: the same pages, errors and exit codes as the local pool; a worker that dies
re-queues its note once; a worker that cannot see the vault is sent the note's folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, run_hortus
from hortus.cells import NoteJob, NoteProgress, NoteResult, Step, open_executor
from hortus.cells.distributed import note_digest, pack_folder
from hortus.cells.remote import map_paths, sees_note, unpack_folder
from hortus.config import Settings

distributed = pytest.importorskip("distributed")

P = "---\ndg-publish: true\n---\n"
FAILURES = {
    "claims.md": P + "```{python}\nclaim('two and two', 2 + 2, 5)\n```\n",
    "slow.md": "---\ndg-publish: true\ntimeout: 2\n---\n```{python}\nwhile True:\n    pass\n```\n",
    "crash.md": P
    + "```{python}\nimport os\nprint('before')\n```\n\n```{python}\nos._exit(3)\n```\n",
    "writes.md": P + "```{python}\nopen('../../outside.txt', 'w').write('x')\n```\n",
}
# A cell that kills the Dask worker running it (the parent of the hortus worker that forked
# the note): once, guarded by a marker file in the note's folder, or every time.
KILL = """```{{python}}
import os, pathlib, signal, time
marker = pathlib.Path("killed-once")
if {always} or not marker.exists():
    marker.write_text("killed")
    time.sleep(1)  # the worker has told the build which cell runs
    stat = pathlib.Path(f"/proc/{{os.getppid()}}/stat").read_text()
    os.kill(int(stat.rsplit(")", 1)[1].split()[1]), signal.SIGKILL)
    time.sleep(30)
print("survived")
```
"""


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A cluster of two worker processes, one thread each, for the whole module."""
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    try:
        yield "dask://" + cluster.scheduler_address.removeprefix("tcp://")
    finally:
        cluster.close()


def project(root: Path, files: dict[str, str]) -> Path:
    (root / "notes").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    for name, text in files.items():
        path = root / "notes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def site_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


def test_the_seed_note_builds_the_same_site_on_dask(tmp_path: Path, scheduler: str) -> None:
    root = tmp_path / "site"
    (root / "notes").mkdir(parents=True)
    shutil.copytree(REPO / "notes", root / "notes", dirs_exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    local = run_hortus("build", "--no-cache", cwd=root)
    assert local.returncode == 0, local.stderr
    pages = site_bytes(root / "public")
    assert "notion/index.html" in pages
    remote = run_hortus("build", "--no-cache", "--executor", scheduler, cwd=root)
    assert remote.returncode == 0, remote.stderr
    assert "cells run for 2 notes" in remote.stderr
    assert site_bytes(root / "public") == pages


def test_failures_are_the_same_as_local(tmp_path: Path, scheduler: str) -> None:
    root = project(tmp_path / "site", FAILURES)
    local = run_hortus("build", cwd=root)
    remote = run_hortus("build", "--no-cache", "--executor", scheduler, cwd=root)
    assert local.returncode == remote.returncode == 1
    assert errors(remote.stderr) == errors(local.stderr)
    assert len(errors(remote.stderr)) == 4, remote.stderr
    assert errors(remote.stderr)[1].startswith("crash.md:10: error: crashed in cell 2"), (
        remote.stderr
    )
    assert not (tmp_path / "outside.txt").exists()


def test_a_note_in_settings_runs_on_the_scheduler_they_name(tmp_path: Path, scheduler: str) -> None:
    root = project(tmp_path / "site", {"n.md": P + "```{python}\nprint(6 * 7)\n```\n"})
    address = scheduler.replace("dask://", "tcp://")
    settings = f'[tool.hortus]\nexecutor = "dask"\ndask-scheduler = "{address}"\n'
    (root / "pyproject.toml").write_text(settings, encoding="utf-8")
    run = run_hortus("build", cwd=root)
    assert run.returncode == 0, run.stderr
    assert '<pre class="cell-stdout">42\n</pre>' in (root / "public/n/index.html").read_text()


def test_a_worker_that_cannot_see_the_vault_is_sent_the_folder(
    tmp_path: Path, scheduler: str
) -> None:
    note = P + (
        "```{python}\nimport os\nprint(open('data/values.csv').read().strip())\n"
        "open('made.txt', 'w').write('in the copy')\nprint(os.getcwd())\n```\n"
    )
    root = project(tmp_path / "site", {"sub/n.md": note, "sub/data/values.csv": "1,2,3\n"})
    env = {"HORTUS_DASK_SHIP": "always"}
    first = run_hortus("build", "--executor", scheduler, cwd=root, env=env)
    assert first.returncode == 0, first.stderr
    html = (root / "public/sub/n/index.html").read_text(encoding="utf-8")
    folder = (root / "notes" / "sub").resolve()
    assert f'<pre class="cell-stdout">1,2,3\n{folder}\n</pre>' in html
    assert not (folder / "made.txt").exists()  # written in the worker's copy
    # The files read come back as the build's own: the cache finds them and checks them.
    again = run_hortus("build", "--executor", scheduler, cwd=root, env=env)
    assert "cells run for 0 notes, 1 from cache" in again.stderr, again.stderr
    (folder / "data/values.csv").write_text("4,5,6\n", encoding="utf-8")
    edited = run_hortus("build", "--executor", scheduler, cwd=root, env=env)
    assert "cells run for 1 notes, 0 from cache" in edited.stderr, edited.stderr
    assert "4,5,6" in (root / "public/sub/n/index.html").read_text(encoding="utf-8")


def test_a_worker_that_dies_gives_its_note_to_another(tmp_path: Path, scheduler: str) -> None:
    root = project(tmp_path / "site", {"k.md": P + KILL.format(always=False)})
    run = run_hortus("build", "--executor", scheduler, cwd=root)
    assert run.returncode == 0, run.stderr
    assert (root / "notes" / "killed-once").exists()  # the first attempt ran and was killed
    assert "survived" in (root / "public/k/index.html").read_text(encoding="utf-8")


def test_a_note_whose_workers_die_twice_fails_with_its_line(tmp_path: Path, scheduler: str) -> None:
    root = project(tmp_path / "site", {"k.md": P + KILL.format(always=True)})
    run = run_hortus("build", "--executor", scheduler, cwd=root)
    assert run.returncode == 1
    assert errors(run.stderr) == [
        line for line in errors(run.stderr) if line.startswith("k.md:5: error: the Dask worker")
    ], run.stderr
    assert len(errors(run.stderr)) == 1, run.stderr
    assert "died in cell 1 (line 5) (twice; workers tcp://" in run.stderr


class Heard(NoteProgress):
    """What an executor told of the notes it ran."""

    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def started(self, job: NoteJob) -> None:
        self.events.append(("started", job.note_path))

    def step(self, job: NoteJob, event: str, kind: str, index: int) -> None:
        self.events.append((event, kind, str(index)))

    def finished(self, job: NoteJob, result: NoteResult) -> None:
        self.events.append(("finished", result.status))


def test_both_executors_run_a_note_behind_one_interface(tmp_path: Path, scheduler: str) -> None:
    (tmp_path / "n.md").write_text("note", encoding="utf-8")
    steps = [Step("cell", 0, "x = 6 * 7", 5), Step("cell", 1, "print(x)", 9)]
    job = NoteJob("n.md", str(tmp_path), steps, 60.0)
    address = scheduler.replace("dask://", "tcp://")
    outputs = []
    for settings in (
        Settings(root=tmp_path),
        Settings(root=tmp_path, executor="dask", dask_scheduler=address),
    ):
        heard = Heard()
        with open_executor(settings, jobs=1, progress=heard) as executor:
            result = executor.submit(job).result(timeout=120)
            for _ in range(100):  # a Dask worker's events arrive on their own
                if ("done", "cell", "1") in heard.events:
                    break
                time.sleep(0.05)
        outputs.append(result.to_json())
        assert heard.events[0] == ("started", "n.md")
        assert [e for e in heard.events if e[0] == "done"] == [
            ("done", "cell", "0"), ("done", "cell", "1")
        ]  # fmt: skip
        assert ("finished", "ok") in heard.events
    assert outputs[0] == outputs[1]
    assert outputs[0]["cells"][1]["outputs"] == [{"type": "stdout", "text": "42\n"}]


def test_without_dask_the_build_says_which_extra_to_install(tmp_path: Path) -> None:
    root = project(tmp_path / "site", {"n.md": P + "```{python}\nprint(1)\n```\n"})
    code = (
        "import sys; sys.modules['distributed'] = None\n"
        "from hortus.cli import main; sys.exit(main(['build', '--executor', 'dask://h:1']))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 1
    assert "pip install 'hortus[dask]'" in run.stderr


def test_dask_without_a_scheduler_is_an_error(tmp_path: Path) -> None:
    root = project(tmp_path / "site", {"n.md": P + "```{python}\nprint(1)\n```\n"})
    (root / "pyproject.toml").write_text('[tool.hortus]\nexecutor = "dask"\n', encoding="utf-8")
    run = run_hortus("build", cwd=root)
    assert run.returncode == 1
    assert 'executor = "dask" needs dask-scheduler' in run.stderr
    bad = run_hortus("build", "--executor", "ray", cwd=root)
    assert bad.returncode == 2
    (root / "pyproject.toml").write_text('[tool.hortus]\nexecutor = "ray"\n', encoding="utf-8")
    unknown = run_hortus("build", cwd=root)
    assert unknown.returncode == 1
    assert 'pyproject.toml:2: [tool.hortus] executor must be "local" or "dask"' in unknown.stderr


def test_what_a_worker_sees_and_the_folder_it_is_sent(tmp_path: Path) -> None:
    folder = tmp_path / "vault" / "sub"
    (folder / "data").mkdir(parents=True)
    (folder / "n.md").write_text("note", encoding="utf-8")
    (folder / "data" / "v.csv").write_text("1\n", encoding="utf-8")
    (folder / ".obsidian").mkdir()
    (folder / ".obsidian" / "app.json").write_text("{}", encoding="utf-8")
    job = NoteJob("sub/n.md", str(folder), [Step("cell", 0, "1", 1)], 10.0)
    digest = note_digest(job)
    assert digest == hashlib.sha256(b"note").hexdigest()
    assert sees_note(job, digest)
    assert not sees_note(job, hashlib.sha256(b"another note").hexdigest())
    moved = NoteJob("sub/n.md", str(tmp_path / "elsewhere"), job.steps, 10.0)
    assert not sees_note(moved, digest)
    copy = tmp_path / "copy"
    unpack_folder(pack_folder(folder, 1 << 20), str(copy))
    assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*")) == [
        "data", "data/v.csv", "n.md"
    ]  # fmt: skip
    with pytest.raises(ValueError, match="more than"):
        pack_folder(folder, 2)
    result = NoteResult(files=[str(copy / "data" / "v.csv")])
    back = NoteResult.from_json(map_paths(result.to_json(), str(copy), str(folder)))
    assert back.files == [os.path.join(folder, "data", "v.csv")]
