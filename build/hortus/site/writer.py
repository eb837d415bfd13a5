"""The site writer: output goes into a staging folder, swapped in only when the build succeeded."""

from __future__ import annotations

import functools
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from stat import S_ISREG

from hortus.cache import FileRecord, bytes_digest
from hortus.diagnostics import BuildError

ASSET_DIR = "assets"


@functools.lru_cache(maxsize=1 << 17)
def url_to_file(url: str) -> PurePosixPath:
    """Clean URLs: `/a/b/` is `a/b/index.html`; a URL with a suffix is that file."""
    path = PurePosixPath(url.lstrip("/"))
    if url.endswith("/") or not path.suffix:
        return path / "index.html"
    return path


def content_hash(data: bytes) -> str:
    return bytes_digest(data)[:10]


def hashed_name(name: str, data: bytes) -> str:
    """`style.css` -> `style.1a2b3c4d5e.css`, so a changed file gets a new, cacheable URL."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{content_hash(data)}.{suffix}" if dot else f"{name}.{content_hash(data)}"


class SiteWriter:
    """Collects the output in a sibling temporary folder; `commit` swaps it into place.

    Given the record of the previous build (`previous`, kept in hortus.cache's build record),
    a file whose key is unchanged is hard-linked from the previous output instead of written
    again: only what changed is rewritten, and the swap stays atomic. A previous file that was
    touched since (its size or time differ from the record) is never reused."""

    def __init__(self, out: Path, previous: dict[str, FileRecord] | None = None) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        clear_leftovers(self.out)
        self.staging = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir()
        self.written: set[PurePosixPath] = set()
        self.previous = previous or {}
        self.record: dict[str, FileRecord] = {}  # what this build wrote, for the next one
        self.reused = 0

    def _claim(self, relpath: PurePosixPath | str) -> PurePosixPath:
        rel = PurePosixPath(relpath)
        if rel.is_absolute() or ".." in rel.parts:
            raise BuildError(f"refusing to write outside the output folder: {rel}")
        if rel in self.written:
            raise BuildError(f"two outputs would be written to {rel}")
        self.written.add(rel)
        return rel

    def write(self, relpath: PurePosixPath | str, data: bytes | str, key: str = "") -> None:
        rel = self._claim(relpath)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        key = key or bytes_digest(raw)
        if self._link_previous(rel, key):
            return
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
        self.registered(rel, key)

    def reuse(self, relpath: PurePosixPath | str, key: str) -> bool:
        """Take the previous build's file when it was made from the same inputs (`key`)."""
        rel = PurePosixPath(relpath)
        if rel in self.written or not self._link_previous(rel, key):
            return False
        self.written.add(rel)
        return True

    def keep(self, relpath: PurePosixPath | str) -> bool:
        """Take the previous build's file under its previous key: for a page the caller knows
        no change reached."""
        entry = self.previous.get(PurePosixPath(relpath).as_posix())
        return entry is not None and self.reuse(relpath, entry[0])

    def reserve(self, relpath: PurePosixPath | str) -> PurePosixPath:
        """Claim a path that another process writes into the staging folder."""
        return self._claim(relpath)

    def registered(self, rel: PurePosixPath, key: str) -> None:
        """Record a file written into the staging folder (by this process or a worker)."""
        stat = (self.staging / rel).stat()
        self.record[rel.as_posix()] = [key, stat.st_size, stat.st_mtime_ns]

    def _link_previous(self, rel: PurePosixPath, key: str) -> bool:
        # Over strings, not Paths: an edit links thousands of kept pages.
        name = rel.as_posix()
        entry = self.previous.get(name)
        if entry is None or entry[0] != key:
            return False
        old = os.path.join(self.out, name)
        try:
            stat = os.lstat(old)
        except OSError:
            return False
        if not S_ISREG(stat.st_mode) or [stat.st_size, stat.st_mtime_ns] != entry[1:]:
            return False
        target = os.path.join(self.staging, name)
        try:
            try:
                os.link(old, target)
            except FileNotFoundError:  # its folder is not made yet
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.link(old, target)
        except OSError:
            return False  # a file system without hard links: written afresh
        self.record[name] = entry
        self.reused += 1
        return True

    def reuse_folder(self, relpath: str, skip: Callable[[str], bool] = lambda name: False) -> bool:
        """Hard-link a whole folder of the previous output (a search index), all or nothing;
        `skip` names entries of its top level that are not part of it."""
        source = self.out / relpath
        if not source.is_dir() or source.is_symlink():
            return False
        linked: list[PurePosixPath] = []
        try:
            # Over strings, not Paths: an index holds thousands of files, and a Path per file
            # cost more than linking it.
            for folder, dirs, files in os.walk(source):
                inside = os.path.relpath(folder, source).replace(os.sep, "/")
                if inside == ".":
                    dirs[:] = [name for name in dirs if not skip(name)]
                    files = [name for name in files if not skip(name)]
                dirs.sort()
                prefix = relpath if inside == "." else f"{relpath}/{inside}"
                os.makedirs(os.path.join(self.staging, prefix), exist_ok=True)
                for name in sorted(files):
                    path = os.path.join(folder, name)
                    found = os.lstat(path)
                    if not S_ISREG(found.st_mode):
                        continue  # a symlink or a special file: not of the index
                    os.link(path, os.path.join(self.staging, prefix, name))
                    rel = self._claim(f"{prefix}/{name}")
                    linked.append(rel)
                    self.record[rel.as_posix()] = ["reused", found.st_size, found.st_mtime_ns]
        except (OSError, BuildError):
            for rel in linked:
                self.written.discard(rel)
                self.record.pop(rel.as_posix(), None)
            shutil.rmtree(self.staging / relpath, ignore_errors=True)
            return False
        return True

    def drop(self, relpath: str) -> None:
        """Leave out a file this build has already placed (a reused index's stale record)."""
        rel = PurePosixPath(relpath)
        if rel in self.written:
            self.written.discard(rel)
            self.record.pop(rel.as_posix(), None)
            (self.staging / rel).unlink(missing_ok=True)

    def adopt(self, relpath: str, skip: Callable[[str], bool] = lambda name: False) -> None:
        """Claim and record the files another program wrote into the staging folder."""
        folder = self.staging / relpath
        for path in sorted(folder.rglob("*")):
            inside = path.relative_to(folder)
            if path.is_file() and not path.is_symlink() and not skip(inside.parts[0]):
                rel = self._claim(PurePosixPath(relpath) / inside.as_posix())
                self.registered(rel, "made")

    def has_page(self, url: str) -> bool:
        return url_to_file(url) in self.written

    def write_page(self, url: str, html: str, key: str = "") -> None:
        self.write(url_to_file(url), html, key)

    def write_asset(self, name: str, data: bytes | str) -> str:
        """Write a content-hashed asset and return its site URL (`/assets/name.HASH.ext`)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        rel = PurePosixPath(ASSET_DIR) / hashed_name(name, raw)
        if rel not in self.written:
            self.write(rel, raw)
        return "/" + rel.as_posix()

    def commit(self) -> None:
        """Replace the previous output with the new one. Where the system can swap two folders
        in one step (Linux), there is no moment without a whole site; elsewhere it is two
        renames inside one folder, and a build killed between them is undone by the next."""
        previous = self.out.parent / f".{self.out.name}.previous-{os.getpid()}"
        if self.out.is_dir() and not self.out.is_symlink() and _exchange(self.staging, self.out):
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

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


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


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where the
    system or file system cannot, and the caller falls back to two renames."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    import ctypes.util  # here: a build that changes nothing swaps nothing

    try:
        function = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None  # not glibc 2.28+ on Linux
    function.argtypes = [
        ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint
    ]  # fmt: skip
    function.restype = ctypes.c_int
    return function
