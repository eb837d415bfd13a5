"""Benchmark: build-time queries on a synthetic vault.

    python tests/bench/bench_queries.py [--notes 10000] [--share 0.05] [--jobs N]
                                        [--make-vault PATH]

Makes a vault with ../shared/bench/make_vault.py, and a copy where `--share` of the notes
(5 %) hold a query (Dataview TABLE, LIST and TASK, a ```base block, an inline query, in
turn), and prints: the cold build seconds of each (the best of `--repeat` builds, taken in
turn) and the ratio, with the seconds of every stage; then, after a one-note edit (a tag of
one note), the pages the incremental build wrote again against the notes whose queries
read that tag. The builds run a copy of hortus and its theme taken at the start, so that
edits to the working tree meanwhile change nothing. A script that prints figures, not a
test.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KATEX = REPO / "node_modules" / "katex"
DEFAULT_MAKE_VAULT = REPO.parent / "shared" / "bench" / "make_vault.py"
WORDS = [
    "gradient",
    "loss",
    "model",
    "variance",
    "estimate",
    "prior",
    "sample",
    "noise",
    "error",
    "bound",
]

QUERIES = [
    "```dataview\nTABLE file.mtime AS Updated, length(file.outlinks) AS Links\n"
    "FROM #{word}\nSORT file.name DESC\nLIMIT 10\n```\n",
    '```dataview\nLIST\nFROM "{folder}" and #topic/{word}\nSORT file.name\n```\n',
    "```dataview\nTASK\nFROM #{word}\nWHERE !completed\n```\n",
    '```base\nfilters:\n  and:\n    - file.hasTag("{word}")\nformulas:\n'
    "  size: 'file.size / 1000'\nviews:\n  - type: table\n    name: Related\n"
    "    order: [file.name, formula.size]\n    sort:\n      - property: file.name\n"
    "        direction: ASC\n    limit: 20\n```\n",
    "This note is `= this.file.name`, in `= this.file.folder`.\n",
]


def add_queries(vault: Path, share: float, seed: int = 7) -> list[Path]:
    """Append a query to `share` of the notes; returns the notes that got one."""
    rng = random.Random(seed)
    notes = sorted(p for p in vault.rglob("*.md") if p.name != "Home.md")
    chosen = sorted(rng.sample(notes, int(len(notes) * share)))
    for number, path in enumerate(chosen):
        template = QUERIES[number % len(QUERIES)]
        folder = path.parent.relative_to(vault).as_posix()
        query = template.format(word=rng.choice(WORDS), folder=folder.split("/")[0])
        with path.open("a", encoding="utf-8") as f:
            f.write("\n- [ ] a task of this note\n\n" + query)
    return chosen


CODE: Path | None = None  # the copy of hortus the builds run


def build(project: Path, jobs: int | None, *extra: str) -> tuple[float, dict[str, float], str]:
    """(seconds, seconds per stage, summary line) of `hortus build` in `project`."""
    command = [sys.executable, "-m", "hortus", "build", *extra]
    if jobs:
        command += ["--jobs", str(jobs)]
    env = {**os.environ, "HORTUS_TIMINGS": "1", "HORTUS_KATEX_DIR": str(KATEX)}
    if CODE is not None:
        env["PYTHONPATH"] = str(CODE)
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed in {project}:\n{proc.stderr[-3000:]}")
    spent = re.search(r"seconds by stage: (.*)", proc.stderr)
    pairs = re.findall(r"\s*(.*?) (\d+\.\d+)(?:,|$)", spent.group(1)) if spent else []
    stages = {name: float(seconds) for name, seconds in pairs}
    summary = next((line for line in proc.stderr.splitlines() if " notes, " in line), "")
    return seconds, stages, summary


def page_inodes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("index.html")}


def make_project(root: Path, make_vault: Path, notes: int) -> Path:
    (root / "notes").mkdir(parents=True)
    shutil.copytree(REPO / "theme", root / "theme")
    (root / "pyproject.toml").write_text('[tool.hortus]\nlanguage = "en"\n', encoding="utf-8")
    subprocess.run(
        [sys.executable, str(make_vault), str(root / "notes"), "--notes", str(notes)],
        check=True, capture_output=True,
    )  # fmt: skip
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--make-vault", type=Path, default=DEFAULT_MAKE_VAULT)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    global CODE
    with tempfile.TemporaryDirectory(prefix="hortus-bench-queries-") as tmp:
        CODE = Path(tmp) / "code"
        shutil.copytree(REPO / "build" / "hortus", CODE / "hortus")
        plain = make_project(Path(tmp) / "plain", args.make_vault, args.notes)
        queried = Path(tmp) / "queried"
        shutil.copytree(plain, queried)
        holders = add_queries(queried / "notes", args.share)
        runs: dict[Path, list[tuple[float, dict[str, float], str]]] = {plain: [], queried: []}
        for _ in range(args.repeat):
            for project in (plain, queried):
                shutil.rmtree(project / "public", ignore_errors=True)
                shutil.rmtree(project / ".hortus", ignore_errors=True)
                runs[project].append(build(project, args.jobs))
        base_s, base_stages, _ = min(runs[plain])
        query_s, stages, summary = min(runs[queried])
        print(f"notes: {args.notes}, with a query: {len(holders)}")
        print(f"cold build without queries: {base_s:.1f} s")
        print(f"cold build with queries:    {query_s:.1f} s ({query_s / base_s - 1:+.1%})")
        print(f"  queries stage: {stages.get('queries', float('nan')):.2f} s; {summary}")
        for name, seconds in stages.items():
            print(f"  {name:>24}: {base_stages.get(name, 0.0):6.2f} s -> {seconds:6.2f} s")
        edit_one_note(queried, holders, args.jobs)


def edit_one_note(project: Path, holders: list[Path], jobs: int | None) -> None:
    """Give one note a new tag and property; count the pages written again."""
    before = page_inodes(project / "public")
    notes = project / "notes"
    target = next(
        p for p in sorted(notes.rglob("*.md")) if p not in holders and p.name != "Home.md"
    )
    text = target.read_text(encoding="utf-8")
    word = "gradient"
    target.write_text(text.replace("tags: [", f"tags: [{word}, ", 1), encoding="utf-8")
    seconds, _, _ = build(project, jobs)
    after = page_inodes(project / "public")
    rewritten = sorted(p for p in after if before.get(p) != after[p])
    readers = [h for h in holders if f"#{word}" in h.read_text(encoding="utf-8")]
    print(f"one-note edit ({target.name}: tag #{word} added): rebuilt in {seconds:.1f} s")
    print(f"  pages written again: {len(rewritten)}; notes whose queries read #{word}: "
          f"{len(readers)}")  # fmt: skip
    for page in rewritten[:20]:
        print(f"    {page}")


if __name__ == "__main__":
    main()
