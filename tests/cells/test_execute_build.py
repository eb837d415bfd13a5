"""Executable notes through the real CLI: claims, failures, timeouts, cache, determinism."""

from __future__ import annotations

import json
import time
from pathlib import Path

from conftest import run_hortus

P = "---\ndg-publish: true\n---\n"

GOOD = (
    P
    + """# Data

```{python}
#| label: setup
import numpy as np
values = np.array([1.0, 2.0, 3.0, 6.0])
print("loaded", len(values))
```

The mean is `{python} f"{values.mean():.2f}"`.

```{python}
#| echo: false
#| fig-cap: A line
#| fig-alt: A straight line through the values
import matplotlib.pyplot as plt
claim("the mean is 3", values.mean(), 3.0)
plt.plot(values)
```
"""
)

FALSE_CLAIM = (
    P
    + """Intro.

```{python}
total = 2 + 2
claim("two and two make five", total, 5)
```
"""
)


def test_cells_outputs_inline_values_claims_and_figures(build_vault) -> None:
    run = build_vault({"d.md": GOOD})
    assert run.code == 0, run.stderr
    html = run.page("/d/")
    assert '<pre class="cell-stdout">loaded 4\n</pre>' in html
    assert 'The mean is <span class="inline-value">3.00</span>.' in html
    assert "claim-passed" in html and "the mean is 3" in html
    assert "claim(&quot;the mean is 3&quot;" not in html  # echo: false hides the code
    assert 'alt="A straight line through the values"' in html
    assert "<figcaption>A line</figcaption>" in html
    svgs = list(run.out.glob("assets/d-cell2-1.*.svg"))
    assert len(svgs) == 1 and svgs[0].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    claims = json.loads((run.out / "claims.json").read_text(encoding="utf-8"))
    computed = claims[0].pop("computed")  # the note imported numpy and matplotlib
    assert {"numpy", "matplotlib"} <= set(computed["distributions"]) and not computed["frozen"]
    assert claims == [
        {
            "note": "d.md", "line": 20, "text": "the mean is 3", "actual": "3.0",
            "expected": "3.0", "tolerance": {"rel": None, "abs": None}, "passed": True,
        }
    ]  # fmt: skip
    assert "the mean is 3" in run.page("/claims/")
    assert "cells run for 1 notes, 0 from cache" in run.stderr


def test_false_claim_fails_with_line_and_values_and_keeps_old_site(build_vault) -> None:
    first = build_vault({"n.md": GOOD})
    assert first.code == 0, first.stderr
    before = {p: p.read_bytes() for p in first.out.rglob("*") if p.is_file()}
    run = build_vault({"n.md": FALSE_CLAIM})
    assert run.code == 1
    assert "n.md:8: error: claim failed: two and two make five: expected 5, got 4" in run.stderr
    assert {p: p.read_bytes() for p in run.out.rglob("*") if p.is_file()} == before


def test_exception_and_assert_name_the_line(build_vault) -> None:
    source = P + "\n```{python}\nx = 1\nassert x > 2, 'x is too small'\n```\n"
    run = build_vault({"a.md": source})
    assert run.code == 1
    assert "a.md:7: error: cell 1 (line 7): AssertionError: x is too small" in run.stderr
    assert "Traceback" not in run.stderr


def test_endless_loop_with_timeout_fails_in_seconds(build_vault) -> None:
    source = "---\ndg-publish: true\ntimeout: 3\n---\n\n```{python}\nwhile True:\n    pass\n```\n"
    started = time.monotonic()
    run = build_vault({"loop.md": source, "ok.md": GOOD})
    assert time.monotonic() - started < 30
    assert run.code == 1
    assert "loop.md:7: error: timed out after 3 s in cell 1" in run.stderr


def test_cache_reruns_only_when_an_input_changes(build_vault, tmp_path: Path) -> None:
    reads = (
        P
        + "```{python}\nwith open('data.txt', encoding='utf-8') as f:\n"
        + ("    n = int(f.read())\nclaim('n is positive', n > 0, True)\n```\n\nn = `{python} n`\n")
    )
    files = {"r.md": reads, "data.txt": "7", "other.md": GOOD}
    first = build_vault(files)
    assert first.code == 0, first.stderr
    assert "cells run for 2 notes, 0 from cache" in first.stderr
    again = build_vault(files)
    assert "cells run for 0 notes, 2 from cache" in again.stderr
    changed = build_vault({**files, "data.txt": "9"})
    assert "cells run for 1 notes, 1 from cache" in changed.stderr
    assert 'n = <span class="inline-value">9</span>' in changed.page("/r/")
    fresh = build_vault(files, "--no-cache")
    assert "cells run for 2 notes, 0 from cache" in fresh.stderr


def test_two_builds_give_identical_pages_and_svgs(build_vault) -> None:
    first = build_vault({"d.md": GOOD}, "--no-cache")
    snapshot = {
        p.relative_to(first.out): p.read_bytes() for p in first.out.rglob("*") if p.is_file()
    }
    second = build_vault({"d.md": GOOD}, "--no-cache")
    again = {
        p.relative_to(second.out): p.read_bytes() for p in second.out.rglob("*") if p.is_file()
    }
    assert snapshot == again
    assert any(p.suffix == ".svg" for p in snapshot)


def test_check_runs_everything_and_writes_nothing(build_vault, tmp_path: Path) -> None:
    run = build_vault({"n.md": FALSE_CLAIM})
    project = run.out.parent
    proc = run_hortus("check", cwd=project)
    assert proc.returncode == 1
    assert "claim failed: two and two make five" in proc.stderr
    assert not run.out.exists()
    (project / "notes" / "n.md").write_text(GOOD, encoding="utf-8")
    assert run_hortus("check", cwd=project).returncode == 0
    assert not run.out.exists()


def test_crashing_notes_never_take_the_build_down(build_vault) -> None:
    run = build_vault(
        {
            "exit.md": P + "```{python}\nimport sys\nsys.exit(3)\n```\n",
            "hard.md": P + "```{python}\nimport os\nos._exit(1)\n```\n",
            "fine.md": GOOD,
        }
    )
    assert run.code == 1
    assert "exit.md:6: error: cell 1 (line 6): SystemExit" in run.stderr
    assert "hard.md:5: error: crashed in cell 1 (line 5)" in run.stderr
    assert "Traceback" not in run.stderr
