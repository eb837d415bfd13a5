"""Exit codes, messages and the promise that a failed build leaves the old site alone."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import run_hortus

GOOD = "---\ndg-publish: true\n---\n# Title\n\nThe value $x^2$.\n"
BAD_MATH = "---\ndg-publish: true\n---\nfirst line\n\n$\\frac{1}{$ broken\n"


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    proc = run_hortus("build", "--no-such-flag", cwd=tmp_path)
    assert proc.returncode == 2
    assert "unrecognized arguments" in proc.stderr
    assert run_hortus(cwd=tmp_path).returncode == 2


def test_missing_notes_folder_is_an_error_without_traceback(tmp_path: Path) -> None:
    proc = run_hortus("build", "--notes", "nowhere", cwd=tmp_path)
    assert proc.returncode == 1
    assert "notes folder not found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_summary_line(build_vault) -> None:
    run = build_vault({"a.md": GOOD, "b.md": GOOD})
    assert run.code == 0
    last = run.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"hortus: 2 notes, \d+ pages, cells run for 0 notes, 0 from cache, "
        r"0 warnings, 0 errors in \d+\.\d\d s \(built\)",
        last,
    ), last


def test_rejected_formula_is_a_warning_shown_as_source(build_vault) -> None:
    run = build_vault({"m.md": BAD_MATH})
    assert run.code == 0, run.stderr
    assert "m.md:6: warning: KaTeX cannot typeset $\\frac{1}{$" in run.stderr
    html = run.page("/m/")
    assert 'class="math-error"' in html and "<code>\\frac{1}{</code>" in html
    display = build_vault({"m.md": BAD_MATH.replace("$\\frac{1}{$", "$$\n\\frac{1}{\n$$")})
    assert "m.md:6: warning: KaTeX cannot typeset $$\\frac{1}{$$" in display.stderr


def test_strict_turns_warnings_into_a_failed_build(build_vault) -> None:
    run = build_vault({"m.md": BAD_MATH}, "--strict")
    assert run.code == 1
    assert "m.md:6: error: KaTeX cannot typeset" in run.stderr


def test_failed_build_leaves_previous_site_untouched(build_vault) -> None:
    first = build_vault({"m.md": GOOD})
    assert first.code == 0
    before = {p: p.read_bytes() for p in first.out.rglob("*") if p.is_file()}
    second = build_vault({"m.md": BAD_MATH}, "--strict")
    assert second.code == 1
    after = {p: p.read_bytes() for p in second.out.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in first.out.parent.iterdir() if p.name.startswith(".public")]
    assert leftovers == []


def test_same_input_builds_the_same_bytes(build_vault, tmp_path: Path) -> None:
    first = build_vault({"a.md": GOOD, "b/c.md": GOOD})
    snapshot = {
        p.relative_to(first.out): p.read_bytes() for p in first.out.rglob("*") if p.is_file()
    }
    second = build_vault({"a.md": GOOD, "b/c.md": GOOD})
    again = {
        p.relative_to(second.out): p.read_bytes() for p in second.out.rglob("*") if p.is_file()
    }
    assert snapshot == again


def test_an_unchanged_build_says_what_the_last_one_said(build_vault) -> None:
    first = build_vault({"m.md": BAD_MATH, "a.md": GOOD})
    assert first.code == 0, first.stderr
    project = first.out.parent
    again = run_hortus("build", cwd=project)
    assert again.returncode == 0, again.stderr
    assert "m.md:6: warning: KaTeX cannot typeset" in again.stderr
    last = again.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"hortus: 2 notes, \d+ pages, cells run for 0 notes, 0 from cache, "
        r"1 warnings, 0 errors in \d+\.\d\d s \(built, unchanged since the last build\)",
        last,
    ), last
    strict = run_hortus("build", "--strict", cwd=project)
    assert strict.returncode == 1
    assert "m.md:6: error: KaTeX cannot typeset" in strict.stderr
    assert strict.stderr.strip().endswith("(not built)")


def test_an_unchanged_build_loads_no_stage(build_vault) -> None:
    """Start-up is most of an unchanged build: the parser, templates, search and the
    libraries behind them are not even imported."""
    first = build_vault({"a.md": GOOD})
    assert first.code == 0, first.stderr
    heavy = (
        "markdown_it", "jinja2", "pygments", "numpy", "yaml", "multiprocessing",
        "hortus.markdown", "hortus.render", "hortus.vault.reading", "hortus.vault.language",
    )  # fmt: skip
    script = (
        "import sys\nfrom hortus.cli import main\ncode = main(['build'])\n"
        f"print(code, sorted(m for m in sys.modules if m.startswith({heavy!r})))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=first.out.parent, capture_output=True, text=True,
        encoding="utf-8", timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "0 []", run.stdout
    assert "unchanged since the last build" in run.stderr
