"""Finding a link's target the way Obsidian does: by path, by file name, by alias."""

from __future__ import annotations

import posixpath
import unicodedata
from collections import defaultdict
from pathlib import PurePosixPath

from hortus.vault import Note, Vault

# What a look-up finds: the note or file (None: nothing), how many candidates matched, and
# whether the path left the vault.
Found = tuple[Note | PurePosixPath | None, int, bool]


def name_key(text: str) -> str:
    """Names compare as Obsidian compares them: Unicode-normalised, case-insensitive."""
    return unicodedata.normalize("NFC", text).casefold()


def heading_key(text: str) -> str:
    """Obsidian matches headings loosely: case, spacing, punctuation and Markdown markers do
    not count, since a link cannot hold some of them (`# | ^ : [ ]`) and writers drop others."""
    text = unicodedata.normalize("NFC", text).casefold()
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text)
    return " ".join(kept.split())


def strip_md(name: str) -> str:
    return name[:-3] if name.lower().endswith(".md") else name


def note_key(note: Note) -> str:
    """A note is found by its path without `.md`; a canvas keeps `.canvas`, so `[[board]]`
    and `[[board.canvas]]` can be two things, as in Obsidian."""
    return strip_md(str(note.path))  # a canvas's path does not end in `.md`


class VaultIndex:
    """Look-ups by path, by file name and by alias, all case-insensitive as in Obsidian."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.note_by_path: dict[str, Note] = {}
        self.notes_by_name: dict[str, list[Note]] = defaultdict(list)
        self.notes_by_alias: dict[str, list[Note]] = defaultdict(list)
        self.file_by_path: dict[str, PurePosixPath] = {}
        self.files_by_name: dict[str, list[PurePosixPath]] = defaultdict(list)
        self._found: dict[tuple[str, str], Found] = {}
        # The linking note last asked for, and its folder (one tuple, replaced whole).
        self._last: tuple[PurePosixPath | None, str] = (None, "")
        for note in vault.notes:
            key = note_key(note)
            self.note_by_path[name_key(key)] = note
            name = key.rpartition("/")[2]  # a vault path: normalised already
            self.notes_by_name[name_key(name)].append(note)
            if name.strip() != name:  # `Draft .md`: a link's target is read stripped
                self.notes_by_name[name_key(name.strip())].append(note)
            for alias in note.aliases:
                self.notes_by_alias[name_key(alias)].append(note)
        for path in vault.attachments:
            self.file_by_path[name_key(str(path))] = path
            self.files_by_name[name_key(path.name)].append(path)

    def find(self, target: str, source: PurePosixPath) -> Found:
        """(the note or file, how many candidates matched, whether the path left the vault).
        The answer depends only on the target and the linking note's folder: a garden links
        to the same notes from the same folders many times, so answers are remembered."""
        last = self._last  # a note's links are looked up one after another
        if last[0] is not source:
            last = self._last = (source, posixpath.dirname(str(source)))
        folder = last[1]
        key = (target, folder)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._find(target, folder)
        return found

    def _find(self, target: str, folder: str) -> Found:
        """find() from a note in `folder` (its path's folder as text, "" at the top)."""
        target = unicodedata.normalize("NFC", target.strip().replace("\\", "/"))
        if not target:
            return None, 0, False
        # Only a path, or `..` itself, may leave the vault; a bare name is looked up by name.
        if "/" in target or target == "..":
            if target.startswith("/"):
                relative = posixpath.normpath(target.lstrip("/"))
            else:
                relative = posixpath.normpath(posixpath.join(folder, target))
            if relative == ".." or relative.startswith("../"):
                return None, 0, True
            # An explicit path (relative to the note, or from the vault root) wins over a
            # name match; a bare name is matched by name below, so the note beside the link
            # wins.
            by_path = self._by_path(target, relative) if "/" in target else None
            if by_path is not None:
                return by_path, 1, False
        pool = self._by_name(target)
        if not pool:
            return None, 0, False
        if len(pool) == 1:
            return pool[0], 1, False
        chosen = _closest(pool, folder)
        # Several matches are only ambiguous when none sits beside the linking note.
        return chosen, 1 if _folder(chosen) == folder else len(pool), False

    def _by_path(self, target: str, relative: str) -> Note | PurePosixPath | None:
        """The note or file at a path, relative to the linking note or from the vault root."""
        for candidate in (relative, posixpath.normpath(target.lstrip("/"))):
            for key in (name_key(strip_md(candidate)), name_key(candidate)):
                if key in self.note_by_path:
                    return self.note_by_path[key]
            if name_key(candidate) in self.file_by_path:
                return self.file_by_path[name_key(candidate)]
        return None

    def _by_name(self, target: str) -> list[Note] | list[PurePosixPath]:
        """Every note named so (a partial path must end theirs), else every note with that
        alias, else every file named so."""
        note_name = strip_md(target)
        suffix = name_key("/" + note_name) if "/" in note_name else ""
        pool: list[Note] | list[PurePosixPath] = [
            n
            for n in self.notes_by_name.get(name_key(_last_part(note_name)), [])
            if not suffix or name_key("/" + note_key(n)).endswith(suffix)
        ]
        if not pool:  # aliases may hold a slash: `Obsidian Web Clipper/Templates`
            pool = self.notes_by_alias.get(name_key(note_name), [])
        if not pool:
            file_suffix = name_key("/" + target) if "/" in target else ""
            pool = [
                f
                for f in self.files_by_name.get(name_key(_last_part(target)), [])
                if not file_suffix or name_key("/" + str(f)).endswith(file_suffix)
            ]
        return pool


def _closest(pool: list[Note] | list[PurePosixPath], folder: str) -> Note | PurePosixPath:
    """Obsidian prefers the file beside the linking note (in `folder`), then the shortest
    path."""

    def order(item: Note | PurePosixPath) -> tuple[bool, int, str]:
        path = _path_text(item)
        return posixpath.dirname(path) != folder, path.count("/"), path

    return min(pool, key=order)


def _folder(item: Note | PurePosixPath) -> str:
    return posixpath.dirname(_path_text(item))


def _path_text(item: Note | PurePosixPath) -> str:
    return str(item.path if isinstance(item, Note) else item)


def _last_part(text: str) -> str:
    """PurePosixPath(text).name, without making the path: its last part that is not `.`."""
    last = text.rpartition("/")[2]
    if last and last != ".":
        return last
    parts = [part for part in text.split("/") if part and part != "."]
    return parts[-1] if parts else ""
