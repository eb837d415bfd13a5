"""The inputs snapshot: everything a build reads, by name, size and time, as one key.

It is what lets `hortus build` on an unchanged garden stop at once, so it opens no file it
can stat instead: hortus's own code by the size and time of its files, the installed
distributions by the listing and time of the folders that hold them (`code_stamp`), the
vault's git commit read from the repository's files rather than by starting git
(`git_head`)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from hortus.cache.digest import digest, plain_digest
from hortus.cache.fingerprint import FORMAT
from hortus.cache.listing import list_tree, stat_file, stat_tree
from hortus.config import Settings

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.cache.site import SiteCache


PACKAGE = Path(__file__).resolve().parents[1]  # the hortus package
# What an install writes beside a distribution's modules: one entry per installed version.
INSTALLED = (".dist-info", ".egg-info", ".egg-link", ".pth")
# Environment variables that change what a build reads or makes.
ENVIRONMENT = ("HORTUS_KATEX_DIR", "GIT_DIR", "GIT_WORK_TREE")


def code_stamp(root: Path) -> list[object]:
    """hortus's source, Python, the installed distributions and the npm packages (KaTeX,
    Mermaid) as they stand, by stat alone: an edit of hortus or an install, upgrade or removal
    of a package changes it. Cache keys use `code_fingerprint` (by content, so that a fresh
    clone finds its cache); this only says whether anything may have changed since."""
    installed = []
    for entry in sys.path:
        try:
            names = sorted(n for n in os.listdir(entry or ".") if n.endswith(INSTALLED))
        except OSError:
            continue
        if names:  # the script's folder or the working directory (`-m`) hold none
            # An install, upgrade, reinstall or removal adds or removes an entry here, so
            # the folder's own time changes with it.
            installed.append([stat_file(Path(entry or ".")), names])
    npm = {stat_file(folder / "node_modules" / ".package-lock.json") for folder in _npm_roots(root)}
    return [
        FORMAT,
        sys.version,
        stat_tree(PACKAGE, skip_hidden=True, skip=frozenset({"__pycache__"})),
        installed,
        sorted(npm),
    ]


def _npm_roots(root: Path) -> list[Path]:
    """The folders whose node_modules hortus may take KaTeX and Mermaid from: the nearest
    one above the project and above hortus's own checkout (see render/math/katex.py)."""
    found = []
    for start in (root.resolve(), PACKAGE):
        for folder in (start, *start.parents):
            if (folder / "node_modules").is_dir():
                found.append(folder)
                break
    return found


def git_head(folder: Path) -> str:
    """The commit the vault is at, when it is in git (page dates come from its history), and
    where a shallow clone's history stops; empty outside git. Read from the repository's files
    (a loose ref, packed-refs, a detached HEAD, a worktree's `.git` file), so that no git
    process starts; git itself answers only what those files do not tell."""
    if os.environ.get("GIT_DIR"):
        return _git_rev_parse(folder)
    for parent in (folder.resolve(), *folder.resolve().parents):
        dot_git = parent / ".git"
        if dot_git.is_dir():
            gitdir: Path | None = dot_git
        elif dot_git.is_file():
            gitdir = _gitdir_of(dot_git)
        else:
            continue
        head = _read_head(gitdir) if gitdir is not None else None
        return head if head is not None else _git_rev_parse(folder)
    return ""


def _gitdir_of(dot_git: Path) -> Path | None:
    """A worktree's or submodule's `.git` file says `gitdir: <path>`."""
    text = _read_text(dot_git)
    if text is None or not text.startswith("gitdir:"):
        return None
    return (dot_git.parent / text.removeprefix("gitdir:").strip()).resolve()


def _read_head(gitdir: Path) -> str | None:
    """HEAD's commit and the shallow boundary's stat, or None when the files say nothing
    this can read (a reftable repository)."""
    shared = _read_text(gitdir / "commondir")
    common = (gitdir / shared.strip()).resolve() if shared else gitdir
    if (common / "reftable").is_dir():
        return None
    ref = "HEAD"
    for _ in range(5):  # a symbolic ref may point at another
        text = _read_text(gitdir / ref) or _read_text(common / ref)
        if text is None:
            text = _packed_ref(common, ref)
            if text is None:  # a branch with no commit yet
                return f"unborn {ref}" if ref.startswith("refs/") else None
        text = text.strip()
        if not text.startswith("ref:"):
            shallow = stat_file(common / "shallow")
            return f"{text} {shallow[1]} {shallow[2]}"
        ref = text.removeprefix("ref:").strip()
    return None


def _packed_ref(common: Path, ref: str) -> str | None:
    text = _read_text(common / "packed-refs") or ""
    for line in text.splitlines():
        sha, _, name = line.partition(" ")
        if name == ref and not line.startswith(("#", "^")):
            return sha
    return None


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return None


def _git_rev_parse(folder: Path) -> str:
    import subprocess  # here: most builds never start git

    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True,
            timeout=30,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "?"


def inputs_snapshot(
    settings: Settings, notes_dir: Path, out_dir: Path, cell_files: list[str]
) -> str:
    """Everything a build reads, by name, size and time (cheap: no file of the vault is
    opened)."""
    return settled_snapshot(base_snapshot(settings, notes_dir, out_dir), settings, cell_files)


def base_snapshot(
    settings: Settings, notes_dir: Path, out_dir: Path, cache: SiteCache | None = None
) -> str:
    """What a build reads before its cells run, by name, size and time. With the build's
    `cache`, the notes folder's files as listed here are kept on it (`notes_listing`): the
    vault stage of the same build takes their sizes and times from there, not asking the
    system again."""
    listing = list_tree(notes_dir, skip_hidden=False)
    notes = listing.files
    if cache is not None:
        cache.notes_listing = listing
    return plain_digest(
        code_stamp(settings.root),
        repr(settings),
        str(notes_dir.resolve()),
        str(out_dir.resolve()),
        notes,
        stat_tree(settings.theme_dir, skip_hidden=False),
        stat_file(settings.root / "pyproject.toml"),
        git_head(notes_dir),
        [os.environ.get(name, "") for name in ENVIRONMENT],
        # Queries' `today()` is the build's date: a new day (or epoch) is a new input.
        os.environ.get("SOURCE_DATE_EPOCH", "").strip() or time.strftime("%Y-%m-%d"),
    )


def settled_snapshot(base: str, settings: Settings, cell_files: list[str]) -> str:
    """`base` with the files the cells read and the results they keep. A build records it
    once its cells ran, with the files they read this time, so the next build of the same
    inputs finds it unchanged (even the first time a cell reads a file)."""
    return digest(
        base,
        [stat_file(Path(path)) for path in sorted(cell_files)],
        # A `cells-dir` may be committed: results pulled from elsewhere are new input.
        stat_tree(settings.cells_folder, skip_hidden=False) if settings.cells_dir else [],
    )
