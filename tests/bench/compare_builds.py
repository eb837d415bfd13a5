"""Build the same vaults with two versions of hortus and compare the sites byte for byte.

    python tests/bench/compare_builds.py --before DIR [--notes 1000] [VAULT ...]

`--before` is a checkout of the version to compare against (e.g. `git worktree add
/tmp/before HEAD~1`); the version compared is this checkout. Each vault is built by both
with `--no-cache` from a scratch project with the same settings; the script prints, per
vault, the number of files and any file that differs or exists on one side only, and exits
1 when a site differs. Vaults compared by default: notes/, the syntax fixtures of
tests/fixtures/ (every note published) and a make_vault.py vault of `--notes` notes, a
`--cells` fraction of them with a Python cell.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAKE_VAULT = REPO.parent / "shared" / "bench" / "make_vault.py"


def build(source: Path, vault: Path, settings: str, out: Path, scratch: Path) -> None:
    """Build `vault` with the hortus found under `source`/build into `out`."""
    project = scratch / "project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text(settings, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(source / "build")
    env["HORTUS_KATEX_DIR"] = str(REPO / "node_modules" / "katex")
    env.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    command = [sys.executable, "-m", "hortus", "build", "--notes", str(vault), "--out", str(out)]
    done = subprocess.run(
        [*command, "--no-cache"], cwd=project, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"{source}: build of {vault} failed:\n{done.stdout}{done.stderr}")


def differences(a: Path, b: Path) -> tuple[int, list[str]]:
    """(files compared, paths that differ or exist on one side only)."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    differ = [f"only before: {p}" for p in sorted(files_a - files_b)]
    differ += [f"only after: {p}" for p in sorted(files_b - files_a)]
    for rel in sorted(files_a & files_b):
        if not filecmp.cmp(a / rel, b / rel, shallow=False):
            differ.append(f"differs: {rel}")
    return len(files_a | files_b), differ


def settings_of(project: Path) -> str:
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    start = text.find("[tool.hortus]")
    return text[start:] if start >= 0 else "[tool.hortus]\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout to compare with")
    parser.add_argument("--notes", type=int, default=1000, help="notes in the generated vault")
    parser.add_argument(
        "--cells", type=float, default=0.05, help="fraction of generated notes with a cell"
    )
    parser.add_argument("vaults", nargs="*", type=Path)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="hortus-compare-"))
    vaults: list[tuple[Path, str]] = [(v.resolve(), "[tool.hortus]\n") for v in args.vaults]
    if not args.vaults:
        vaults.append((REPO / "notes", settings_of(REPO)))
        vaults.append((REPO / "tests" / "fixtures", '[tool.hortus]\npublish = "all"\n'))
        if args.notes and MAKE_VAULT.is_file():
            generated = scratch / f"vault-{args.notes}"
            make = [sys.executable, str(MAKE_VAULT), str(generated), "--notes", str(args.notes)]
            subprocess.run(
                [*make, "--cells", str(args.cells)],
                check=True,
                capture_output=True,
            )
            vaults.append((generated, '[tool.hortus]\npublish = "all"\n'))
    failed = False
    try:
        for vault, settings in vaults:
            before, after = scratch / "before", scratch / "after"
            for out in (before, after):
                shutil.rmtree(out, ignore_errors=True)
            build(args.before.resolve(), vault, settings, before, scratch)
            build(REPO, vault, settings, after, scratch)
            count, differ = differences(before, after)
            verdict = "identical" if not differ else f"{len(differ)} differ"
            print(f"{vault}: {count} files, {verdict}")
            for line in differ[:20]:
                print(f"  {line}")
            failed = failed or bool(differ)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
