"""The site writer: output goes into a staging folder, swapped in only when the build succeeded."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from stat import S_ISREG

from hortus.cache import FileRecord, bytes_digest, write_file
from hortus.diagnostics import BuildError
from hortus.site.folders import exchange, file_on_path, remove_empty, walk_files
from hortus.vault import stem_and_suffix

ASSET_DIR = "assets"


@functools.lru_cache(maxsize=1 << 17)
def url_to_file(url: str) -> PurePosixPath:
    """Clean URLs: `/a/b/` is `a/b/index.html`; a URL with a suffix is that file."""
    path = PurePosixPath(url.lstrip("/"))
    if url.endswith("/") or not path.suffix:
        return path / "index.html"
    return path


@functools.lru_cache(maxsize=1 << 17)  # asked of every page several times a build
def url_to_name(url: str) -> str:
    """url_to_file as the posix string the writer keeps its files by; over strings, as a
    build asks it of every page."""
    path = url.strip("/")
    if url.endswith("/") and "." not in path and "//" not in path:  # a page's, as most are
        return f"{path}/index.html" if path else "index.html"
    if _UNCLEAN.search(path):
        return url_to_file(url).as_posix()
    if url.endswith("/") or not stem_and_suffix(path.rpartition("/")[2])[1]:
        return f"{path}/index.html" if path else "index.html"
    return path


def _clean_name(relpath: PurePosixPath | str) -> str:
    """A site-relative file name in its one posix spelling (`a/b.html`, never `./a//b.html`);
    a name already so spelt (nearly all: the pages' own) is taken as it is."""
    if isinstance(relpath, str) and relpath and not _UNCLEAN.search(relpath):
        return relpath
    return PurePosixPath(relpath).as_posix()


# A leading or trailing slash, an empty, `.` or `..` segment: PurePosixPath spells it out.
_UNCLEAN = re.compile(r"^/|/$|//|(^|/)\.\.?(/|$)")


def content_hash(data: bytes) -> str:
    return bytes_digest(data)[:10]


def hashed_name(name: str, data: bytes) -> str:
    """`style.css` -> `style.1a2b3c4d5e.css`, so a changed file gets a new, cacheable URL."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{content_hash(data)}.{suffix}" if dot else f"{name}.{content_hash(data)}"


class SiteWriter:
    """Collects the output in a sibling temporary folder; `commit` puts it into place.

    Given the record of the previous build (`previous`, kept in hortus.cache's build record),
    a file whose key is unchanged is kept from the previous output instead of written again
    (a previous file touched since, its size or time unlike the record's, never is). When
    most of the site is kept, `commit` moves the few files made into the output and removes
    the ones gone, leaving the rest in place; otherwise the kept files are hard-linked into
    the staging folder and the two folders swapped at once.

    `changed`, when given, names the previous files found touched when the build began (see
    hortus.cache's RecordFile.changed_files): the others are kept without a stat each."""

    def __init__(
        self,
        out: Path,
        previous: dict[str, FileRecord] | None = None,
        changed: set[str] | None = None,
    ) -> None:
        self.out = out.resolve()
        self._out_text = str(self.out)  # joined as text: a Path per kept file costs more
        self.out.parent.mkdir(parents=True, exist_ok=True)
        clear_leftovers(self.out)
        self.staging = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir()
        self.written: set[str] = set()  # every file of this build, by its posix name
        self.previous = previous or {}
        self._changed = changed
        self.record: dict[str, FileRecord] = {}  # what this build wrote, for the next one
        self.reused = 0
        self.kept: set[str] = set()  # files left in the previous output (not in staging)

    def _claim(self, relpath: PurePosixPath | str) -> str:
        name = _clean_name(relpath)
        if name.startswith("/") or ".." in name.split("/"):
            raise BuildError(f"refusing to write outside the output folder: {name}")
        if name in self.written:
            raise BuildError(f"two outputs would be written to {name}")
        self.written.add(name)
        return name

    def write(self, relpath: PurePosixPath | str, data: bytes | str, key: str = "") -> None:
        name = self._claim(relpath)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        key = key or bytes_digest(raw)
        if self._link_previous(name, key):
            return
        write_file(os.path.join(self.staging, name), raw)
        self.registered(name, key)

    def reuse(self, relpath: PurePosixPath | str, key: str) -> bool:
        """Take the previous build's file when it was made from the same inputs (`key`)."""
        name = _clean_name(relpath)
        if name in self.written or not self._link_previous(name, key):
            return False
        self.written.add(name)
        return True

    def keep_names(self, names: set[str]) -> set[str]:
        """The previous build's files at `names` (in their one spelling, url_to_name's) kept
        under their previous keys, all at once: for pages the caller knows no change reached,
        nearly every page of the garden in an edit's build. Returns the names not kept."""
        previous = self.previous
        missed = (names - previous.keys()) | (names & self.written)
        if self._changed is not None:
            missed |= names & self._changed
        else:
            missed |= {name for name in names - missed if not self._intact(name, previous[name])}
        kept = names - missed
        self.written |= kept
        self.kept |= kept
        self.record.update({name: previous[name] for name in kept})
        self.reused += len(kept)
        return missed

    def reserve(self, relpath: PurePosixPath | str) -> str:
        """Claim a path that another process writes into the staging folder."""
        return self._claim(relpath)

    def registered(self, relpath: PurePosixPath | str, key: str) -> None:
        """Record a file written into the staging folder (by this process or a worker)."""
        name = _clean_name(relpath)
        stat = os.stat(os.path.join(self.staging, name))
        self.record[name] = [key, stat.st_size, stat.st_mtime_ns]

    def _link_previous(self, name: str, key: str) -> bool:
        # Over strings, not Paths: an edit links thousands of kept pages.
        entry = self.previous.get(name)
        if entry is None or entry[0] != key or not self._intact(name, entry):
            return False
        self.kept.add(name)  # left where it is (see commit)
        self.record[name] = entry
        self.reused += 1
        return True

    def _intact(self, name: str, entry: FileRecord) -> bool:
        """Whether the previous file is as the last build wrote it."""
        if self._changed is not None:
            return name not in self._changed
        try:
            stat = os.lstat(f"{self._out_text}/{name}")
        except OSError:
            return False
        return stat.st_size == entry[1] and stat.st_mtime_ns == entry[2] and S_ISREG(stat.st_mode)

    def file(self, relpath: PurePosixPath | str) -> Path:
        """Where a file of this build is now: in the staging folder, or, kept, in the output."""
        name = _clean_name(relpath)
        return (self.out if name in self.kept else self.staging) / name

    def reuse_folder(self, relpath: str, skip: Callable[[str], bool] = lambda name: False) -> bool:
        """Hard-link a whole folder of the previous output (a search index), all or nothing;
        `skip` names entries of its top level that are not part of it."""
        source = self.out / relpath
        if not source.is_dir() or source.is_symlink():
            return False
        try:
            linked = walk_files(str(source), relpath, skip)
        except OSError:
            return False
        if not self.written.isdisjoint(linked):
            return False  # a file of it is already placed: two outputs at one name
        # As the last build recorded them (an index holds thousands of files: no stat each);
        # a file it did not record, as it is now.
        entries = list(map(self.previous.get, linked))
        if None in entries:
            for i, rel in enumerate(linked):
                if entries[i] is None:
                    found = os.lstat(f"{self._out_text}/{rel}")
                    entries[i] = ["reused", found.st_size, found.st_mtime_ns]
        self.record.update(zip(linked, entries, strict=True))
        self.written.update(linked)
        self.kept.update(linked)
        return True

    def drop(self, relpath: str) -> None:
        """Leave out a file this build has already placed (a reused index's stale record)."""
        name = _clean_name(relpath)
        if name in self.written:
            self.written.discard(name)
            self.record.pop(name, None)
            if name in self.kept:
                self.kept.discard(name)  # not in this build: removed by commit
            else:
                (self.staging / name).unlink(missing_ok=True)

    def adopt(self, relpath: str, skip: Callable[[str], bool] = lambda name: False) -> None:
        """Claim and record the files another program wrote into the staging folder."""
        top = os.path.join(self.staging, relpath)
        found = []
        # Over strings, not Paths: an index holds thousands of files.
        for folder, dirs, files in os.walk(top):
            inside = os.path.relpath(folder, top).replace(os.sep, "/")
            if inside == ".":
                dirs[:] = [name for name in dirs if not skip(name)]
                files = [name for name in files if not skip(name)]
            prefix = relpath if inside == "." else f"{relpath}/{inside}"
            for name in files:
                stat = os.lstat(os.path.join(folder, name))
                if S_ISREG(stat.st_mode):
                    found.append((f"{prefix}/{name}", stat))
        for name, stat in sorted(found):
            self._claim(name)
            self.record[name] = ["made", stat.st_size, stat.st_mtime_ns]

    def has_page(self, url: str) -> bool:
        return url_to_name(url) in self.written

    def write_page(self, url: str, html: str, key: str = "") -> None:
        self.write(url_to_name(url), html, key)

    def write_asset(self, name: str, data: bytes | str) -> str:
        """Write a content-hashed asset and return its site URL (`/assets/name.HASH.ext`)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        rel = f"{ASSET_DIR}/{hashed_name(name, raw)}"
        if rel not in self.written:
            self.write(rel, raw)
        return "/" + rel

    def commit(self) -> None:
        """Replace the previous output with the new one: in place when few files changed
        (see apply_in_place); else whole. Where the system can swap two folders in one step
        (Linux), there is no moment without a whole site; elsewhere it is two renames inside
        one folder, and a build killed between them is undone by the next."""
        made = len(self.written) - len(self.kept)
        few = made <= max(IN_PLACE_MAX, len(self.written) // 10)
        if self.kept and few and self._apply_in_place():
            return
        self._link_kept()
        previous = self.out.parent / f".{self.out.name}.previous-{os.getpid()}"
        if self.out.is_dir() and not self.out.is_symlink() and exchange(self.staging, self.out):
            # Now the previous site: removed while the build goes on (thousands of folders).
            trash = self.out.parent / f".{self.out.name}{_OLD}{os.getpid()}"
            os.replace(self.staging, trash)
            remove_in_background(trash)
            return
        if self.out.exists() or self.out.is_symlink():
            os.replace(self.out, previous)
        os.replace(self.staging, self.out)
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)

    def _apply_in_place(self) -> bool:
        """The files made moved into the output, one rename each, and the previous build's
        files that this one did not make removed; the kept ones are not touched. False (the
        output untouched) when a made file's place is taken by a folder or a folder's by a
        file. A build stopped midway has forgotten its record, so the next makes it whole."""
        out, staging = str(self.out), str(self.staging)
        made = sorted(name for name in self.written if name not in self.kept)
        for name in made:
            if os.path.isdir(os.path.join(out, name)) or file_on_path(out, name):
                return False
        gone = sorted(name for name in self.previous if name not in self.written)
        for name in gone:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(out, name))
        for name in made:
            target = os.path.join(out, name)
            try:
                os.replace(os.path.join(staging, name), target)
            except FileNotFoundError:  # a new folder
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.replace(os.path.join(staging, name), target)
        for folder in sorted({os.path.dirname(name) for name in gone}, reverse=True):
            remove_empty(out, folder)
        shutil.rmtree(self.staging, ignore_errors=True)
        return True

    def _link_kept(self) -> None:
        """The kept files hard-linked into the staging folder, which becomes the output whole
        (copied where the file system has no hard links)."""
        out, staging = str(self.out), str(self.staging)
        for name in sorted(self.kept):
            source, target = os.path.join(out, name), os.path.join(staging, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        self.kept.clear()

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def part_since(self, before: set[str], reused: int) -> WrittenPart:
        """What this writer placed since it held the files `before` and had kept `reused`:
        a forked copy's part of the build, for the writer it was forked from (take_part)."""
        names = sorted(self.written - before)
        return WrittenPart(
            names,
            {name: self.record[name] for name in names if name in self.record},
            sorted(self.kept.intersection(names)),
            self.reused - reused,
        )

    def take_part(self, part: WrittenPart) -> None:
        """The files a forked copy of this writer placed in the same staging folder."""
        for name in part.names:
            self._claim(name)  # the same file placed by both fails the build, as ever
        self.record.update(part.record)
        self.kept.update(part.kept)
        self.reused += part.reused


@dataclass(frozen=True)
class WrittenPart:
    """Files a forked copy of a SiteWriter placed (see SiteWriter.part_since)."""

    names: list[str]  # by posix name
    record: dict[str, FileRecord]
    kept: list[str]  # of those, the ones left in the previous output
    reused: int  # files it kept from the previous build


IN_PLACE_MAX = 1000  # files made, at most, for commit to move them into the output one by one


_OLD = "-old-"  # `.public-old-<pid>`: a previous site being removed


def remove_in_background(folder: Path) -> None:
    """Remove a folder without waiting: a process of its own removes it, detached, with no
    terminal or pipe of ours, so neither this build nor whoever reads its output waits.
    Where processes cannot be forked, it is removed here."""
    if not hasattr(os, "fork"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        pid = os.fork()
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    if pid == 0:  # ends at once, leaving no zombie; its own child removes the folder
        try:
            os.setsid()
            if os.fork() == 0:
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<kind>staging|previous)-(?P<pid>\d+)")


def clear_leftovers(out: Path) -> None:
    """Remove the staging and previous folders of builds that died (SIGKILL, power loss)
    beside `out`. A build killed between the two renames of `commit` left no `out` but a
    whole previous site: that is put back first, so the site is never lost."""
    found = []
    try:
        entries = sorted(out.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(f".{out.name}{_OLD}"):  # a site a remover did not finish
            remove_in_background(entry)
        match = _LEFTOVER.fullmatch(entry.name)
        if match and match["name"] == out.name:
            from hortus.parallel import pid_alive  # here: most builds find no leftover

            if not pid_alive(int(match["pid"])):
                found.append((match["kind"], entry))
    for kind, entry in found:
        if kind == "previous" and not out.exists() and not out.is_symlink():
            try:
                os.replace(entry, out)
                continue
            except OSError:
                pass
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
