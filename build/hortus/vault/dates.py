"""When each note last changed: the frontmatter's `updated`/`modified` if given, else the last
commit that touched the file when the vault is in git, else the file's modification time.
Dates come from the notes and their history, never from the clock of the build."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from hortus.vault.notes import Note

FRONTMATTER_KEYS = ("updated", "modified", "last-modified", "date")


def note_dates(vault_root: Path, notes: list[Note]) -> dict[Note, dt.date]:
    """The date each of `notes` last changed (see above)."""
    history = _git_dates(vault_root)
    dates: dict[Note, dt.date] = {}
    for note in notes:
        given = next((note.frontmatter[k] for k in FRONTMATTER_KEYS if k in note.frontmatter), None)
        date = _as_date(given)
        if date is None:
            date = history.get((vault_root / note.path).resolve())
        if date is None:
            date = dt.datetime.fromtimestamp(note.mtime, tz=dt.UTC).date()
        dates[note] = date
    return dates


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _git_dates(vault_root: Path) -> dict[Path, dt.date]:
    """One `git log` over the whole history: the newest commit date of every file."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=vault_root, capture_output=True,
            text=True, timeout=30, check=True,
        ).stdout.strip()  # fmt: skip
        log = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--format=%x00%cs", "--name-only",
             "--no-renames", "--", "."],
            cwd=vault_root, capture_output=True, text=True, encoding="utf-8", timeout=120,
            check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[Path, dt.date] = {}
    current: dt.date | None = None
    for line in log.splitlines():
        if line.startswith("\0"):
            try:
                current = dt.date.fromisoformat(line[1:].strip())
            except ValueError:
                current = None
        elif line and current is not None:
            dates.setdefault((Path(top) / line).resolve(), current)  # newest first
    return dates
