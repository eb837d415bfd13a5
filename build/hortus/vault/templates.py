"""The vault's template folders, as Obsidian's settings name them: the core Templates plugin's
(`.obsidian/templates.json`) and the Templater plugin's. A template is a note's starting text,
not a note for readers: its properties hold placeholders (`created: {{date}}`) that are not
YAML, and it often carries the publish flag its notes should get. So no note in them is
published, and what reading them finds is not reported (as Quartz leaves `templates` out)."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

# Where each plugin keeps its settings in the vault, and the key that names its folder.
TEMPLATE_SETTINGS = (
    (".obsidian/templates.json", "folder"),
    (".obsidian/plugins/templater-obsidian/data.json", "templates_folder"),
)


def template_folders(root: Path) -> tuple[str, ...]:
    """The vault-relative folders (`Templates`, `Meta/Templates`) the vault's settings name
    for templates, sorted; none when a setting is missing, unreadable or names the vault's
    root (a template folder of everything would publish nothing)."""
    folders: set[str] = set()
    for settings_file, key in TEMPLATE_SETTINGS:
        try:
            value = json.loads((root / settings_file).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        folder = _folder(value)
        if folder:
            folders.add(folder)
    return tuple(sorted(folders))


def _folder(value: object) -> str:
    """A folder setting as a vault-relative path without slashes at either end; `` when it
    is not text or leaves the vault."""
    if not isinstance(value, str):
        return ""
    path = PurePosixPath(value.strip().replace("\\", "/").strip("/"))
    if path.is_absolute() or ".." in path.parts or str(path) == ".":
        return ""
    return str(path)


def in_template_folder(relpath: PurePosixPath, folders: tuple[str, ...]) -> bool:
    """Whether the note at `relpath` lies in one of `folders` (Obsidian's paths ignore case
    on the systems most vaults live on, and its settings keep what the user typed)."""
    if not folders:  # most vaults: asked of every note read
        return False
    folder = str(relpath.parent).lower()
    return any(folder == f.lower() or folder.startswith(f.lower() + "/") for f in folders)
