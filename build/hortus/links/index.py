"""Finding a link's target the way Obsidian does: by path, by file name, by alias."""

from __future__ import annotations

import posixpath
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any, TypeVar

from hortus.vault import Note, Vault

# What a look-up finds: the note or file (None: nothing), how many candidates matched, and
# whether the path left the vault.
Found = tuple[Note | PurePosixPath | None, int, bool]
T = TypeVar("T")


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


# What a VaultIndex looks up, by paths as text (plain: kept between builds): notes by path,
# by name and by alias; files by path and by name.
Tables = tuple[
    dict[str, str], dict[str, list[str]], dict[str, list[str]], dict[str, str], dict[str, list[str]]
]


def index_tables(vault: Vault) -> Tables:
    """The look-up tables of a vault's notes and files (see VaultIndex)."""
    note_by_path: dict[str, str] = {}
    notes_by_name: dict[str, list[str]] = defaultdict(list)
    notes_by_alias: dict[str, list[str]] = defaultdict(list)
    file_by_path: dict[str, str] = {}
    files_by_name: dict[str, list[str]] = defaultdict(list)
    for note in vault.notes:
        path = str(note.path)
        key = strip_md(path)  # see note_key
        note_by_path[name_key(key)] = path
        name = key.rpartition("/")[2]  # a vault path: normalised already
        notes_by_name[name_key(name)].append(path)
        if name.strip() != name:  # `Draft .md`: a link's target is read stripped
            notes_by_name[name_key(name.strip())].append(path)
        for alias in note.aliases:
            notes_by_alias[name_key(alias)].append(path)
    for file in vault.attachments:
        file_by_path[name_key(str(file))] = str(file)
        files_by_name[name_key(file.name)].append(str(file))
    return (
        note_by_path,
        dict(notes_by_name),
        dict(notes_by_alias),
        file_by_path,
        dict(files_by_name),
    )


class _Through(Mapping[str, T]):
    """A table of paths as text, read as what those paths are (the vault's own objects),
    each made when asked for: a build looks up few of them."""

    def __init__(self, plain: dict[str, Any], convert: Callable[[Any], T]) -> None:
        self._plain = plain
        self._convert = convert

    def __getitem__(self, key: str) -> T:
        return self._convert(self._plain[key])

    def __contains__(self, key: object) -> bool:
        return key in self._plain

    def __iter__(self) -> Iterator[str]:
        return iter(self._plain)

    def __len__(self) -> int:
        return len(self._plain)


class VaultIndex:
    """Look-ups by path, by file name and by alias, all case-insensitive as in Obsidian."""

    def __init__(
        self,
        vault: Vault,
        tables: Tables | None = None,
        notes: Mapping[str, Note] | None = None,
        files: Mapping[str, PurePosixPath] | None = None,
    ) -> None:
        """`tables`: index_tables(vault) when at hand; `notes` and `files`: the vault's
        notes and files by their paths as text, when at hand."""
        self.vault = vault
        self.tables = tables if tables is not None else index_tables(vault)
        by_text = notes if notes is not None else {str(n.path): n for n in vault.notes}
        paths = files if files is not None else {str(p): p for p in vault.attachments}
        note_by_path, notes_by_name, notes_by_alias, file_by_path, files_by_name = self.tables

        def listed(names: list[str]) -> list[Note]:
            return [by_text[name] for name in names]

        def files_listed(names: list[str]) -> list[PurePosixPath]:
            return [paths[name] for name in names]

        self.note_by_path = _Through(note_by_path, by_text.__getitem__)
        self.notes_by_name = _Through(notes_by_name, listed)
        self.notes_by_alias = _Through(notes_by_alias, listed)
        self.file_by_path = _Through(file_by_path, paths.__getitem__)
        self.files_by_name = _Through(files_by_name, files_listed)
        self._found: dict[tuple[str, str], Found] = {}
        # The linking note last asked for, and its folder (one tuple, replaced whole).
        self._last: tuple[PurePosixPath | None, str] = (None, "")

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
                # Steps above the vault stop at its root, as a browser resolves `../` past
                # a site's root: a link written one `../` too many still finds its note.
                inside = _above_root(relative)
                by_path = self._by_path(inside, inside) if inside else None
                return (by_path, 1, False) if by_path is not None else (None, 0, True)
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


def _above_root(relative: str) -> str:
    """A normalised path that climbs above the vault (`../../a/b.md`), with the climb
    dropped (`a/b.md`); `` when nothing is left."""
    parts = relative.split("/")
    while parts and parts[0] == "..":
        parts.pop(0)
    return "/".join(parts)
