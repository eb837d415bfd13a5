"""The inputs snapshot: a build on an unchanged garden stops at once, and a change to any input
of any kind makes the next build a real one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_hortus
from hortus.cache import plain_digest, snapshot
from hortus.config import default_theme_dir, load_settings
from hortus.pipeline import BuildResult, build_if_unchanged, build_site

NOTE = "---\ndg-publish: true\n---\n# A\n\nSee [[b]].\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main",
         *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip


def rev_parse(cwd: Path) -> str:
    return git(cwd, "rev-parse", "HEAD")


def commit(cwd: Path, name: str) -> None:
    if not (cwd / name).exists():
        (cwd / name).write_text(name, encoding="utf-8")
    git(cwd, "add", name)
    git(cwd, "commit", "-q", "-m", name)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q")
    commit(folder, "one.md")
    return folder


def test_the_commit_is_read_as_git_says_it(repo: Path, tmp_path: Path) -> None:
    sub = repo / "notes"
    sub.mkdir()
    assert snapshot.git_head(sub).split()[0] == rev_parse(repo)  # a loose ref
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git/refs/heads/main").exists()
    assert snapshot.git_head(repo).split()[0] == rev_parse(repo)  # from packed-refs
    first = rev_parse(repo)
    commit(repo, "two.md")
    assert snapshot.git_head(repo).split()[0] == rev_parse(repo) != first
    git(repo, "checkout", "-q", "--detach", first)
    assert snapshot.git_head(repo).split()[0] == first  # a detached HEAD
    git(repo, "checkout", "-q", "main")
    other = tmp_path / "other"
    git(repo, "worktree", "add", "-q", "-b", "side", str(other), first)
    assert (other / ".git").is_file()
    assert snapshot.git_head(other).split()[0] == first  # a worktree's own HEAD
    commit(other, "three.md")
    assert snapshot.git_head(other).split()[0] == rev_parse(other) != first
    assert snapshot.git_head(repo).split()[0] == rev_parse(repo)


def test_outside_git_and_before_the_first_commit(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    if any((p / ".git").exists() for p in (plain, *plain.parents)):
        pytest.skip("the temporary folder is inside a git repository")
    assert snapshot.git_head(plain) == ""
    git(plain, "init", "-q")
    unborn = snapshot.git_head(plain)
    commit(plain, "first.md")
    assert snapshot.git_head(plain) not in ("", unborn)


class Project:
    """A built project; `changes` applies an edit and undoes it exactly (bytes and times),
    saying whether the build after the edit would be a real one and after the undo not."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.notes = root / "notes"
        self.notes.mkdir(parents=True)
        (self.notes / "a.md").write_text(NOTE, encoding="utf-8")
        (self.notes / "b.md").write_text(NOTE.replace("[[b]]", "[[a]]"), encoding="utf-8")
        (root / "pyproject.toml").write_text('[tool.hortus]\ntitle = "G"\n', encoding="utf-8")
        shutil.copytree(default_theme_dir(), root / "theme")
        (root / "node_modules").mkdir()
        (root / "node_modules" / ".package-lock.json").write_text("{}", encoding="utf-8")

    def build(self) -> None:
        settings = load_settings(self.root)
        result = build_site(settings, self.notes, self.root / "public", strict=False)
        assert result.built and not result.unchanged

    def unchanged(self) -> bool:
        settings = load_settings(self.root)
        out = self.root / "public"
        found = build_if_unchanged(settings, self.notes, out, strict=False)
        return isinstance(found, BuildResult) and found.unchanged

    def changes(self, edit: Callable[[], Callable[[], None]]) -> bool:
        assert self.unchanged()
        undo = edit()
        changed = not self.unchanged()
        undo()
        assert self.unchanged(), "the undo did not restore the inputs"
        return changed


def rewrite(path: Path, text: str) -> Callable[[], Callable[[], None]]:
    """An edit of a file's text, undone with its bytes and times."""

    def edit() -> Callable[[], None]:
        before, stat = path.read_bytes(), path.stat()
        path.write_text(text, encoding="utf-8")

        def undo() -> None:
            path.write_bytes(before)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

        return undo

    return edit


def create(path: Path, text: str) -> Callable[[], Callable[[], None]]:
    """A new file, undone with its folder's times."""

    def edit() -> Callable[[], None]:
        stat = path.parent.stat()
        path.write_text(text, encoding="utf-8")

        def undo() -> None:
            path.unlink()
            os.utime(path.parent, ns=(stat.st_atime_ns, stat.st_mtime_ns))

        return undo

    return edit


def rename(path: Path, new: Path) -> Callable[[], Callable[[], None]]:
    """A file or folder renamed, undone with its folder's times."""

    def edit() -> Callable[[], None]:
        stat = path.parent.stat()
        path.rename(new)

        def undo() -> None:
            new.rename(path)
            os.utime(path.parent, ns=(stat.st_atime_ns, stat.st_mtime_ns))

        return undo

    return edit


def test_every_kind_of_input_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A copy of hortus's code and a folder of installed distributions stand in for the real
    # ones, which other processes may be using.
    package = tmp_path / "hortus-code"
    (package / "markdown").mkdir(parents=True)
    (package / "markdown" / "parser.py").write_text("RULES = 1\n", encoding="utf-8")
    monkeypatch.setattr(snapshot, "PACKAGE", package)
    site_packages = tmp_path / "site-packages"
    (site_packages / "jinja2-3.1.4.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site_packages))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = Project(tmp_path / "project")
    git(project.root, "init", "-q")
    commit(project.root, "pyproject.toml")
    project.build()
    assert project.unchanged()

    notes, root = project.notes, project.root
    assert project.changes(rewrite(notes / "a.md", NOTE + "\nMore.\n"))  # a note
    assert project.changes(create(notes / "new.md", NOTE))  # a new note
    assert project.changes(rename(notes / "b.md", notes / "c.md"))  # a renamed note
    assert project.changes(rewrite(root / "theme" / "static" / "callouts.css", "a{}"))  # the theme
    assert project.changes(rewrite(root / "pyproject.toml", "[tool.hortus]\n"))  # settings
    assert project.changes(rewrite(package / "markdown" / "parser.py", "RULES = 2\n"))  # code
    assert project.changes(create(package / "new_plugin.py", ""))  # code added
    upgraded = site_packages / "jinja2-3.1.5.dist-info"
    assert project.changes(rename(site_packages / "jinja2-3.1.4.dist-info", upgraded))
    lock = root / "node_modules" / ".package-lock.json"
    assert project.changes(rewrite(lock, '{"katex": "0.16.22"}'))  # npm install

    def new_commit() -> Callable[[], None]:
        head = rev_parse(root)
        commit(root, "later.md")
        return lambda: git(root, "reset", "-q", "--soft", head)

    assert project.changes(new_commit)

    def epoch() -> Callable[[], None]:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        return lambda: monkeypatch.delenv("SOURCE_DATE_EPOCH")

    assert project.changes(epoch)

    def tomorrow() -> Callable[[], None]:
        real = snapshot.time.strftime
        monkeypatch.setattr(
            snapshot.time, "strftime", lambda f, *a: "2999-01-01" if "%d" in f else real(f, *a)
        )
        return lambda: monkeypatch.setattr(snapshot.time, "strftime", real)

    assert project.changes(tomorrow)


def test_a_changed_output_file_is_a_real_build(tmp_path: Path) -> None:
    project = Project(tmp_path / "project")
    project.build()
    page = project.root / "public" / "a" / "index.html"
    assert project.changes(rewrite(page, "tampered"))
    page.unlink()
    assert not project.unchanged()


@pytest.mark.parametrize("cells_dir", ["", 'cells-dir = "results"\n'])
def test_the_build_after_a_cell_first_reads_a_file_is_unchanged(
    tmp_path: Path, cells_dir: str
) -> None:
    (tmp_path / "notes").mkdir()
    settings = f'[tool.hortus]\npublish = "all"\nlanguage = "en"\n{cells_dir}'
    (tmp_path / "pyproject.toml").write_text(settings, encoding="utf-8")
    (tmp_path / "notes" / "data.txt").write_text("3 4\n", encoding="utf-8")
    cell = "with open('data.txt') as f:\n    x = sum(map(int, f.read().split()))\n"
    note = f"# N\n\n```{{python}}\n{cell}```\n\nx is `{{python}} x`.\n"
    (tmp_path / "notes" / "n.md").write_text(note, encoding="utf-8")
    first = run_hortus("build", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "cells run for 1 note" in first.stderr
    second = run_hortus("build", cwd=tmp_path)
    assert "unchanged since the last build" in second.stderr, second.stderr
    # The file the cell read is still an input.
    (tmp_path / "notes" / "data.txt").write_text("3 5\n", encoding="utf-8")
    third = run_hortus("build", cwd=tmp_path)
    assert "unchanged" not in third.stderr and "cells run for 1 note" in third.stderr
    assert "x is 8" in (tmp_path / "public" / "n" / "index.html").read_text(encoding="utf-8")


def test_equal_listings_give_the_same_snapshot_however_they_are_held() -> None:
    """The snapshot of a large garden is a digest of plain data (plain_digest): the same
    files must give the same digest whether or not their names are one object in memory or
    interned (else an unchanged garden would build again), and another listing another."""
    names = [f"folder/note {i}.md" for i in range(50)]
    shared = [(name, 10, 20) for name in names] + [(names[0], 10, 20)]
    copied = [("".join(list(name)), 10, 20) for name in [*names, names[0]]]
    interned = [(sys.intern("".join(list(name))), 10, 20) for name in names]
    interned.append((sys.intern(names[0]), 10, 20))
    digests = {plain_digest("key", listing) for listing in (shared, copied, interned)}
    assert len(digests) == 1
    assert plain_digest("key", shared[:-1]) not in digests
    assert plain_digest("key", [list(row) for row in shared]) not in digests  # lists, not tuples
    assert plain_digest("key", [(name, 10, 21) for name in names]) != plain_digest(
        "key", [(name, 10, 20) for name in names]
    )
