"""Where the build cache lives: `.hortus/`, `node_modules/.cache/hortus/` on Vercel (which
keeps node_modules between deploys), or `cache-dir`; and a cache folder moved to a fresh
clone is still used."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import run_hortus

NOTE = """---
dg-publish: true
---
# Data

```{python}
from pathlib import Path
rows = Path("data.csv").read_text(encoding="utf-8").splitlines()
print(f"{len(rows)} rows")
```
"""


def _project(folder: Path, settings: str = "") -> Path:
    (folder / "notes").mkdir(parents=True)
    (folder / "pyproject.toml").write_text(f"[tool.hortus]\n{settings}\n", encoding="utf-8")
    (folder / "notes" / "Data.md").write_text(NOTE, encoding="utf-8")
    (folder / "notes" / "data.csv").write_text("a\nb\nc\n", encoding="utf-8")
    return folder


def _build(project: Path, env: dict[str, str] | None = None) -> str:
    done = run_hortus("build", cwd=project, env={"VERCEL": "", **(env or {})})
    assert done.returncode == 0, done.stderr
    assert "3 rows" in (project / "public" / "data" / "index.html").read_text(encoding="utf-8")
    return done.stderr


def test_on_vercel_the_cache_is_kept_under_node_modules(tmp_path: Path) -> None:
    project = _project(tmp_path / "site")
    _build(project, {"VERCEL": "1"})
    cache = project / "node_modules" / ".cache" / "hortus"
    assert (cache / "site").is_dir() and (cache / "cells").is_dir()
    assert (cache / "report.json").is_file()
    assert not (project / ".hortus").exists()
    again = _build(project, {"VERCEL": "1"})
    assert "cells run for 0 notes, 1 from cache" in again
    assert "files kept from the last build" in again or "unchanged since" in again


def test_cache_dir_setting_wins_everywhere(tmp_path: Path) -> None:
    project = _project(tmp_path / "site", 'cache-dir = "build-cache"')
    _build(project, {"VERCEL": "1"})
    assert (project / "build-cache" / "cells").is_dir()
    assert (project / "build-cache" / "report.json").is_file()
    assert not (project / "node_modules").exists() and not (project / ".hortus").exists()


def test_a_cache_moved_to_a_fresh_clone_runs_no_cell(tmp_path: Path) -> None:
    first = _project(tmp_path / "first")
    assert "cells run for 1 notes" in _build(first)
    clone = _project(tmp_path / "clone")
    shutil.move(first / ".hortus", clone / ".hortus")
    shutil.rmtree(first)  # nothing of the first checkout is left to read
    assert "cells run for 0 notes, 1 from cache" in _build(clone)
    # The cached result still depends on the file the cell read, in the clone.
    (clone / "notes" / "data.csv").write_text("a\nb\nc\nd\n", encoding="utf-8")
    done = run_hortus("build", cwd=clone, env={"VERCEL": ""})
    assert "cells run for 1 notes" in done.stderr
    assert "4 rows" in (clone / "public" / "data" / "index.html").read_text(encoding="utf-8")
