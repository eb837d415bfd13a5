"""The inputs snapshot: everything a build reads, by name, size and time, as one key."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from hortus.cache.digest import digest
from hortus.cache.fingerprint import code_fingerprint
from hortus.config import Settings

# A file as the snapshot sees it: (path, size, modification time in ns); -1, -1 if unreadable.
FileStat = tuple[str, int, int]


def stat_tree(root: Path, skip_hidden: bool) -> list[FileStat]:
    """Every file under `root` (paths relative to it), in a stable order."""
    found: list[FileStat] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not (skip_hidden and d.startswith(".")))
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                found.append((os.path.relpath(path, root), -1, -1))
                continue
            found.append((os.path.relpath(path, root), stat.st_size, stat.st_mtime_ns))
    return found


def stat_file(path: Path) -> FileStat:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_size, stat.st_mtime_ns)


def git_head(folder: Path) -> str:
    """The commit the vault is at, when it is in git: page dates come from its history."""
    for parent in (folder.resolve(), *folder.resolve().parents):
        if (parent / ".git").exists():
            try:
                return subprocess.run(
                    ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True,
                    timeout=30,
                ).stdout.strip()  # fmt: skip
            except (OSError, subprocess.SubprocessError):
                return "?"
    return ""


def inputs_snapshot(
    settings: Settings, notes_dir: Path, out_dir: Path, cell_files: list[str]
) -> str:
    """Everything a build reads, by name, size and time (cheap: no file is opened)."""
    return digest(
        code_fingerprint(),
        repr(settings),
        str(notes_dir.resolve()),
        str(out_dir.resolve()),
        stat_tree(notes_dir, skip_hidden=False),
        stat_tree(settings.theme_dir, skip_hidden=False),
        stat_file(settings.root / "pyproject.toml"),
        [stat_file(Path(path)) for path in sorted(cell_files)],
        git_head(notes_dir),
        # Queries' `today()` is the build's date: a new day (or epoch) is a new input.
        os.environ.get("SOURCE_DATE_EPOCH", "").strip() or dt.date.today().isoformat(),
    )
