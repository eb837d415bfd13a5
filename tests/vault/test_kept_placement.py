"""A rebuild places the pages as the last build did when no note changed what placing reads
(its name, permalink, home mark, publishing); an edit that does moves what it should, and
every rebuild gives the URLs and the warnings a fresh read of the same notes gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hortus.cache import NoteStore
from hortus.config import Settings, load_settings
from hortus.diagnostics import Diagnostics
from hortus.pipeline import build_site
from hortus.vault import load_vault
from hortus.vault import permalinks as permalinks_module

NOTES = {
    "Home.md": "---\ntags: [gardenEntry]\n---\nWelcome, see [[b]].\n",
    "a b.md": "First of two alike.\n",
    "A-b.md": "Second of two alike: a variant.\n",
    "Folder/Folder.md": "---\ntitle: The folder\n---\nA folder note.\n",
    "Folder/x.md": "---\naliases: [ex]\n---\nIn the folder.\n",
    "Odd?/y.md": "A folder whose name Windows refuses.\n",
    "tags.md": "Named like the tag index.\n",
    "b.md": "---\npermalink: /chosen/\n---\nChosen URL.\n",
}


def _write(notes: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (notes / name).parent.mkdir(parents=True, exist_ok=True)
        (notes / name).write_text(text, encoding="utf-8")


def _edit(path: Path, text: str) -> None:
    """Write `text`, with a time the store cannot mistake for the last one."""
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))


def _placed(notes: Path, settings: Settings, store: NoteStore | None) -> tuple[list, list[str]]:
    diagnostics = Diagnostics()
    vault = load_vault(notes, settings, diagnostics, store=store)
    pages = [(str(n.path), n.url, n.home, n.extra_urls, n.title, n.aliases) for n in vault.notes]
    return pages, [str(d) for d in diagnostics.items] + [repr(vault.home_choice)]


@pytest.fixture
def garden(tmp_path: Path) -> tuple[Path, Settings]:
    notes = tmp_path / "notes"
    _write(notes, NOTES)
    return notes, Settings(root=tmp_path, publish="all")


def _counting_places(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    place = permalinks_module.place_pages

    def counting(*args: object) -> None:
        calls.append(1)
        place(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("hortus.vault.placed.place_pages", counting)
    return calls


EDITS = {
    "text": ("a b.md", "First of two alike, edited.\n"),
    "title": ("Folder/x.md", "---\ntitle: Renamed\naliases: [ex]\n---\nIn the folder.\n"),
    "alias": ("Folder/x.md", "---\naliases: [ex, why]\n---\nIn the folder.\n"),
    "permalink": ("a b.md", "---\npermalink: /elsewhere/\n---\nMoved.\n"),
    "permalink taken": ("tags.md", "---\npermalink: /chosen/\n---\nClash.\n"),
    "home": ("Folder/x.md", "---\ntags: [gardenEntry]\n---\nA second entry.\n"),
    "unpublished": ("A-b.md", "---\ndg-publish: false\n---\nStill published: all.\n"),
    "new note": ("a-B.md", "A third alike.\n"),
}
MOVES = {"text": False, "title": False, "alias": False}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_places_as_a_fresh_read_does(
    garden: tuple[Path, Settings], edit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes, settings = garden
    store_folder = notes.parent / "cache"
    before = _placed(notes, settings, NoteStore(store_folder, settings.publish))
    assert any("Odd?" in said and "Windows" in said for said in before[1])
    calls = _counting_places(monkeypatch)
    name, text = EDITS[edit]
    _edit(notes / name, text)
    kept = _placed(notes, settings, NoteStore(store_folder, settings.publish))
    assert len(calls) == (1 if MOVES.get(edit, True) else 0)
    assert kept == _placed(notes, settings, None)
    if edit in MOVES:  # nothing moved; what placing said is said again
        assert [p[:4] for p in kept[0]] == [p[:4] for p in before[0]]
        assert kept[1] == before[1]


def test_renaming_and_deleting_a_note_are_seen(garden: tuple[Path, Settings]) -> None:
    notes, settings = garden
    store_folder = notes.parent / "cache"
    _placed(notes, settings, NoteStore(store_folder, settings.publish))
    (notes / "Folder" / "Folder.md").rename(notes / "Folder" / "index.md")
    (notes / "A-b.md").unlink()
    kept = _placed(notes, settings, NoteStore(store_folder, settings.publish))
    assert kept == _placed(notes, settings, None)
    urls = {p[0]: p[1] for p in kept[0]}
    assert urls["Folder/index.md"] == "/folder/" and "A-b.md" not in urls
    assert urls["a b.md"] == "/a-b/"  # no longer shares its URL


def test_an_edit_build_equals_a_cold_build(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    _write(notes, NOTES)
    (tmp_path / "pyproject.toml").write_text('[tool.hortus]\npublish = "all"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert build_site(settings, notes, tmp_path / "public", strict=False).built
    _edit(notes / "a b.md", "First of two alike, edited.\n")
    edited = build_site(settings, notes, tmp_path / "public", strict=False)
    cold = build_site(settings, notes, tmp_path / "cold", strict=False, use_cache=False)
    assert [str(d) for d in edited.diagnostics.items] == [str(d) for d in cold.diagnostics.items]
    assert any("Odd?" in str(d) for d in edited.diagnostics.items)

    def pages(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.html")}

    edited_pages = pages(tmp_path / "public")
    assert edited_pages == pages(tmp_path / "cold")
    assert any(b"alike, edited." in page for page in edited_pages.values())


def test_an_edit_that_changes_the_language_is_seen(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    _write(notes, {"a.md": "Hello there.\n", "b.md": "Hello again.\n"})
    settings = Settings(root=tmp_path, publish="all")

    def language() -> str:
        vault = load_vault(notes, settings, Diagnostics(), store=NoteStore(tmp_path / "c", "all"))
        return vault.language.tag

    assert language() == "en"
    _edit(notes / "a.md", "Hello there, edited.\n")
    assert language() == "en"
    _edit(notes / "b.md", "这是一个很长的中文句子，说的是什么并不重要。\n")
    assert language() == "zh-CN"


def test_a_language_set_for_a_while_leaves_none_stale(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    _write(notes, {"a.md": "Hello there.\n", "b.md": "Hello again.\n"})

    def language(setting: str | None) -> str:
        settings = Settings(root=tmp_path, publish="all", language=setting)
        vault = load_vault(notes, settings, Diagnostics(), store=NoteStore(tmp_path / "c", "all"))
        return vault.language.tag

    assert language(None) == "en"
    _edit(notes / "b.md", "这是一个很长的中文句子，说的是什么并不重要。\n")
    assert language("fr") == "fr"
    assert language(None) == "zh-CN"
