"""Benchmark: the cell executor (hortus.cells.CellPool) against a fresh Python per note, and
whole builds on the local pool against a Dask LocalCluster.

    python tests/bench/bench_cells.py [--notes 100] [--jobs 2] [--no-builds]

Prints: the per-note overhead of the pool (a note with one trivial cell, run one after the
other on a warm worker); the wall time of N notes that each import numpy and matplotlib and
draw one small plot, through the pool with `--jobs` workers; and the same N notes, each run by
a fresh `python -c` process, `--jobs` at a time. Then `hortus build` of a vault of N
numpy/matplotlib notes (two cells and an inline value each), on the local pool with `--jobs`
workers and on a LocalCluster of `--jobs` worker processes: cold (no cache), and after one
cell of every note was edited. A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hortus.cells import CellPool, FigureOutput, NoteJob, Step, run_note

PLOT = """\
import numpy as np
import matplotlib.pyplot as plt
x = np.linspace(0, 2 * np.pi, 50)
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot(x, np.sin(x + {k}))
ax.set_title("note {k}")
"""

# The same work without hortus: start Python, import, plot, write the SVG.
FRESH = """\
import io, matplotlib
matplotlib.use("Agg")
{plot}
buffer = io.StringIO()
fig.savefig(buffer, format="svg", metadata={{"Date": None}})
"""


def trivial_overhead(folder: str, repeats: int) -> tuple[float, float]:
    steps = [Step("cell", 0, "1 + 1", 1, {})]
    in_process = []
    for _ in range(repeats):
        start = time.perf_counter()
        run_note(steps, folder, "trivial.md")
        in_process.append(time.perf_counter() - start)
    with CellPool(jobs=1) as pool:
        job = NoteJob("trivial.md", folder, steps, 60)
        pool.run(job)  # start and warm the worker
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            result = pool.run(job)
            times.append(time.perf_counter() - start)
            assert result.status == "ok", result.error
    return statistics.median(times), statistics.median(in_process)


def pool_wall(folder: str, notes: int, jobs: int) -> float:
    batch = [
        NoteJob(f"n{k}.md", folder, [Step("cell", 0, PLOT.format(k=k), 1, {})], 60)
        for k in range(notes)
    ]
    start = time.perf_counter()
    with CellPool(jobs=jobs) as pool:  # worker start-up is part of the time
        results = pool.map(batch)
    end = time.perf_counter()
    assert all(r.status == "ok" for r in results), [r.error for r in results]
    assert all(isinstance(o, FigureOutput) for r in results for o in r.cells[0].outputs[-1:])
    return end - start


def fresh_wall(folder: str, notes: int, jobs: int) -> float:
    def one(k: int) -> None:
        code = FRESH.format(plot=PLOT.format(k=k))
        subprocess.run([sys.executable, "-c", code], cwd=folder, check=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as executor:
        list(executor.map(one, range(notes)))
    return time.perf_counter() - start


NOTE = """---
dg-publish: true
---
# Note {k}

```{{python}}
import numpy as np
rng = np.random.default_rng({k})
data = rng.normal(size=5000)
```

The mean is `{{python}} f"{{data.mean():.3f}}"`.

```{{python}}
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 3))
ax.hist(data, bins=40)
ax.set_title("note {k}, {version}")
```
"""


def build(project: Path, *args: str) -> tuple[float, str]:
    """(wall seconds, the cells stage's seconds) of one `hortus build`."""
    env = {**os.environ, "HORTUS_TIMINGS": "1", "CI": "true"}
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "hortus", "build", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"build failed: {run.stderr}")
    cells = re.search(r"cells (\d+\.\d+)", run.stderr)
    return wall, cells.group(1) if cells else "?"


def builds(root: Path, notes: int, jobs: int, executor: str, label: str) -> None:
    """A cold build and a build after one cell per note was edited, printed."""
    project = root / label
    (project / "notes").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    for k in range(notes):
        text = NOTE.format(k=k, version="first")
        (project / "notes" / f"n{k}.md").write_text(text, encoding="utf-8")
    args = ("--jobs", str(jobs), "--executor", executor)
    cold, cold_cells = build(project, *args)
    for k in range(notes):
        text = NOTE.format(k=k, version="edited")
        (project / "notes" / f"n{k}.md").write_text(text, encoding="utf-8")
    edited, edited_cells = build(project, *args)
    print(
        f"build of {notes} numpy+matplotlib notes, {label}: cold {cold:.1f} s "
        f"(cells {cold_cells} s); one cell edited per note {edited:.1f} s (cells {edited_cells} s)"
    )


def bench_builds(notes: int, jobs: int) -> None:
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="hortus-bench-builds-") as folder:
        builds(Path(folder), notes, jobs, "local", f"local pool, {jobs} jobs")
        with LocalCluster(
            n_workers=jobs, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster:
            address = "dask://" + cluster.scheduler_address.removeprefix("tcp://")
            builds(Path(folder), notes, jobs, address, f"Dask LocalCluster, {jobs} workers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--no-builds", action="store_true", help="skip the whole builds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hortus-bench-") as folder:
        Path(folder, "warm").write_text("")
        overhead, in_process = trivial_overhead(folder, args.repeats)
        print(
            f"per-note overhead, one trivial cell: {overhead * 1000:.1f} ms (median of "
            f"{args.repeats}; run_note alone, in-process: {in_process * 1000:.2f} ms)"
        )
        total = pool_wall(folder, args.notes, args.jobs)
        print(
            f"{args.notes} numpy+matplotlib notes, pool with {args.jobs} jobs: {total:.2f} s "
            f"wall ({total / args.notes * 1000:.0f} ms a note, worker start-up included)"
        )
        fresh = fresh_wall(folder, args.notes, args.jobs)
        print(
            f"{args.notes} numpy+matplotlib notes, fresh `python -c` each, {args.jobs} at a "
            f"time: {fresh:.2f} s wall ({fresh / args.notes * 1000:.0f} ms a note)"
        )
        print(f"speed-up: {fresh / total:.1f}x")
    if not args.no_builds:
        bench_builds(args.notes, args.jobs)


if __name__ == "__main__":
    main()
