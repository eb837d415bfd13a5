"""A note runs again from its first changed cell: what the cells before it left (namespace,
files, random state) is kept after each cell, and a run that goes on from there gives exactly
what a run from the top gives."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest

from hortus.cache import NoteCheckpoints
from hortus.cells import CellPool, NoteJob, NoteResult, Step, note_steps
from hortus.cells.defaults import note_defaults
from hortus.cells.resume import ResumePlan, plan_resume
from hortus.cells.run import NoteRun
from hortus.diagnostics import Diagnostics
from hortus.markdown import make_parser
from hortus.vault import parse_frontmatter

REPO = Path(__file__).resolve().parents[2]
P = "---\ndg-publish: true\n---\n"


def slow_note(last: str, second: str = "print('second')") -> str:
    """A note whose first cell takes 3 s and counts its runs in `first.txt`."""
    return (
        P
        + "```{python}\nimport time\ntime.sleep(3)\n"
        + "with open('first.txt', 'a') as f:\n    f.write('x')\nbase = 40\n```\n\n"
        + f"```{{python}}\n{second}\n```\n\n"
        + f"```{{python}}\n{last}\n```\n"
    )


def test_an_edit_in_the_last_cell_runs_only_that_cell(build_vault) -> None:
    first = build_vault({"n.md": slow_note("print(base + 1)")})
    assert first.code == 0, first.stderr
    counter = first.out.parent / "notes" / "first.txt"
    assert counter.read_text() == "x"
    assert '<pre class="cell-stdout">41\n</pre>' in first.page("/n/")
    again = build_vault({"n.md": slow_note("print(base + 2)")})
    assert again.code == 0, again.stderr
    assert counter.read_text() == "x"  # the first cell did not run again
    assert '<pre class="cell-stdout">42\n</pre>' in again.page("/n/")
    assert "cells run for 1 notes, 0 from cache" in again.stderr


def test_an_edit_in_a_file_read_by_cell_2_runs_from_cell_2(build_vault) -> None:
    second = (
        "with open('data.txt') as f:\n    data = int(f.read())\n"
        "with open('second.txt', 'a') as f:\n    f.write('y')"
    )
    note = slow_note("print(base + data)", second)
    first = build_vault({"n.md": note, "data.txt": "1"})
    assert first.code == 0, first.stderr
    notes = first.out.parent / "notes"
    assert '<pre class="cell-stdout">41\n</pre>' in first.page("/n/")
    again = build_vault({"n.md": note, "data.txt": "2"})
    assert again.code == 0, again.stderr
    assert (notes / "first.txt").read_text() == "x"  # cell 1 kept
    assert (notes / "second.txt").read_text() == "yy"  # cell 2 ran again
    assert '<pre class="cell-stdout">42\n</pre>' in again.page("/n/")


@pytest.mark.parametrize(
    ("kept", "name", "why"),
    [
        ("handle = open('first.txt')", "handle", "open file"),
        ("numbers = (i * i for i in range(3))", "numbers", "generator"),
    ],
)
def test_a_namespace_that_cannot_be_pickled_runs_from_the_top(
    build_vault, kept: str, name: str, why: str
) -> None:
    first = build_vault({"n.md": slow_note("print(base + 1)", kept)})
    assert first.code == 0, first.stderr
    said = re.findall(r"^n\.md:\d+: info: .*$", first.stderr, re.MULTILINE)
    assert len(said) == 1, first.stderr  # once for the note, not once per cell
    assert f"the run cannot be kept after cell 2 (`{name}`" in said[0] and why in said[0]
    assert "runs the note again from the top" not in said[0]  # cell 1 is kept
    counter = first.out.parent / "notes" / "first.txt"
    again = build_vault({"n.md": slow_note("print(base + 2)", kept)})
    assert again.code == 0, again.stderr
    assert counter.read_text() == "x"  # went on from cell 1, the last one kept
    assert '<pre class="cell-stdout">42\n</pre>' in again.page("/n/")
    assert len(re.findall(r"^n\.md:\d+: info: ", again.stderr, re.MULTILINE)) == 1


def test_unpicklable_from_the_first_cell_runs_everything_again(build_vault) -> None:
    note = (
        P + "```{python}\nlog = open('first.txt', 'a')\nlog.write('x')\nlog.flush()\n```\n\n"
        "```{python}\nprint(1)\n```\n"
    )
    first = build_vault({"n.md": note})
    assert first.code == 0, first.stderr
    assert re.search(
        r"^n\.md:5: info: the run cannot be kept after cell 1 \(`log`: .*\), so an edit below "
        r"it runs the note again from the top$",
        first.stderr,
        re.MULTILINE,
    ), first.stderr
    again = build_vault({"n.md": note.replace("print(1)", "print(2)")})
    assert again.code == 0, again.stderr
    assert (first.out.parent / "notes" / "first.txt").read_text() == "xx"  # ran again


# -- a run that goes on from a checkpoint equals a run from the top -------------------------------

# Notes of this suite's own, for what the example notes do not show: functions and classes that
# read globals set later, random generators, files written then read, figures and rcParams,
# `error: true`, a failing claim, sys.path and os.environ, a closed file.
OWN = {
    "globals.md": P + "```{python}\nx = 1\ndef f():\n    return x\nclass C:\n    def g(self):\n"
    "        return y * f()\nsquares = [i * i for i in range(5)]\n```\n\n"
    "```{python}\nx = 5\ny = 7\nprint(f(), C().g(), globals() is f.__globals__)\n```\n\n"
    "Then `{python} f() + len(squares)`.\n\n"
    "```{python}\nsquares.append(f())\nsquares, list(globals())\n```\n",
    "state.md": P + "```{python}\nimport random, os, sys\nimport numpy as np\nrandom.seed(3)\n"
    "rng = np.random.default_rng(1)\nnp.set_printoptions(precision=3)\n"
    "os.environ['NOTE_FLAG'] = 'on'\nsys.path.append('lib')\nrandom.random()\n```\n\n"
    "```{python}\nprint(random.random(), np.random.rand(), rng.random())\n"
    "print(np.array([1 / 3]), os.environ['NOTE_FLAG'], sys.path[-1])\n```\n\n"
    "```{python}\nrandom.random(), np.random.rand(2), rng.integers(100, size=3)\n```\n",
    "files.md": P + "```{python}\nwith open('made.csv', 'w') as out:\n    out.write('1,2,3')\n"
    "import tempfile, pathlib\nscratch = pathlib.Path(tempfile.gettempdir()).name\n"
    "(pathlib.Path(tempfile.gettempdir()) / 'part.txt').write_text('tmp')\n```\n\n"
    "```{python}\nvalues = [int(v) for v in open('made.csv').read().split(',')]\n"
    "out.closed, out.name, values\n```\n\n"
    "```{python}\nimport tempfile, os\nprint(open(os.path.join(tempfile.gettempdir(), "
    "'part.txt')).read(), sum(values))\nclaim('the sum is 6', sum(values), 6)\n```\n",
    "figures.md": P
    + "```{python}\n#| label: fig-first\n#| fig-cap: A line\nimport matplotlib.pyplot as plt\n"
    "plt.rcParams['lines.linewidth'] = 4\nfig, ax = plt.subplots()\nax.plot([1, 3, 2])\n```\n\n"
    "```{python}\n#| error: true\nplt.plot([2, 1])\nplt.show()\nraise ValueError('shown')\n```\n\n"
    "```{python}\nax.set_title('again')\nfig\n```\n\n"
    "```{python}\nclaim('one is two', 1, 2)\n```\n\n"
    "```{python}\nprint('never')\n```\n",
}


def note_job(path: Path, vault: Path) -> NoteJob:
    """The job the build would give the note at `path`."""
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(vault).as_posix()
    frontmatter = parse_frontmatter(text, name, Diagnostics()).values
    tokens = make_parser().parse(text, {})
    steps, _problems = note_steps(tokens, note_defaults(frontmatter, text).options)
    return NoteJob(name, str(path.parent), steps, 120.0)


def as_json(result: NoteResult) -> str:
    return json.dumps(result.to_json(), sort_keys=True, indent=1)


def example_notes(root: Path) -> list[Path]:
    """The notes of the repository's vault and the cells tests' examples (copied under `root`,
    since cells write beside their note), and this suite's own."""
    vaults = {"notes": REPO / "notes", "quarto": Path(__file__).parent / "quarto"}
    for name, folder in vaults.items():
        shutil.copytree(folder, root / name)
    (root / "own").mkdir()
    (root / "own" / "lib").mkdir()
    for name, text in OWN.items():
        (root / "own" / name).write_text(text, encoding="utf-8")
    found = sorted(root.rglob("*.md"))
    return [p for p in found if "{python" in p.read_text(encoding="utf-8")]


def test_resuming_at_every_cell_gives_what_a_run_from_the_top_gives(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    notes = example_notes(tmp_path / "vault")
    assert len(notes) >= 10
    cache = tmp_path / "cache"
    resumed = 0
    with CellPool(jobs=2) as pool:
        for path in notes:
            job = note_job(path, tmp_path / "vault")
            top = as_json(pool.run(job))
            planned = plan_resume(job, cache, job.timeout, use_cache=False)
            assert as_json(pool.run(planned)) == top, path  # keeping changes nothing
            store = NoteCheckpoints(Path(planned.checkpoints or ""))
            boundaries = [
                position + 1
                for position, key in enumerate(planned.checkpoint_keys)
                if key is not None and store.usable(key)
            ]
            failed = json.loads(top)["status"] != "ok"
            assert boundaries or failed, path
            for position in boundaries:
                again = pool.run(dataclasses.replace(planned, resume=position))
                assert as_json(again) == top, f"{path} resumed after step {position}"
                resumed += 1
            if store.notice() is None:  # every cell that ran to its end was kept
                ran = [s for s in job.steps[: len(boundaries) or 1] if s.kind == "cell"]
                assert len(boundaries) >= len(ran) - (1 if failed else 0), path
    assert resumed >= 30


def run_kept(tmp_path: Path, sources: list[str], limit: int) -> tuple[list[int], dict | None]:
    """Run cells in this process with checkpoints of at most `limit` bytes: the cells after
    which one was kept (counted from 1), and what the run said it could not keep."""
    steps = [Step("cell", i, source, 1 + 4 * i, {}) for i, source in enumerate(sources)]
    job = NoteJob("n.md", str(tmp_path), steps, 60.0)
    planned = plan_resume(job, tmp_path / "cache", 60.0, use_cache=False)
    plan = ResumePlan.of(planned)
    assert plan is not None
    result = NoteRun(steps, str(tmp_path), "n.md", resume=dataclasses.replace(plan, limit=limit))
    assert result.run().status == "ok"
    store = NoteCheckpoints(Path(plan.folder))
    kept = [i + 1 for i, key in enumerate(plan.keys) if key and store.usable(key)]
    return kept, store.notice()


def test_a_namespace_over_the_size_limit_is_not_kept(tmp_path: Path) -> None:
    kept, notice = run_kept(tmp_path, ["a = 1", "big = b'x' * 200_000", "c = 3"], 100_000)
    assert kept == [1]
    assert notice is not None and notice["cell"] == 1 and "more than" in notice["why"]


def test_a_note_that_changes_a_file_it_read_is_not_kept_after_that(tmp_path: Path) -> None:
    (tmp_path / "count.txt").write_text("1")
    sources = [
        "n = int(open('count.txt').read())",
        "open('count.txt', 'w').write(str(n + 1))",
        "m = n",
    ]
    kept, notice = run_kept(tmp_path, sources, 10**8)
    # After cell 2 nothing is kept; after cell 1, what was kept read a file that is now
    # another: a run from the top would read 2 where that one read 1.
    assert kept == []
    assert notice is not None and notice["cell"] == 1 and "changes its own input" in notice["why"]
    assert "count.txt" in notice["why"]
