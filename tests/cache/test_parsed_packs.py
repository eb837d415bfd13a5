"""The notes a worker parses together are kept in one pack file, not a file each: a garden
built cold, then edited note by note, builds as without a cache; a pack cut short costs a
parse, not a page; a pack no note uses any more is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from build_harness import build_as_cold, make_project, same_as_cold
from hortus.cache import SITE_FOLDER
from hortus.config import load_settings
from hortus.markdown import ParsedNote, parse_note
from hortus.pipeline import build_site
from hortus.pipeline.parse import PARALLEL_PARSE_MIN
from hortus.vault import Note

COUNT = PARALLEL_PARSE_MIN + 20  # parsed by workers when cold


def _notes(word: str) -> dict[str, str]:
    return {
        f"note {i}.md": f"# Note {i}\n\nThe {word} of {i}, see [[note {(i + 1) % COUNT}]].\n"
        for i in range(COUNT)
    }


def _parsed(root: Path) -> list[str]:
    return sorted(p.name for p in (root / ".hortus" / SITE_FOLDER / "parsed").iterdir())


def test_a_cold_build_keeps_its_parses_in_a_few_packs_and_edits_build_as_cold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_project(tmp_path, _notes("square"))
    build_as_cold(tmp_path, notes)
    packs = _parsed(tmp_path)
    assert packs and all(name.endswith(".pack") for name in packs)
    assert len(packs) < COUNT // 10

    (notes / "note 7.md").write_text("# Note 7\n\nThe cube, see [[note 8]].\n", encoding="utf-8")

    def only_the_edited_note(md: MarkdownIt, note: Note) -> ParsedNote:
        assert note.path.name == "note 7.md", f"{note.path} parsed again, not loaded"
        return parse_note(md, note)

    with monkeypatch.context() as patched:
        patched.setattr("hortus.pipeline.parse.parse_note", only_the_edited_note)
        edited = build_site(load_settings(tmp_path), notes, tmp_path / "public", strict=False)
    pages = same_as_cold(tmp_path, notes, edited)
    assert "The cube" in pages["note-7/index.html"].decode()
    assert "The square of 8" in pages["note-8/index.html"].decode()  # from its pack
    after = _parsed(tmp_path)
    assert [name for name in after if not name.endswith(".pack")] != []  # the edited one
    assert [name for name in after if name.endswith(".pack")] == packs  # the rest, still used


def test_a_pack_cut_short_is_parsed_again(tmp_path: Path) -> None:
    notes = make_project(tmp_path, _notes("square"))
    build_as_cold(tmp_path, notes)
    folder = tmp_path / ".hortus" / SITE_FOLDER / "parsed"
    for pack in folder.glob("*.pack"):
        pack.write_bytes(pack.read_bytes()[: pack.stat().st_size // 2])
    (notes / "note 3.md").write_text("# Note 3\n\nThe cube.\n", encoding="utf-8")
    _, pages = build_as_cold(tmp_path, notes)  # note 2 links to note 3: its page is made again
    assert "The square of 2" in pages["note-2/index.html"].decode()


def test_packs_no_note_uses_are_dropped(tmp_path: Path) -> None:
    notes = make_project(tmp_path, _notes("square"))
    build_as_cold(tmp_path, notes)
    before = _parsed(tmp_path)
    for name, text in _notes("cube").items():
        (notes / name).write_text(text, encoding="utf-8")
    build_as_cold(tmp_path, notes)
    after = _parsed(tmp_path)
    assert after and set(after).isdisjoint(before)
