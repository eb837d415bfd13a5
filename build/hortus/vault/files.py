"""Which files of the notes folder are read: hidden folders, unreadable names and links that
leave the vault are skipped, each with a warning."""

from __future__ import annotations

import operator
import os
import stat
from pathlib import Path
from typing import NamedTuple

from hortus.cache import Listing, decodable
from hortus.diagnostics import Diagnostics
from hortus.vault.notes import NOTE_SUFFIXES


def stem_and_suffix(name: str) -> tuple[str, str]:
    """A file name's stem and suffix, split as PurePosixPath's `stem` and `suffix` split it
    (`a.tar.gz` -> `a.tar`, `.gz`; `.hidden` and `name.` have none), without making a Path:
    asked of every file of a vault and every page of a site."""
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:
        return name[:dot], name[dot:]
    return name, ""


Stamp = tuple[int, int]  # a file's size and modification time in ns: it changed or not


def vault_files(
    root: Path, diagnostics: Diagnostics, listed: Listing | None = None
) -> dict[str, Stamp | None]:
    """Every file under the vault, sorted: its vault-relative path (`a/b.md`) and, for a
    regular file, its size and time as the system said while listing (None for a symlink:
    its target is asked again when read). Hidden folders (.obsidian, .trash) are skipped.
    Symlinks are never followed out of the vault, nor into folders (a folder linked to its
    parent would never end); a broken or looping link, a pipe or a device is skipped. A
    folder's files come before its sub-folders', as os.walk lists them. `listed`: the
    size and time of each file by path, as listed moments ago (the inputs snapshot's): a
    plain file's is taken from there, and a plain listing is taken whole (see _as_listed)."""
    if listed is not None and listed.plain:
        taken = _as_listed(listed)
        if taken is not None:
            return taken
    found: dict[str, Stamp | None] = {}
    known = {item[0]: item for item in listed.files} if listed else {}
    _list_folder(_Walk(root, root.resolve(), diagnostics, found, known), str(root), "")
    return found


def _as_listed(listed: Listing) -> dict[str, Stamp | None] | None:
    """The files of a plain listing (no link, odd name or unreadable folder: nothing to
    warn of but a folder named like a note), in the order the walk below lists them, hidden
    files and folders left out; None when a folder is named like a note (the walk says so)."""
    if any(folder.lower().endswith(NOTE_SUFFIXES) for folder in listed.folders):
        return None
    return {
        rel: (size, mtime)
        for rel, size, mtime in listed.files
        if not (rel.startswith(".") or "/." in rel)
    }


class _Walk(NamedTuple):
    root: Path
    real_root: Path
    diagnostics: Diagnostics
    found: dict[str, Stamp | None]
    known: dict[str, tuple[str, int, int]]  # path -> (path, size, time), as listed already


def _list_folder(walk: _Walk, folder: str, base: str) -> None:
    """The files of `folder` (vault-relative `base`, `` or ending in `/`), then its folders'.
    Strings and the listing's own entries, not a Path per file: asked of every file."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_BY_NAME)
    except OSError as error:
        where = _display_path(Path(error.filename or folder), walk.root)
        walk.diagnostics.warn(where, None, "read", f"cannot read the folder: {error.strerror}")
        return
    folders, files = [], []
    for entry in entries:
        try:
            is_folder = entry.is_dir()  # a link to a folder too, reported as such below
        except OSError:
            is_folder = False
        if is_folder:
            folders.append(entry.name)
        elif not entry.name.startswith("."):
            files.append(entry)
    enter = _folders_to_enter(Path(folder), folders, walk.root, walk.real_root, walk.diagnostics)
    found, known = walk.found, walk.known
    for entry in files:
        name = entry.name
        # The common case in one step: a plain file (not a link) under a name of UTF-8.
        if not entry.is_symlink() and (name.isascii() or decodable(name)):
            listed = known.get(base + name)
            # The listing's type (no question to the system, but where it cannot tell).
            if listed is not None and listed[1] >= 0 and entry.is_file(follow_symlinks=False):
                found[base + name] = (listed[1], listed[2])
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                info = None
            if info is not None and stat.S_ISREG(info.st_mode):
                found[base + name] = (info.st_size, info.st_mtime_ns)
                continue
        _add_file(walk, entry, base)
    for name in enter:
        _list_folder(walk, os.path.join(folder, name), f"{base}{name}/")


_BY_NAME = operator.attrgetter("name")


def _add_file(walk: _Walk, entry: os.DirEntry[str], base: str) -> None:
    """A file that is not plainly one (see _list_folder): reported, or listed for reading."""
    name = entry.name
    if not decodable(name):
        rel = _display_path(Path(entry.path), walk.root)
        walk.diagnostics.warn(rel, None, "filename", "file name is not valid UTF-8; skipped")
        return
    rel = f"{base}{name}"
    if not entry.is_symlink():  # the common case: its stat is the one listing asks for
        try:
            found = entry.stat(follow_symlinks=False)
        except OSError:
            found = None
        if found is not None and stat.S_ISREG(found.st_mode):
            walk.found[rel] = (found.st_size, found.st_mtime_ns)
            return
    full = Path(entry.path)
    problem = _file_problem(full, walk.real_root)
    if problem is not None:
        kind = "symlink" if full.is_symlink() else "read"
        walk.diagnostics.warn(rel, None, kind, problem)
        return
    walk.found[rel] = None


def _folders_to_enter(
    folder: Path, names: list[str], root: Path, real_root: Path, diagnostics: Diagnostics
) -> list[str]:
    """The sub-folders of `folder` the walk goes into, sorted; the others are reported."""
    kept = []
    for name in sorted(d for d in names if not d.startswith(".")):
        full = folder / name
        rel = _display_path(full, root)
        if not decodable(name):
            diagnostics.warn(rel, None, "filename", "folder name is not valid UTF-8; skipped")
        elif full.is_symlink():
            diagnostics.warn(rel, None, "symlink", _folder_link_problem(full, real_root))
        else:
            if name.lower().endswith(NOTE_SUFFIXES):
                diagnostics.warn(
                    rel, None, "filename", "a folder named like a note; read as a folder"
                )
            kept.append(name)
    return kept


def _display_path(full: Path, root: Path) -> str:
    """The vault-relative path as text that can always be printed and written as UTF-8."""
    try:
        rel = full.relative_to(root).as_posix()
    except ValueError:
        rel = full.as_posix()
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _folder_link_problem(full: Path, real_root: Path) -> str:
    try:
        target = full.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: Python before 3.13 on a loop
        return "symlink is broken or loops; not followed"
    if not target.is_relative_to(real_root):
        return "symlinked folder points outside the vault; not followed"
    return "symlinked folder not followed (its notes are read where they really are)"


def _file_problem(full: Path, real_root: Path) -> str | None:
    """Why a file is not read, or None. A symlink may point at a file inside the vault."""
    if full.is_symlink():
        try:
            target = full.resolve(strict=True)
        except (OSError, RuntimeError):
            return "symlink is broken or loops; skipped"
        if not target.is_relative_to(real_root):
            return "symlink points outside the vault; skipped"
    try:
        mode = full.stat().st_mode
    except OSError as exc:
        return f"cannot read the file: {exc.strerror}"
    if not stat.S_ISREG(mode):
        return "not a regular file (a pipe, socket or device); skipped"
    return None
