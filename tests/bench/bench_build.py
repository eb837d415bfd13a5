"""Benchmark: cold `hortus build` on synthetic vaults, against a pure markdown-it-py floor.

    python tests/bench/bench_build.py [--notes 1000 5000] [--make-vault PATH]

Prints, per vault size: cold build seconds, notes per second, peak memory (MB) of the
build process, output size, and the floor (read, parse, render to a file, nothing else).
This is a script that prints figures, not a timed test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MAKE_VAULT = REPO.parent / "shared" / "bench" / "make_vault.py"

FLOOR = """
import sys, time
from pathlib import Path
from markdown_it import MarkdownIt
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
md = MarkdownIt("commonmark")
start = time.perf_counter()
for path in sorted(src.rglob("*.md")):
    out = dst / path.relative_to(src).with_suffix(".html")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(md.render(path.read_text(encoding="utf-8")), encoding="utf-8")
print(time.perf_counter() - start)
"""


def run_measured(cmd: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and peak RSS (MB) of the child process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, encoding="utf-8")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, proc


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def bench(size: int, make_vault: Path, work: Path) -> None:
    project = work / f"site-{size}"
    notes = project / "notes"
    subprocess.run(
        [sys.executable, str(make_vault), str(notes), "--notes", str(size)],
        check=True,
        capture_output=True,
    )
    (project / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "hortus", "build"]
    seconds, peak_mb, proc = run_measured(cmd, project)
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"build of {size} notes failed")
    floor_out = work / f"floor-{size}"
    floor = subprocess.run(
        [sys.executable, "-c", FLOOR, str(notes), str(floor_out)],
        check=True,
        capture_output=True,
        text=True,
    )
    floor_s = float(floor.stdout.strip())
    print(
        f"{size:>6} notes | cold build {seconds:6.2f} s | {size / seconds:7.0f} notes/s | "
        f"peak RSS {peak_mb:6.0f} MB | output {folder_mb(project / 'public'):6.1f} MB | "
        f"floor {floor_s:5.2f} s | ratio {seconds / floor_s:4.1f}x"
    )
    print(f"       {proc.stderr.strip().splitlines()[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--make-vault", type=Path, default=DEFAULT_MAKE_VAULT)
    args = parser.parse_args()
    if not args.make_vault.is_file():
        raise SystemExit(f"make_vault.py not found at {args.make_vault}")
    work = Path(tempfile.mkdtemp(prefix="hortus-bench-"))
    print(f"hortus benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    try:
        for size in args.notes:
            bench(size, args.make_vault, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
