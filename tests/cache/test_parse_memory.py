"""A large garden parsed cold is not held whole in memory: the notes its workers parse are
handed on with their tokens in the parse cache, read again only where a later stage needs
them, and their link summaries come from the workers; the site is the same either way."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path, PurePosixPath

import pytest

from build_harness import build_as_cold
from hortus.cache import ParsedMeta, ParsedStore
from hortus.config import load_settings
from hortus.markdown import make_parser
from hortus.pipeline import Prepared, build_site
from hortus.pipeline.parse import PARALLEL_PARSE_MIN, parse_notes
from hortus.vault import Note


def notes(count: int) -> list[Note]:
    made = []
    for i in range(count):
        text = f"# Note {i}\n\nSee [[Note {(i + 1) % count}]] and $x_{i}$.\n"
        made.append(Note(PurePosixPath(f"Note {i}.md"), text, {}, f"Note {i}", f"/note-{i}/", True))
    return made


def test_notes_parsed_by_workers_hold_no_tokens_until_asked(tmp_path: Path) -> None:
    md, vault = make_parser(), notes(PARALLEL_PARSE_MIN + 10)
    store = ParsedStore(tmp_path / "parsed")
    summaries: dict = {}
    parsed = parse_notes(md, vault, store, 2, ParsedMeta(tmp_path / "meta"), summaries)
    assert all("tokens" not in vars(p) for p in parsed)
    assert set(summaries) == {n.path for n in vault}
    assert [ref.tex for ref in parsed[3].math] == ["x_3"]  # known without the tokens
    assert any(t.type == "heading_open" for t in parsed[3].tokens)  # read when asked
    parsed[3].release()
    assert "tokens" not in vars(parsed[3])


def test_a_garden_parsed_by_workers_builds_as_without_a_cache(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.hortus]\npublish = "all"\n', encoding="utf-8")
    for note in notes(PARALLEL_PARSE_MIN + 10):
        (folder / note.path).write_text(note.source, encoding="utf-8")
    build_as_cold(tmp_path, folder)


def test_a_cold_build_lets_go_of_the_notes_while_a_child_makes_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages of a cold build are made in a child process; the build's own copy of the
    notes is let go of meanwhile, or a large garden's notes take its memory twice over."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.hortus]\npublish = "all"\n', encoding="utf-8")
    for note in notes(20):
        (folder / note.path).write_text(note.source, encoding="utf-8")
    still_held: list[bool] = []
    let_go = Prepared.let_go

    def let_go_and_look(self: Prepared) -> None:
        note = weakref.ref(self.vault.notes[0])
        let_go(self)
        gc.collect()
        still_held.append(note() is not None)

    monkeypatch.setattr(Prepared, "let_go", let_go_and_look)
    result = build_site(load_settings(tmp_path), folder, tmp_path / "public", strict=False)
    assert result.built
    assert still_held == [False]
