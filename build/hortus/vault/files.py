"""Which files of the notes folder are read: hidden folders, unreadable names and links that
leave the vault are skipped, each with a warning."""

from __future__ import annotations

import os
import stat
from pathlib import Path

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


def vault_files(root: Path, diagnostics: Diagnostics) -> dict[str, os.stat_result | None]:
    """Every file under the vault, sorted: its vault-relative path (`a/b.md`) and, for a
    regular file, what the system said of it while listing (None for a symlink: its target
    is asked again when read). Hidden folders (.obsidian, .trash) are skipped. Symlinks are
    never followed out of the vault, nor into folders (a folder linked to its parent would
    never end); a broken or looping link, a pipe or a device is skipped."""
    found: dict[str, os.stat_result | None] = {}
    real_root = root.resolve()

    def unreadable(error: OSError) -> None:
        where = _display_path(Path(error.filename or root), root)
        diagnostics.warn(where, None, "read", f"cannot read the folder: {error.strerror}")

    for folder, dirs, files in os.walk(root, followlinks=False, onerror=unreadable):
        dirs[:] = _folders_to_enter(Path(folder), dirs, root, real_root, diagnostics)
        base = _display_path(Path(folder), root)
        for name in sorted(files):
            if name.startswith("."):
                continue
            if not _decodable(name):
                rel = _display_path(Path(folder) / name, root)
                diagnostics.warn(rel, None, "filename", "file name is not valid UTF-8; skipped")
                continue
            rel = name if base == "." else f"{base}/{name}"
            stat = _plain_file(os.path.join(folder, name))  # a string: a Path per file costs
            if stat is not None:
                found[rel] = stat
                continue
            full = Path(folder) / name
            problem = _file_problem(full, real_root)
            if problem is not None:
                kind = "symlink" if full.is_symlink() else "read"
                diagnostics.warn(rel, None, kind, problem)
                continue
            found[rel] = None
    return found


def _folders_to_enter(
    folder: Path, names: list[str], root: Path, real_root: Path, diagnostics: Diagnostics
) -> list[str]:
    """The sub-folders of `folder` the walk goes into, sorted; the others are reported."""
    kept = []
    for name in sorted(d for d in names if not d.startswith(".")):
        full = folder / name
        rel = _display_path(full, root)
        if not _decodable(name):
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


def _decodable(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python keeps them as lone surrogates,
    which no page, URL or report can hold)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _folder_link_problem(full: Path, real_root: Path) -> str:
    try:
        target = full.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: Python before 3.13 on a loop
        return "symlink is broken or loops; not followed"
    if not target.is_relative_to(real_root):
        return "symlinked folder points outside the vault; not followed"
    return "symlinked folder not followed (its notes are read where they really are)"


def _plain_file(full: str) -> os.stat_result | None:
    """The file's stat when it is a regular file, not a symlink: read as it is, the common
    case, asked of the system once; else None."""
    try:
        found = os.lstat(full)
    except OSError:
        return None
    return found if stat.S_ISREG(found.st_mode) else None


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
