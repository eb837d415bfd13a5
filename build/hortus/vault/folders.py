"""Folder notes: `Folder/Folder.md` (or, without one, `Folder/index.md`) is the folder's
page, published at the folder's URL, where the folder's listing shows under its text."""

from __future__ import annotations

from collections import defaultdict

from hortus.vault.files import stem_and_suffix
from hortus.vault.notes import NOTE_SUFFIXES, Note, Vault
from hortus.vault.slugs import path_slug


def assign_folder_notes(vault: Vault) -> None:
    """Give each folder's folder note the folder's URL, unless its permalink chose another."""
    by_folder: dict[str, list[Note]] = defaultdict(list)
    for note in vault.notes:
        if not note.published or not note.page:
            continue
        folder, _, name = str(note.path).rpartition("/")
        stem, suffix = stem_and_suffix(name)
        # The name first: it rules out nearly every note at once.
        if stem.casefold() not in (folder.rpartition("/")[2].casefold(), "index"):
            continue
        if not folder or suffix.lower() not in NOTE_SUFFIXES:
            continue
        if note.frontmatter.get("permalink") or note.frontmatter.get("dg-permalink"):
            continue
        by_folder[folder].append(note)
    for folder, notes in by_folder.items():
        # `Folder/Folder.md` before `Folder/index.md`, as the folder-notes plugin has it.
        chosen = min(notes, key=lambda n: (n.path.stem.casefold() == "index", str(n.path)))
        chosen.url = path_slug(folder.split("/"))
