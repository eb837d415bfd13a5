"""A folder's files by name, size and time, listed as the inputs snapshot and the vault
stage read them: one listing, by stat alone, for both."""

from __future__ import annotations

import operator
import os
from pathlib import Path
from typing import NamedTuple

# A file as the snapshot sees it: (path, size, modification time in ns); -1, -1 if unreadable.
FileStat = tuple[str, int, int]


class Listing(NamedTuple):
    """A folder's files as stat_tree lists them, with its folders, and whether each entry
    is plain: a regular file or a folder, neither a link, named in UTF-8, every folder
    readable. The vault stage takes a plain listing of the notes folder as its own (see
    hortus.vault's vault_files) rather than listing the folder again."""

    files: list[FileStat]
    folders: list[str]  # each folder's path, as the files' are written
    plain: bool


def stat_tree(root: Path, skip_hidden: bool, skip: frozenset[str] = frozenset()) -> list[FileStat]:
    """Every file under `root` (paths relative to it, `/`-separated): a folder's files by
    name, then its folders' files, folder by folder (as os.walk and the vault stage list
    them); folders named in `skip` are left out."""
    return list_tree(root, skip_hidden, skip).files


def list_tree(root: Path, skip_hidden: bool, skip: frozenset[str] = frozenset()) -> Listing:
    """stat_tree's files, with the folders and whether all is plain (see Listing)."""
    walk = _Walk(skip_hidden, skip, [], [], [True])
    _walk(walk, str(root), "")
    return Listing(walk.found, walk.folders, walk.plain[0])


class _Walk(NamedTuple):
    skip_hidden: bool
    skip: frozenset[str]
    found: list[FileStat]
    folders: list[str]
    plain: list[bool]  # one flag, cleared by the first entry that is not plain


_BY_NAME = operator.attrgetter("name")


def _walk(walk: _Walk, folder: str, prefix: str) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_BY_NAME)
    except OSError:
        walk.plain[0] = False
        return
    folders = []
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            plain = is_dir or entry.is_file(follow_symlinks=False)
        except OSError:
            is_dir = plain = False
        if not plain or not (name.isascii() or decodable(name)):
            walk.plain[0] = False  # a link, a pipe, an odd name: the vault looks for itself
        if is_dir:
            if not (walk.skip_hidden and name.startswith(".")) and name not in walk.skip:
                folders.append(entry)
            continue
        try:
            stat = entry.stat()  # a symlinked file counts as what it points to
        except OSError:
            walk.found.append((prefix + name, -1, -1))
            walk.plain[0] = False
            continue
        walk.found.append((prefix + name, stat.st_size, stat.st_mtime_ns))
    for entry in folders:
        walk.folders.append(prefix + entry.name)
        _walk(walk, entry.path, f"{prefix}{entry.name}/")


def decodable(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python keeps them as lone surrogates,
    which no page, URL or report can hold)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def stat_file(path: Path) -> FileStat:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_size, stat.st_mtime_ns)
