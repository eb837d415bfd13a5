"""A note's dates: the frontmatter's keys as Obsidian users write them, the git history read
once for the whole vault, and the file's time only where it means something."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from conftest import git_at
from hortus.vault import Note, NoteDates, note_dates
from hortus.vault import dates as dates_module

OLD = dt.datetime(2001, 2, 3, 12, tzinfo=dt.UTC).timestamp()


def _note(root: Path, name: str, frontmatter: dict | None = None) -> Note:
    path = root / name
    path.write_text("x\n", encoding="utf-8")
    os.utime(path, (OLD, OLD))
    return Note(
        path=PurePosixPath(name), source="x\n", frontmatter=frontmatter or {}, title=name,
        url=f"/{name}/", published=True, mtime=path.stat().st_mtime,
    )  # fmt: skip


def _git(repo: Path, *args: str, day: str = "2022-02-03") -> None:
    git_at(repo, *args, day=day, hour="10:00:00")


def test_the_keys_obsidian_users_write_are_read(tmp_path: Path) -> None:
    notes = [
        _note(tmp_path, "a.md", {"date modified": "2024-01-05T10:20", "date created": "2023"}),
        _note(tmp_path, "b.md", {"Last-Modified": dt.date(2022, 1, 2), "Created": "2021-06-07"}),
        _note(tmp_path, "c.md", {"date": dt.datetime(2020, 5, 6, 7, 8)}),
        _note(tmp_path, "d.md", {"updated": "last week", "modified": "2019-09-09"}),
    ]
    dates = note_dates(tmp_path, notes)
    assert [dates[n] for n in notes] == [
        NoteDates(dt.date(2024, 1, 5), None),  # "2023" is not a date
        NoteDates(dt.date(2022, 1, 2), dt.date(2021, 6, 7)),
        NoteDates(dt.date(2020, 5, 6), dt.date(2020, 5, 6)),
        NoteDates(dt.date(2019, 9, 9), None),  # what cannot be read is passed over
    ]


def test_outside_git_an_undated_note_is_dated_by_its_file(tmp_path: Path) -> None:
    note = _note(tmp_path, "a.md")
    assert note_dates(tmp_path, [note]) == {note: NoteDates(dt.date(2001, 2, 3), None)}


def test_in_git_a_tracked_note_has_its_commits_dates_not_its_checkout_time(
    tmp_path: Path,
) -> None:
    _git(tmp_path, "init", "-q")
    first = _note(tmp_path, "first.md")
    _git(tmp_path, "add", "first.md")
    _git(tmp_path, "commit", "-qm", "one", day="2020-01-01")
    (tmp_path / "first.md").write_text("y\n", encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "two", day="2021-01-01")
    os.utime(tmp_path / "first.md", (OLD, OLD))
    draft = _note(tmp_path, "draft.md")  # not committed: its file's time is its last change
    dates = note_dates(tmp_path, [first, draft])
    assert dates[first] == NoteDates(dt.date(2021, 1, 1), dt.date(2020, 1, 1))
    assert dates[draft] == NoteDates(dt.date(2001, 2, 3), None)


def test_the_history_is_read_by_one_git_log_per_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _git(tmp_path, "init", "-q")
    notes = [_note(tmp_path, f"n{i}.md") for i in range(30)]
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "all")
    calls: list[list[str]] = []
    run = subprocess.run

    def counting(args: list[str], **kwargs: object) -> subprocess.CompletedProcess:
        calls.append(list(args))
        return run(args, **kwargs)

    monkeypatch.setattr(dates_module.subprocess, "run", counting)
    first = note_dates(tmp_path, notes)
    again = note_dates(tmp_path, notes)  # the queries and the pages of one build both ask
    assert first == again
    assert {d.updated for d in first.values()} == {dt.date(2022, 2, 3)}
    assert sum("log" in args for args in calls) == 1


def test_a_renamed_note_keeps_the_date_it_was_first_added(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "a.md").write_text("the same long text of the first note\n" * 5, encoding="utf-8")
    _git(tmp_path, "add", "a.md")
    _git(tmp_path, "commit", "-qm", "one", day="2020-01-01")
    (tmp_path / "moved").mkdir()
    _git(tmp_path, "mv", "a.md", "moved/b.md")
    _git(tmp_path, "commit", "-qm", "renamed", day="2021-01-01")
    (tmp_path / "a.md").write_text("another note under the old name\n", encoding="utf-8")
    _git(tmp_path, "add", "a.md")
    _git(tmp_path, "commit", "-qm", "new a", day="2022-01-01")
    renamed, new = _note(tmp_path, "moved/b.md"), _note(tmp_path, "a.md")
    dates = note_dates(tmp_path, [renamed, new])
    assert dates[renamed] == NoteDates(dt.date(2021, 1, 1), dt.date(2020, 1, 1))
    assert dates[new] == NoteDates(dt.date(2022, 1, 1), dt.date(2022, 1, 1))


@pytest.mark.parametrize("offset", [-1.0, -4e-7, -1e-7, 0.0, 3e-7, 1.0])
def test_a_file_time_near_midnight_is_dated_as_the_clock_reads_it(
    tmp_path: Path, offset: float
) -> None:
    midnight = dt.datetime(2024, 3, 5, tzinfo=dt.UTC).timestamp()
    notes = [_note(tmp_path, "a.md"), _note(tmp_path, "b.md")]
    notes[0].mtime = midnight + offset
    notes[1].mtime = midnight - 3600  # the same day as most offsets, first
    dates = note_dates(tmp_path, notes[::-1])
    for note in notes:
        assert dates[note].updated == dt.datetime.fromtimestamp(note.mtime, tz=dt.UTC).date()
