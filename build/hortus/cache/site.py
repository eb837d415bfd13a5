"""The build cache in `.hortus/site/`: what lets a rebuild skip the work whose inputs are unchanged.

Three layers, each keyed on what its result is made from:

- the *inputs snapshot*: every file of the vault, the theme and the settings (path, size,
  modification time), the files cells read, hortus's own code and the installed packages.
  When none changed since the last successful build and its output is intact, the build
  is done: nothing is read, parsed or written, and the last build's warnings are repeated.
- *parsed notes*: a note's tokens, keyed on its path, its text and the parser's code, so
  an unchanged note is loaded instead of parsed.
- *pages*: every output file is recorded with the key of its inputs; a page whose key is
  unchanged is hard-linked from the previous output instead of rendered (see SiteWriter).

Deleting `.hortus/site/`, or a cache written by another version, changes only speed: every
key includes the code that produced it, and a missing or unreadable entry is a miss.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hortus.cache.digest import digest
from hortus.cache.fingerprint import FORMAT, code_fingerprint
from hortus.config import Settings
from hortus.diagnostics import Diagnostic, Diagnostics, Severity
from hortus.markdown.parser import ParsedNote, note_from_tokens
from hortus.vault.reader import Note

CACHE_DIR = Path(".hortus") / "site"
PARSED = "parsed"


def _stat_tree(root: Path, skip_hidden: bool) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
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


def _stat_file(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_size, stat.st_mtime_ns)


def _git_head(folder: Path) -> str:
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
        _stat_tree(notes_dir, skip_hidden=False),
        _stat_tree(settings.theme_dir, skip_hidden=False),
        _stat_file(settings.root / "pyproject.toml"),
        [_stat_file(Path(path)) for path in sorted(cell_files)],
        _git_head(notes_dir),
    )


# --- the record of the last build ------------------------------------------------------------


@dataclass
class BuildRecord:
    """What a successful build wrote and said, for the next build to compare against."""

    inputs: str = ""
    notes: int = 0
    pages: int = 0
    cells: int = 0  # notes whose cell results were valid at the time
    cell_files: list[str] = field(default_factory=list)
    search: dict[str, str] = field(default_factory=dict)  # search shard -> key of its pages
    files: dict[str, list] = field(default_factory=dict)  # see emit.FileRecord
    diagnostics: list[list] = field(default_factory=list)
    page_warnings: dict[str, list[list]] = field(default_factory=dict)  # said while rendering


class SiteCache:
    def __init__(self, settings: Settings, out_dir: Path | None) -> None:
        self.folder = settings.root / CACHE_DIR
        # One record per output folder: `hortus serve` builds elsewhere than public/.
        name = digest(str(out_dir.resolve())) if out_dir is not None else ""
        self.record_path = self.folder / f"build-{name[:16]}.json"
        self.previous = self._load_record() if out_dir is not None else BuildRecord()
        self.used: set[str] = set()

    def _load_record(self) -> BuildRecord:
        try:
            data = json.loads(self.record_path.read_text(encoding="utf-8"))
            if data.pop("format", None) != FORMAT:
                return BuildRecord()
            return BuildRecord(**data)
        except (OSError, ValueError, TypeError):
            return BuildRecord()

    def output_intact(self, out_dir: Path) -> bool:
        """Every file the last build wrote is still there, as it was written."""
        if not self.previous.files:
            return False
        for rel, (_key, size, mtime) in self.previous.files.items():
            try:
                stat = (out_dir / rel).stat()
            except OSError:
                return False
            if stat.st_size != size or stat.st_mtime_ns != mtime:
                return False
        return True

    def save(self, record: BuildRecord) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.record_path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"format": FORMAT, **asdict(record)}), encoding="utf-8")
        temporary.replace(self.record_path)

    def forget(self) -> None:
        """A failed build: the next one must not take the output as up to date."""
        with contextlib.suppress(OSError):
            self.record_path.unlink()

    # --- parsed notes ---

    def parse_key(self, note: Note) -> str:
        return digest(code_fingerprint(), str(note.path), note.drawing, note.page, note.source)

    def load_parsed(self, note: Note) -> ParsedNote | None:
        key = self.parse_key(note)
        try:
            parsed = parsed_from_blob(note, (self.folder / PARSED / f"{key}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return None
        self.used.add(key)
        return parsed

    def store_parsed(self, note: Note, blob: bytes) -> None:
        key = self.parse_key(note)
        self.used.add(key)
        folder = self.folder / PARSED
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{key}.pickle"
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(blob)
        temporary.replace(target)

    def prune(self) -> None:
        """Drop parsed notes no note has any more (the vault's old versions)."""
        folder = self.folder / PARSED
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if entry.name.endswith(".pickle") and entry.name[:-7] not in self.used:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def parsed_blob(parsed: ParsedNote) -> bytes:
    """A parsed note as the cache keeps it: its tokens and what the parser noted (the note
    itself is not kept; it is read afresh)."""
    env = {k: v for k, v in parsed.env.items() if k != "note"}
    return pickle.dumps((parsed.tokens, env), protocol=pickle.HIGHEST_PROTOCOL)


def parsed_from_blob(note: Note, blob: bytes) -> ParsedNote:
    """A parsed note back from parsed_blob, for `note` (which the blob does not hold)."""
    tokens, env = pickle.loads(blob)
    env["note"] = note
    return note_from_tokens(note, tokens, env)


def replay(items: list[list], into: Diagnostics) -> None:
    """The warnings of the build being repeated."""
    for severity, path, line, kind, message in items:
        if severity == Severity.ERROR.value:
            into.error(path, line, kind, message)
        else:
            into.warn(path, line, kind, message)


def recorded(items: list[Diagnostic]) -> list[list]:
    return [[d.severity.value, d.path, d.line, d.kind, d.message] for d in items]
