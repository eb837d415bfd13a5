"""When each note was made and when it last changed, or nothing where nothing says so.

The frontmatter wins (`updated`, `modified`, `last-modified`, `date modified`, `date`; for
the creation `created`, `date created`, `date`). Else the vault's git history, read by one
`git log`: the newest commit that touched the file, and the commit that added it (under its
old name, when it was renamed or moved since). In a shallow clone (Vercel clones 10 commits
deep) the oldest commits of the clone, its shallow boundary, appear to add every file they
hold, so a date from a boundary commit is not known and none is given. Outside git, and for
a file git does not track, the file's modification time is its last change; for a tracked
file it is only the time of the checkout, so it is never used. Dates never come from the
clock of the build."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from hortus.diagnostics import Diagnostics
from hortus.vault.frontmatter_dates import GivenDates
from hortus.vault.notes import Note

DEEP_CLONE_HINT = (
    "set VERCEL_DEEP_CLONE=true in the project's environment on Vercel, or fetch the full "
    "history (git fetch --unshallow)"
)


@dataclass(frozen=True)
class NoteDates:
    """A page's dates; None where neither its frontmatter nor its history can tell."""

    updated: dt.date | None = None
    created: dt.date | None = None


@dataclass
class GitHistory:
    """What one `git log` of the vault says of each file (vault-relative paths)."""

    changed: dict[PurePosixPath, dt.date | None] = field(default_factory=dict)
    added: dict[PurePosixPath, dt.date | None] = field(default_factory=dict)
    shallow: bool = False  # the clone's history is cut off

    def tracked(self, path: PurePosixPath) -> bool:
        return path in self.changed


def note_dates(
    vault_root: Path, notes: list[Note], diagnostics: Diagnostics | None = None
) -> dict[Note, NoteDates]:
    """The dates of each of `notes` (see above); every note is a key. With `diagnostics`,
    one warning says how many pages a shallow clone left without a date."""
    history = git_history(vault_root)
    days = _Days()
    if history.changed or history.added:
        dates = {note: _dates_of(note, history, days) for note in notes}
    else:
        dates = _dates_outside_git(notes, days)
    if diagnostics is None or not history.shallow:
        return dates
    undated = sum(1 for d in dates.values() if d.updated is None)
    if undated:
        pages = "page has" if undated == 1 else "pages have"
        diagnostics.warn(
            ".", None, "dates",
            f"{undated} of {len(dates)} {pages} no date: the repository is a shallow clone, "
            f"whose history is cut off before their last change; {DEEP_CLONE_HINT}",
        )  # fmt: skip
    return dates


def _dates_of(note: Note, history: GitHistory, days: _Days) -> NoteDates:
    updated, created = note.given_dates or _NOT_GIVEN
    if updated is None:
        if history.changed and history.tracked(note.path):
            updated = history.changed[note.path]
        else:
            updated = days.of(note.mtime)
    if created is None and history.added:
        created = history.added.get(note.path)
    return days.dates(updated, created)


def _dates_outside_git(notes: list[Note], days: _Days) -> dict[Note, NoteDates]:
    """_dates_of without a history, in one loop: a note whose frontmatter gives no date
    (most of them) is dated by its file's day, looked up by the day's number."""
    found: dict[Note, NoteDates] = {}
    by_day: dict[float, NoteDates] = {}
    for note in notes:
        mtime = note.mtime
        number = mtime // _DAY
        # Not a day's last microsecond, which may round up to the next day's midnight.
        by_time = note.given_dates is None and mtime - number * _DAY < _DAY - 1e-6
        dates = by_day.get(number) if by_time else None
        if dates is None:
            dates = _dates_of(note, _NO_HISTORY, days)
            if by_time:
                by_day[number] = dates
        found[note] = dates
    return found


_NOT_GIVEN: GivenDates = (None, None)
_EPOCH = dt.date(1970, 1, 1)
_NO_HISTORY = GitHistory()
_DAY = 86400  # seconds: POSIX time has no leap seconds, so a UTC day is a whole number of them


class _Days:
    """The UTC day of each modification time and the NoteDates of each pair of dates, made
    once per build for the many notes that share them."""

    def __init__(self) -> None:
        self._days: dict[int, dt.date] = {}
        self._dates: dict[tuple[dt.date | None, dt.date | None], NoteDates] = {}

    def of(self, mtime: float) -> dt.date:
        """datetime.fromtimestamp(mtime, UTC).date(), by the day's number."""
        number = int(mtime // _DAY)
        if mtime - number * _DAY >= _DAY - 1e-6:  # may round up to the next day's midnight
            return dt.datetime.fromtimestamp(mtime, tz=dt.UTC).date()
        day = self._days.get(number)
        if day is None:
            day = self._days[number] = _EPOCH + dt.timedelta(days=number)
        return day

    def dates(self, updated: dt.date | None, created: dt.date | None) -> NoteDates:
        found = self._dates.get((updated, created))
        if found is None:
            found = self._dates[(updated, created)] = NoteDates(updated, created)
        return found


# The last history read, by repository, commit and shallow boundary: the queries and the
# pages of one build ask for the same dates, and a rebuild of `hortus serve` at the same
# commit reads no history again.
_LAST: dict[tuple[str, ...], GitHistory] = {}


def git_history(vault_root: Path) -> GitHistory:
    """The newest and the adding commit's date of every file under `vault_root`, from one
    `git log`; a date is None when that commit is a shallow boundary. Empty outside git."""
    try:
        found = _git(vault_root, "rev-parse", "--is-shallow-repository", "--git-path", "shallow")
        head = _git(vault_root, "rev-parse", "--verify", "-q", "HEAD").strip()
    except (OSError, subprocess.SubprocessError):
        return GitHistory()
    is_shallow, shallow_path = [*found.splitlines(), "", ""][:2]
    boundary = _boundary(vault_root / shallow_path) if is_shallow == "true" else frozenset()
    key = (str(vault_root.resolve()), head, *sorted(boundary))
    if key not in _LAST:
        try:
            log = _git(
                vault_root, "-c", "core.quotepath=off", "log", "--format=%x00%H %cs",
                "--name-status", "--find-renames", "--relative", "-z", "--", ".",
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return GitHistory()
        _LAST.clear()
        _LAST[key] = _parse_log(log, boundary)
    return _LAST[key]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
        errors="surrogateescape", timeout=300, check=True,
    ).stdout  # fmt: skip


def _boundary(shallow_file: Path) -> frozenset[str]:
    """The commits where a shallow clone's history stops (one hash a line in .git/shallow)."""
    try:
        return frozenset(shallow_file.read_text(encoding="ascii").split())
    except (OSError, ValueError):
        return frozenset()


def _parse_log(log: str, boundary: frozenset[str]) -> GitHistory:
    """`git log -z --name-status` read newest commit first: a header follows an empty
    field, then each change is a status and its path (a rename: `R<score>`, old and new
    path). Going back in time, a renamed file is followed to its older name, so a note
    moved or renamed in Obsidian keeps the date it was first added."""
    history = GitHistory(shallow=bool(boundary))
    fields = [*log.split("\0"), "", ""]  # so that every field read has two after it
    # The file of today that a path named before the commits read so far; None: no file
    # of today (that name was given up, and a later file took it).
    now_named: dict[str, PurePosixPath | None] = {}
    date: dt.date | None = None
    i = 0
    while i < len(fields) - 2:
        status = fields[i].strip()
        if status == "":
            commit, _, day = fields[i + 1].partition(" ")
            date = None if commit in boundary else _iso(day)
            i += 2
            continue
        renamed = status.startswith("R")
        name = fields[i + 2] if renamed else fields[i + 1]
        current = now_named.get(name, PurePosixPath(name))
        if current is not None:
            history.changed.setdefault(current, date)
            if status == "A":
                history.added.setdefault(current, date)
        if renamed:
            now_named[fields[i + 1]] = current
        if renamed or status == "A":
            now_named[name] = None  # before this commit the name held no file of today
        i += 3 if renamed else 2
    return history


def _iso(day: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(day.strip())
    except ValueError:
        return None
