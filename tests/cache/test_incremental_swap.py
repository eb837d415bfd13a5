"""A rebuild swaps its site in and does not wait while the previous one is removed: that is
done beside it, by a process of its own, and what such a process left is cleared later."""

from __future__ import annotations

import time
from pathlib import Path

from hortus.config import load_settings
from hortus.pipeline import build_site


def _project(root: Path) -> Path:
    notes = root / "notes"
    notes.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.hortus]\npublish = "all"\n', encoding="utf-8")
    (notes / "a.md").write_text("# A\n\nFirst words.\n", encoding="utf-8")
    (notes / "b.md").write_text("# B\n\nSee [[a]].\n", encoding="utf-8")
    return root


def _build(root: Path) -> None:
    result = build_site(load_settings(root), root / "notes", root / "public", strict=False)
    assert result.built


def _old_sites(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".public-old-"))


def _gone(root: Path, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while _old_sites(root):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_previous_site_is_removed_after_the_new_one_is_in_place(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    _build(root)
    (root / "notes" / "a.md").write_text("# A\n\nSecond words.\n", encoding="utf-8")
    _build(root)
    assert "Second words." in (root / "public" / "a" / "index.html").read_text(encoding="utf-8")
    assert _gone(root)
    beside = sorted(p.name for p in root.iterdir())
    assert beside == [".hortus", "notes", "public", "pyproject.toml"]


def test_a_previous_site_left_half_removed_is_cleared_by_the_next_build(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    _build(root)
    left = root / ".public-old-999999" / "a"
    left.mkdir(parents=True)
    (left / "index.html").write_text("an old page", encoding="utf-8")
    _build(root)  # unchanged: nothing rebuilt, and still the leftover is cleared
    assert _gone(root)
    assert (root / "public" / "a" / "index.html").is_file()
