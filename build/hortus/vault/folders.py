"""Folder notes: `Folder/Folder.md` (or, without one, `Folder/index.md`) is the folder's
page, published at the folder's URL, where the folder's listing shows under its text."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath

from hortus.vault.notes import NOTE_SUFFIXES, Note, Vault
from hortus.vault.slugs import path_slug


def assign_folder_notes(vault: Vault) -> None:
    """Give each folder's folder note the folder's URL, unless its permalink chose another."""
    by_folder: dict[PurePosixPath, list[Note]] = defaultdict(list)
    for note in vault.published:
        folder = note.path.parent
        if not note.page or not folder.parts or note.path.suffix.lower() not in NOTE_SUFFIXES:
            continue
        if note.frontmatter.get("permalink") or note.frontmatter.get("dg-permalink"):
            continue
        stem = note.path.stem.casefold()
        if stem in (folder.name.casefold(), "index"):
            by_folder[folder].append(note)
    for folder, notes in by_folder.items():
        # `Folder/Folder.md` before `Folder/index.md`, as the folder-notes plugin has it.
        chosen = min(notes, key=lambda n: (n.path.stem.casefold() == "index", str(n.path)))
        chosen.url = path_slug(list(folder.parts))
