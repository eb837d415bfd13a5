"""Quarto's presentation options for a cell's outputs: `fig-align` and `layout-ncol` as the
page shows them, and PDF-only options accepted without a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import article, run_hortus

NOTE = """# Layout

```{python}
#| fig-align: right
#| fig-env: figure*
import matplotlib.pyplot as plt
plt.plot([1, 2])
```

```{python}
#| layout-ncol: 2
for k in range(2):
    plt.figure()
    plt.plot([k, 0])
```
"""


def test_figures_are_aligned_and_laid_out_in_columns(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "layout.md").write_text(NOTE, encoding="utf-8")
    settings = '[tool.hortus]\npublish = "all"\nlanguage = "en"\n'
    (tmp_path / "pyproject.toml").write_text(settings, encoding="utf-8")
    run = run_hortus("build", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert ": warning:" not in run.stderr and " 0 warnings" in run.stderr, run.stderr
    html = article((tmp_path / "public" / "layout" / "index.html").read_text(encoding="utf-8"))
    first, second = html.split('<div class="cell" id="cell-')[1:3]
    assert '<figure class="cell-figure fig-align-right">' in first
    assert '<div class="cell-output cell-layout" style="--columns: 2">' in second
    assert second.count('<figure class="cell-figure">') == 2
