"""A large garden parsed cold is not held whole in memory: the notes its workers parse are
handed on with their tokens in the parse cache, read again only where a later stage needs
them, and their link summaries come from the workers; the site is the same either way."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from build_harness import build_as_cold
from hortus.cache import ParsedMeta, ParsedStore
from hortus.markdown import make_parser
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
