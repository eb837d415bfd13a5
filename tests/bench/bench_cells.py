"""Benchmark: the cell executor (hortus.cells.CellPool) against a fresh Python per note.

    python tests/bench/bench_cells.py [--notes 100] [--jobs 2]

Prints: the per-note overhead of the pool (a note with one trivial cell, run one after the
other on a warm worker); the wall time of N notes that each import numpy and matplotlib and
draw one small plot, through the pool with `--jobs` workers; and the same N notes, each run by
a fresh `python -c` process, `--jobs` at a time. A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=50)
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


if __name__ == "__main__":
    main()
