"""Benchmark: `hortus build` on synthetic vaults, against a pure markdown-it-py floor.

    python tests/bench/bench_build.py [--notes 1000 10000 50000] [--no-change-runs 5]
                                      [--cold-runs 1] [--edit-runs 1]
                                      [--cells 0.05] [--serve] [--jobs N] [--make-vault PATH]
                                      [--math-output html|mathml]

For each vault size (by default 1,000, 10,000 and 50,000 notes, from make_vault.py; name
fewer with --notes, since 50,000 takes long) it prints a table as soon as that size is done:
the floor (the same vault read, parsed and rendered to files by markdown-it-py with nothing
else, measured in the same run; with --cold-runs N, N floors and N cold builds taking turns,
and the median of each), the cold build and its ratio to the floor, the no-change
build (the wall time of the whole `hortus build` process, start to exit: the median of
several), the one-note edit (with --edit-runs N, the median of N edits of the same note,
each built), peak memory (the build's whole process tree, and its largest
process) of the cold build and the edit, the output's size in all and per page, and the
seconds by stage of the cold build and the edit. With --cells, a second vault where that
fraction of notes carries a Python cell; with --serve, how long after a save the edited page
is served changed by `hortus serve`. A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
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


# As a user runs hortus: modules load from their bytecode, written on first use (or at
# install) unless PYTHONDONTWRITEBYTECODE forbids it, which would time compiling them too.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["HORTUS_TIMINGS"] = "1"


def _tree_rss(session: int) -> tuple[int, int]:
    """(total, largest) memory in KiB of the processes of one session: the total counts a
    page shared by forked workers once (PSS), the largest is one process's resident size."""
    total = largest = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[3]) != session:  # fields[3] is the session id
                continue
            with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as f:
                rss = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            with open(f"/proc/{entry.name}/smaps_rollup", encoding="ascii", errors="replace") as f:
                pss = next((int(line.split()[1]) for line in f if line.startswith("Pss:")), rss)
        except (OSError, ValueError, IndexError):
            continue
        total += pss
        largest = max(largest, rss)
    return total, largest


class Measured:
    """Runs a command in its own session, sampling the memory of all its processes."""

    def __init__(self, cmd: list[str], cwd: Path, sample_memory: bool = True) -> None:
        self.peak_total = self.peak_largest = 0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            encoding="utf-8", start_new_session=True, env=ENV,
        )  # fmt: skip
        done = threading.Event()

        def sample() -> None:
            while sample_memory and not done.is_set():
                total, largest = _tree_rss(proc.pid)
                self.peak_total = max(self.peak_total, total)
                self.peak_largest = max(self.peak_largest, largest)
                done.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        self.stdout, self.stderr = proc.communicate()
        self.seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # Processor seconds of the process and the children it waited for: what the time
        # would be on an idle machine, near enough, when other work shares the cores.
        self.cpu = sum(getattr(after, f) - getattr(before, f) for f in ("ru_utime", "ru_stime"))
        done.set()
        sampler.join()
        self.code = proc.returncode
        if self.code != 0:
            print(self.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"{' '.join(cmd)} failed with exit {self.code}")

    @property
    def summary(self) -> str:
        return self.stderr.strip().splitlines()[-1]

    @property
    def stages(self) -> str:
        lines = [line for line in self.stderr.splitlines() if "seconds by stage" in line]
        return lines[-1].removeprefix("hortus: ") if lines else ""


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _edit(note: Path, marker: str) -> None:
    text = note.read_text(encoding="utf-8")
    note.write_text(text + f"\n{marker}\n", encoding="utf-8")


def serve_latency(project: Path, note: Path, url: str, jobs: list[str], edits: int = 3) -> str:
    """Seconds from a save to the edited page being served changed, by `hortus serve`."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hortus", "serve", "--port", str(port), *jobs],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    page = f"http://127.0.0.1:{port}{url}"

    def fetch() -> str:
        try:
            with urllib.request.urlopen(page, timeout=5) as response:
                return response.read().decode("utf-8", "replace")
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 1800
        while "<html" not in fetch():
            if server.poll() is not None or time.monotonic() > deadline:
                return "server did not start"
            time.sleep(0.2)
        time.sleep(2.0)  # let the watcher settle after the first build
        times = []
        for i in range(edits):
            marker = f"serve-edit-{i}-{time.time_ns()}"
            saved = time.perf_counter()
            _edit(note, marker)
            while marker not in fetch():
                if time.perf_counter() - saved > 600:
                    return "edit never appeared"
                time.sleep(0.01)
            times.append(time.perf_counter() - saved)
            time.sleep(3.0)  # the rest of the site is rebuilt after the edited page
        return " / ".join(f"{t:.2f}" for t in times) + " s"
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


def hortus_command(jobs: list[str]) -> list[str]:
    """`hortus build` as a user runs it: the console script installed beside this Python
    (else `python -m hortus`)."""
    script = Path(sys.executable).with_name("hortus")
    start = [str(script)] if script.is_file() else [sys.executable, "-m", "hortus"]
    return [*start, "build", *jobs]


def compile_bytecode() -> None:
    """Write the bytecode of the hortus package the command imports, as `pip install` does:
    otherwise the first build timed (the smallest vault's cold one) also compiles every
    module, half a second here, when run from a fresh checkout."""
    found = subprocess.run(
        [sys.executable, "-c", "import hortus, os; print(os.path.dirname(hortus.__file__))"],
        check=True, capture_output=True, text=True, env=ENV,
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", found.stdout.strip()], check=True, env=ENV
    )


def no_change(build: list[str], project: Path, runs: int) -> list[Measured]:
    """`runs` whole `hortus build` processes (start to exit) on an unchanged garden, by
    wall time."""
    found = []
    for _ in range(runs):
        run = Measured(build, project, sample_memory=False)
        if "unchanged since the last build" not in run.summary:
            raise SystemExit(f"a build after no change was not a no-change build: {run.summary}")
        found.append(run)
    return sorted(found, key=lambda run: run.seconds)


def pages_of(summary: str) -> int:
    match = re.search(r"(\d+) pages", summary)
    return int(match.group(1)) if match else 0


def bench(size: int, cells: float, args: argparse.Namespace, work: Path) -> None:
    project = work / f"site-{size}-{cells}"
    notes = project / "notes"
    subprocess.run(
        [sys.executable, str(args.make_vault), str(notes), "--notes", str(size),
         "--cells", str(cells)],
        check=True, capture_output=True,
    )  # fmt: skip
    settings = f'math-output = "{args.math_output}"\n' if args.math_output else ""
    (project / "pyproject.toml").write_text(f"[tool.hortus]\n{settings}", encoding="utf-8")
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    build = hortus_command(jobs)
    # Each further cold build gets a copy of the project made before any build: no cache.
    copies = [project]
    for run in range(1, args.cold_runs):
        copy = work / f"site-{size}-{cells}-{run}"
        shutil.copytree(notes, copy / "notes")
        shutil.copy2(project / "pyproject.toml", copy / "pyproject.toml")
        copies.append(copy)
    # The floor and the cold build take turns, so that both see the machine alike; with
    # several runs, the median of each. Nothing is deleted until the whole run is done (see
    # main): a file system without a journal (ext4 here) passes over the inodes freed in
    # the last minutes each time it makes a file, so a build just after deleting the
    # floor's files paid for each one it made.
    floors: list[float] = []
    colds: list[Measured] = []
    for run, copy in enumerate(copies):
        floor_out = work / f"floor-{size}-{cells}-{run}"
        floor = subprocess.run(
            [sys.executable, "-c", FLOOR, str(copy / "notes"), str(floor_out)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        floors.append(float(floor.stdout.strip()))
        colds.append(Measured(build, copy))
    floor_s = sorted(floors)[len(floors) // 2]
    cold = colds[0]
    cold_s = sorted(run.seconds for run in colds)[len(colds) // 2]
    spread = [
        min(floors),
        max(floors),
        min(r.seconds for r in colds),
        max(r.seconds for r in colds),
    ]
    runs = (
        f" (medians of {len(colds)}, each build after a floor; floors {spread[0]:.2f}-"
        f"{spread[1]:.2f} s, builds {spread[2]:.2f}-{spread[3]:.2f} s)"
        if len(colds) > 1
        else ""
    )
    output_mb = folder_mb(project / "public")
    pages = pages_of(cold.summary)
    unchanged = no_change(build, project, args.no_change_runs)
    median = unchanged[len(unchanged) // 2]
    all_notes = sorted(notes.rglob("*.md"))
    edited_note = all_notes[len(all_notes) // 2]
    edits: list[Measured] = []
    for run in range(args.edit_runs):  # each a build after one more edit of the same note
        _edit(edited_note, f"An edit for the benchmark ({run + 1}).")
        edits.append(Measured(build, project))
    edits.sort(key=lambda measured: measured.seconds)
    edit = edits[len(edits) // 2]
    edit_runs = (
        f"median of {len(edits)} edits ({edits[0].seconds:.2f}-{edits[-1].seconds:.2f} s); "
        if len(edits) > 1
        else ""
    )
    label = f"{size:,} notes" + (f", {cells:.0%} with cells" if cells else "")
    label += f", math-output {args.math_output}" if args.math_output else ""
    rows = [
        ("floor (markdown-it-py)", f"{floor_s:.2f} s", "read, parse, render to files"),
        ("cold build", f"{cold_s:.2f} s",
         f"{cold_s / floor_s:.1f}x floor, {size / cold_s:.0f} notes/s, "
         f"processor {cold.cpu:.1f} s{runs}"),
        ("no change", f"{median.seconds:.3f} s",
         f"median of {len(unchanged)} whole processes (fastest {unchanged[0].seconds:.3f} s); "
         f"processor {min(run.cpu for run in unchanged):.3f} s"),
        ("one-note edit", f"{edit.seconds:.2f} s",
         f"{edit_runs}processor {edit.cpu:.1f} s; " + edit.summary.removeprefix("hortus: ")),
        ("peak memory, cold", f"{cold.peak_total / 1024:.0f} MB",
         f"PSS of the process tree; largest process {cold.peak_largest / 1024:.0f} MB"),
        ("peak memory, edit", f"{edit.peak_total / 1024:.0f} MB",
         f"largest process {edit.peak_largest / 1024:.0f} MB"),
        ("output", f"{output_mb:.1f} MB",
         f"{output_mb * 1000 / max(pages, 1):.1f} KB per page, {pages} pages"),
        ("stages, cold", "", cold.stages.removeprefix("seconds by stage: ")),
        ("stages, edit", "", edit.stages.removeprefix("seconds by stage: ")),
    ]  # fmt: skip
    print(f"\n### {label}\n\n{cold.summary}\n{median.summary}\n")
    print("| measure | value | detail |\n|---|---|---|")
    for name, value, detail in rows:
        print(f"| {name} | {value} | {detail} |")
    if args.serve:
        rel = edited_note.relative_to(notes).with_suffix("")
        url = "/" + "/".join(part.lower().replace(" ", "-") for part in rel.parts) + "/"
        print(f"\nserve: edit visible after {serve_latency(project, edited_note, url, jobs)}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notes", type=int, nargs="+", default=[1000, 10000, 50000], help="vault sizes to run"
    )
    parser.add_argument(
        "--no-change-runs", type=int, default=5, help="no-change builds timed (the median shown)"
    )
    parser.add_argument(
        "--cold-runs", type=int, default=1, help="floors and cold builds timed (medians shown)"
    )
    parser.add_argument(
        "--edit-runs", type=int, default=1, help="one-note edits timed (the median shown)"
    )
    parser.add_argument("--cells", type=float, default=None, help="also a vault with cells")
    parser.add_argument("--serve", action="store_true", help="measure hortus serve too")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--make-vault", type=Path, default=DEFAULT_MAKE_VAULT)
    parser.add_argument(
        "--math-output", choices=["html", "mathml"], default=None, help="the math-output setting"
    )
    args = parser.parse_args()
    if not args.make_vault.is_file():
        raise SystemExit(f"make_vault.py not found at {args.make_vault}")
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="hortus-bench-"))
    print(f"hortus benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    try:
        for size in args.notes:
            bench(size, 0.0, args, work)
            if args.cells:
                bench(size, args.cells, args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
