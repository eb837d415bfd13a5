"""A rebuild reads only the notes whose files changed: the others are taken as the last
build read them, by size and modification time, and the site is the same bytes."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from hortus.config import load_settings
from hortus.pipeline import build_site
from hortus.vault import read_note


def _build(root: Path, out: str = "public", use_cache: bool = True) -> None:
    settings = load_settings(root)
    result = build_site(settings, root / "notes", root / out, strict=False, use_cache=use_cache)
    assert result.built


def _pages(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.html"))
    }


def test_only_the_edited_note_is_read_again(tmp_path: Path, monkeypatch) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.hortus]\npublish = "all"\n', encoding="utf-8")
    (notes / "a.md").write_text("---\ntitle: Alpha\n---\nSee [[b]].\n", encoding="utf-8")
    (notes / "b.md").write_text("---\ntags: [x]\n---\n# B\n\nBee.\n", encoding="utf-8")
    (notes / "c.md").write_text("# C\n\nBad \x00 byte.\n", encoding="utf-8")  # warns
    _build(tmp_path)

    read: list[PurePosixPath] = []

    def counting(root: Path, relpath: PurePosixPath, *args: object) -> object:
        read.append(relpath)
        return read_note(root, relpath, *args)

    monkeypatch.setattr("hortus.vault.reading.read_note", counting)
    (notes / "b.md").write_text("---\ntags: [y]\n---\n# B\n\nBee, edited.\n", encoding="utf-8")
    settings = load_settings(tmp_path)
    result = build_site(settings, notes, tmp_path / "public", strict=False)
    assert read == [PurePosixPath("b.md")]
    # What reading the unread note said is said again.
    assert any("c.md:3" in str(d) and "NUL" in str(d) for d in result.diagnostics.items)
    monkeypatch.undo()
    _build(tmp_path, "fresh", use_cache=False)
    assert _pages(tmp_path / "public") == _pages(tmp_path / "fresh")
    assert "Bee, edited." in (tmp_path / "public" / "b" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("publish", ["all", "opt-in"])
def test_the_publishing_mode_is_part_of_what_was_read(tmp_path: Path, publish: str) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# A\n\nWords.\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.hortus]\npublish = "all"\n', encoding="utf-8")
    _build(tmp_path)
    mode = "" if publish == "opt-in" else 'publish = "all"\n'
    (tmp_path / "pyproject.toml").write_text(f"[tool.hortus]\n{mode}", encoding="utf-8")
    _build(tmp_path)
    page = tmp_path / "public" / "a" / "index.html"
    assert page.exists() == (publish == "all")
