"""The template folders Obsidian's settings name (the core Templates plugin's, Templater's):
their notes are never published and their placeholders are not reported, in a cold build
and in one that keeps what the last build read."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from build_harness import build_as_cold, make_project, same_as_cold
from hortus.config import load_settings
from hortus.pipeline import build_site
from hortus.vault import in_template_folder, template_folders

TEMPLATE = """---
dg-publish: true
categories:
  - "[[Books]]"
created: {{date}}
---
canary-template-body-5e1f
"""

NOTES = {
    "Home.md": "# Home\n\nStart from [[Book Template]] or [[Meeting]].\n",
    "Books.md": "# Books\n\nThe reading list.\n",
}


def _vault(root: Path) -> Path:
    notes = make_project(root, NOTES)
    (notes / "Templates").mkdir()
    (notes / "Templates" / "Book Template.md").write_text(TEMPLATE, encoding="utf-8")
    (notes / "Meta" / "Templater").mkdir(parents=True)
    (notes / "Meta" / "Templater" / "Meeting.md").write_text(
        "---\ndate: <% tp.date.now() %>\n---\ncanary-templater-body-77c0\n", encoding="utf-8"
    )
    _settings(notes, ".obsidian/templates.json", {"folder": "Templates"})
    templater = {"templates_folder": "Meta/Templater/", "trigger_on_file_creation": True}
    _settings(notes, ".obsidian/plugins/templater-obsidian/data.json", templater)
    return notes


def _settings(notes: Path, name: str, values: dict[str, object]) -> None:
    path = notes / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values), encoding="utf-8")


def test_a_template_is_no_page_and_no_warning(tmp_path: Path) -> None:
    notes = _vault(tmp_path)
    result, site = build_as_cold(tmp_path, notes)
    assert [d for d in result.diagnostics.items if "Templat" in str(d.path)] == []
    assert not any(b"canary-templ" in data for data in site.values())
    assert not any(name.startswith(("templates/", "meta/")) for name in site)
    home = site["index.html"].decode()
    assert "Start from Book Template or Meeting." in home  # plain text, as for any private note
    assert "books/index.html" in site  # a published note the template links is untouched


def test_a_template_folder_named_anew_is_published_again(tmp_path: Path) -> None:
    notes = _vault(tmp_path)
    build_as_cold(tmp_path, notes)
    _settings(notes, ".obsidian/plugins/templater-obsidian/data.json", {"templates_folder": ""})
    result = build_site(load_settings(tmp_path), notes, tmp_path / "public", strict=False)
    site = same_as_cold(tmp_path, notes, result)  # the notes kept are read again
    assert b"canary-templater-body-77c0" in site["meta/templater/meeting/index.html"]
    assert not any(b"canary-template-body" in data for data in site.values())


def test_the_folders_the_settings_name(tmp_path: Path) -> None:
    assert template_folders(tmp_path) == ()  # no settings at all
    _settings(tmp_path, ".obsidian/templates.json", {"folder": "/"})  # the whole vault: none
    assert template_folders(tmp_path) == ()
    (tmp_path / ".obsidian" / "templates.json").write_text("{not json", encoding="utf-8")
    assert template_folders(tmp_path) == ()
    _settings(tmp_path, ".obsidian/templates.json", {"folder": "../outside"})
    assert template_folders(tmp_path) == ()
    _settings(tmp_path, ".obsidian/templates.json", {"folder": "Meta\\Templates/"})
    assert template_folders(tmp_path) == ("Meta/Templates",)


def test_a_note_is_in_a_template_folder_by_its_folders_not_its_name() -> None:
    folders = ("Meta/Templates",)
    assert in_template_folder(PurePosixPath("Meta/Templates/Day.md"), folders)
    assert in_template_folder(PurePosixPath("meta/templates/deep/Day.md"), folders)
    assert not in_template_folder(PurePosixPath("Meta/Templates.md"), folders)
    assert not in_template_folder(PurePosixPath("Meta/Templates old/Day.md"), folders)
