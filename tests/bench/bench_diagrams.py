"""Benchmark: Mermaid diagrams in a 1,000-note vault, cold and cached.

    python tests/bench/bench_diagrams.py [--notes 1000] [--share 0.1] [--make-vault PATH]

Makes the synthetic vault (shared/bench/make_vault.py), gives a `share` of its notes a
Mermaid diagram each (kinds in turn, each source distinct, Chinese labels), and prints: the
cold build's seconds and its `diagrams` stage; a rebuild after one edit (the diagrams all
come from the cache); and the same vault without diagrams, for the difference. A script
that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MAKE_VAULT = REPO.parent / "shared" / "bench" / "make_vault.py"
KINDS = [
    "flowchart TD\n  A[开始 {i}] --> B{{第 {i} 步?}}\n  B -- 是 --> C[结果 {i}]\n  B -- 否 --> A\n",
    "sequenceDiagram\n  用户->>服务器: 请求 {i}\n  服务器-->>用户: 返回 {i}\n",
    "classDiagram\n  动物{i} <|-- 狗{i}\n  class 动物{i} {{\n    +String 名字\n  }}\n",
    "stateDiagram-v2\n  [*] --> 空闲{i}\n  空闲{i} --> 运行{i} : 开始\n  运行{i} --> [*]\n",
    'pie title 分配 {i}\n  "甲" : {i}\n  "乙" : 7\n',
    "gantt\n  dateFormat YYYY-MM-DD\n  section 设计 {i}\n  分析 :a1, 2024-01-01, {i}d\n",
]


def make_vault(make: Path, out: Path, notes: int, share: float) -> int:
    subprocess.run(
        [sys.executable, str(make), str(out / "notes"), "--notes", str(notes)], check=True
    )
    (out / "pyproject.toml").write_text('[tool.hortus]\ntitle = "bench"\n', encoding="utf-8")
    paths = sorted((out / "notes").rglob("*.md"))
    step = max(1, round(1 / share)) if share else 0
    chosen = paths[::step] if step else []
    for i, path in enumerate(chosen):
        diagram = KINDS[i % len(KINDS)].format(i=i)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\n```mermaid\n{diagram}```\n")
    return len(chosen)


def build(project: Path) -> tuple[float, dict[str, float], str]:
    env = {**os.environ, "HORTUS_TIMINGS": "1"}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "hortus", "build"], cwd=project, env=env,
        capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    found = re.search(r"seconds by stage: (.*)", proc.stderr)
    # Stage names may hold commas ("graph, explorer, dates 0.12"): each ends at its number.
    pairs = re.findall(r"(.+?) (\d+\.\d+)(?:, |$)", found.group(1)) if found else []
    stages = {name: float(value) for name, value in pairs}
    return seconds, stages, proc.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("--make-vault", type=Path, default=DEFAULT_MAKE_VAULT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for share in (args.share, 0.0):
            project = Path(scratch) / f"vault-{share}"
            count = make_vault(args.make_vault, project, args.notes, share)
            cold, stages, summary = build(project)
            note = sorted((project / "notes").rglob("*.md"))[1]
            note.write_text(note.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
            edit, edit_stages, _ = build(project)
            print(f"{args.notes} notes, {count} with a diagram")
            for what, total, spent in (
                ("cold build", cold, stages),
                ("one edit", edit, edit_stages),
            ):
                drawing = spent.get("diagrams", 0.0)
                print(f"  {what:<12} {total:6.2f} s   of which drawing diagrams {drawing:.2f} s")
            print(f"  {summary}")
            shutil.rmtree(project)


if __name__ == "__main__":
    main()
