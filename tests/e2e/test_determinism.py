"""The same vault gives the same bytes, wherever, whenever and however it is built; and a
build that is killed or interrupted leaves the previous site whole."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, ctrl_c_as_in_a_terminal, run_hortus

P = "---\ndg-publish: true\n---\n"
MAKE_VAULT = REPO.parent / "shared" / "bench" / "make_vault.py"  # as tests/bench uses it
# Every note's file says it last changed on this day; no output may carry the build's own date.
NOTE_TIME = dt.datetime(2021, 3, 4, 12, 0, tzinfo=dt.UTC).timestamp()

CELL = """\
```{python}
#| label: fig-line
#| fig-cap: "A straight line, drawn at build time."
import matplotlib.pyplot as plt
import numpy as np

xs = np.linspace(0, 1, 11)
fig, ax = plt.subplots(figsize=(3, 2))
ax.plot(xs, 2 * xs + 1, label="line")
ax.legend()
claim("the slope is two", (2 * xs[-1] + 1) - (2 * xs[0] + 1), 2.0)
```

The mean is `{python} f"{xs.mean():.2f}"` and a set prints as `{python} sorted({"b", "a", "c"})`.
"""

VAULT = {
    "Home.md": "---\ndg-publish: true\ntags: [gardenEntry]\n---\n# Home\n\nStart at [[Figures]] "
    "or [[学习/梯度下降|the Chinese note]]; #index\n",
    "Figures.md": "---\ndg-publish: true\ntags: [plots, math/calculus]\naliases: [Plot]\n---\n"
    "# Figures\n\n" + CELL + "\nInline $e^{i\\pi} + 1 = 0$ and display:\n\n$$\n\\int_0^1 x\\,dx"
    " = \\frac{1}{2}\n$$\n\n> [!tip] A callout\n> with ==a highlight== and a footnote.[^1]\n\n"
    "![[board.canvas]]\n\n![[pic.png|40]]\n\n[^1]: The footnote.\n",
    "学习/梯度下降.md": P + "# 梯度下降\n\n沿着负梯度方向走：$\\theta \\leftarrow \\theta - \\eta"
    " \\nabla L$。见 [[Figures#Figures]] 与 [[Plot]]。 #数学 #math/calculus\n",
    "Private.md": "private, never published\n",
    "board.canvas": json.dumps(
        {
            "nodes": [
                {"id": "2", "type": "text", "text": "Second card, [[Home]]", "x": 0, "y": 300},
                {"id": "1", "type": "text", "text": "First card with $x^2$", "x": 0, "y": 0},
                {"id": "3", "type": "file", "file": "Figures.md", "x": 400, "y": 0},
            ],
            "edges": [],
        }
    ),
    "pic.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
}


def make_project(folder: Path, files: dict[str, str | bytes]) -> Path:
    notes = folder / "notes"
    for name, content in files.items():
        path = notes / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        os.utime(path, (NOTE_TIME, NOTE_TIME))
    (folder / "pyproject.toml").write_text(
        '[tool.hortus]\ntitle = "Same bytes"\nbase-url = "https://example.org"\n', encoding="utf-8"
    )
    return folder


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def build(project: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    proc = run_hortus("build", cwd=cwd, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def assert_same(first: dict[str, bytes], second: dict[str, bytes]) -> None:
    assert sorted(first) == sorted(second)
    differing = [name for name in sorted(first) if first[name] != second[name]]
    assert differing == [], f"{len(differing)} files differ, first {differing[:5]}"


def test_same_vault_same_bytes_anywhere_and_any_hash_seed(tmp_path: Path) -> None:
    one = make_project(tmp_path / "one", VAULT)
    # The second copy lives deeper, under another name, copied with its times (copy2).
    two = tmp_path / "elsewhere" / "deeper" / "two"
    shutil.copytree(one, two, copy_function=shutil.copy2)
    build(one, cwd=one, PYTHONHASHSEED="1", TZ="UTC")
    # Built from a sub-folder, with another hash seed and another time zone.
    build(two, cwd=two / "notes" / "学习", PYTHONHASHSEED="4242", TZ="Pacific/Kiritimati")
    first, second = snapshot(one / "public"), snapshot(two / "public")
    assert "figures/index.html" in first and any(name.endswith(".svg") for name in first)
    html = first["figures/index.html"].decode("utf-8")
    assert "<svg" in html or ".svg" in html  # the cell's figure is on the page
    assert "katex" in html and "callout" in html and "canvas-card" in html
    assert_same(first, second)

    # The dates come from the notes: the day of the build is nowhere.
    today = dt.date.today()
    for day in {today, today - dt.timedelta(days=1), today + dt.timedelta(days=1)}:
        if day.year == 2021:
            continue
        stamp = day.isoformat().encode()
        assert not [name for name, data in first.items() if stamp in data], day
    assert b"2021-03-04" in first["figures/index.html"]

    # Built again in the same place, with its cell results now from the cache.
    build(one, cwd=one, PYTHONHASHSEED="random")
    assert_same(first, snapshot(one / "public"))


def test_same_bytes_with_hash_randomisation_across_many_seeds(tmp_path: Path) -> None:
    """Sets and dict orders that leak into output show up under some seed, not every one."""
    files = {
        f"n{i}.md": P + f"# Note {i}\n\n#t{i % 5} #shared [[n{(i * 7) % 23}]] [[n{(i + 1) % 23}]]\n"
        for i in range(23)
    }
    project = make_project(tmp_path / "p", files)
    builds = []
    for seed in ("0", "1", "2", "3"):
        shutil.rmtree(project / ".hortus", ignore_errors=True)
        build(project, cwd=project, PYTHONHASHSEED=seed)
        builds.append(snapshot(project / "public"))
    for other in builds[1:]:
        assert_same(builds[0], other)


# --- interrupted builds --------------------------------------------------------------------


def _leftovers(out: Path) -> list[str]:
    return sorted(
        p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p.is_dir()
    )


def _start(project: Path) -> subprocess.Popen:
    return subprocess.Popen(
        # Without the cache: an unchanged vault would be done before it could be interrupted.
        [sys.executable, "-m", "hortus", "build", "--no-cache"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        preexec_fn=ctrl_c_as_in_a_terminal,
    )


def _wait_for_pages(proc: subprocess.Popen, out: Path, pages: int = 200) -> Path:
    """Wait until the build is writing its site: its staging folder holds `pages` files."""
    staging = out.parent / f".{out.name}.staging-{proc.pid}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the build ended before it was interrupted: {proc.stderr.read()}")
        if staging.is_dir():
            try:
                if sum(1 for _ in staging.rglob("index.html")) >= pages:
                    return staging
            except FileNotFoundError:
                pass
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("the build never got to writing pages")


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("big")
    if MAKE_VAULT.is_file():
        subprocess.run(
            [sys.executable, str(MAKE_VAULT), str(project / "notes"), "--notes", "2000"],
            check=True,
            capture_output=True,
        )
    else:  # a plainer vault of the same size
        for i in range(2000):
            note = project / "notes" / f"folder{i % 20}" / f"Note {i}.md"
            note.parent.mkdir(parents=True, exist_ok=True)
            links = " ".join(f"[[Note {(i * k) % 2000}]]" for k in (3, 7, 11))
            note.write_text(P + f"# Note {i}\n\n{links} $x_{{{i}}}$ #t{i % 30}\n" * 20)
    (project / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    build(project, cwd=project)
    return project


def test_killed_and_interrupted_builds_leave_the_previous_site(big_project: Path) -> None:
    out = big_project / "public"
    before = snapshot(out)
    assert len(before) > 2000

    # SIGINT (Ctrl-C): the build stops, says so, and removes its own staging folder.
    interrupted = _start(big_project)
    staging = _wait_for_pages(interrupted, out)
    interrupted.send_signal(signal.SIGINT)
    _, stderr = interrupted.communicate(timeout=60)
    assert interrupted.returncode == 130, stderr
    assert "interrupted; the previous site is untouched" in stderr
    assert "Traceback" not in stderr
    assert not staging.exists() and _leftovers(out) == []
    assert_same(before, snapshot(out))

    # SIGKILL while the pages are being written: nothing is cleaned up, nothing is replaced.
    killed = _start(big_project)
    staging = _wait_for_pages(killed, out)
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert _leftovers(out) == [staging.name]  # the dead build's half-written site
    assert_same(before, snapshot(out))

    # The next build succeeds, gives the same site, and clears what the dead one left.
    build(big_project, cwd=big_project)
    assert _leftovers(out) == []
    assert_same(before, snapshot(out))


def test_build_killed_between_the_renames_keeps_the_site(tmp_path: Path) -> None:
    """Where the two folders cannot be swapped in one step, a build killed between moving the
    old site aside and moving the new one in left no public/; the next build puts it back,
    even when that build fails."""
    project = make_project(tmp_path / "p", {"a.md": P + "first\n"})
    build(project, cwd=project)
    out = project / "public"
    before = snapshot(out)
    dead = 4_194_304 + 4321  # above Linux's largest pid: no such process
    out.rename(out.parent / f".public.previous-{dead}")
    (out.parent / f".public.staging-{dead}").mkdir()
    for name in ("b.md", "c.md"):  # two permalinks of one URL
        (project / "notes" / name).write_text(
            "---\ndg-publish: true\npermalink: /a/\n---\nclash\n", encoding="utf-8"
        )
    proc = run_hortus("build", cwd=project)
    assert proc.returncode == 1 and "error: URL /a/" in proc.stderr  # failed on purpose
    assert_same(before, snapshot(out))
    assert _leftovers(out) == []
