"""The record of the last successful build into an output folder: what it read, wrote and said."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from hortus.cache.digest import digest
from hortus.cache.fingerprint import FORMAT
from hortus.diagnostics import Diagnostic, Diagnostics, Severity

# A diagnostic as the record keeps it (JSON): [severity, path, line, kind, message].
RecordedDiagnostic = list
# An output file as the record keeps it: [key of its inputs or bytes, size, mtime_ns].
FileRecord = list


@dataclass
class BuildRecord:
    """What a successful build wrote and said, for the next build to compare against."""

    inputs: str = ""  # the inputs snapshot the build started from
    notes: int = 0  # published notes with a page
    pages: int = 0  # index.html files written
    cells: int = 0  # notes whose cell results were valid at the time
    cell_files: list[str] = field(default_factory=list)  # files the cells read
    search: dict[str, str] = field(default_factory=dict)  # search shard -> key of its pages
    files: dict[str, FileRecord] = field(default_factory=dict)  # output path -> FileRecord
    diagnostics: list[RecordedDiagnostic] = field(default_factory=list)  # without --strict's
    page_warnings: dict[str, list[RecordedDiagnostic]] = field(
        default_factory=dict
    )  # page file -> what rendering it said
    page_site_key: str = ""  # what every note page was made from alike
    page_facets: dict[str, str] = field(default_factory=dict)  # note path -> its facet


class RecordFile:
    """`build-<output folder digest>.json` in the cache folder: one record per output folder,
    since `hortus serve` builds elsewhere than public/."""

    def __init__(self, folder: Path, out_dir: Path | None) -> None:
        self.folder = folder
        name = digest(str(out_dir.resolve())) if out_dir is not None else ""
        self.path = folder / f"build-{name[:16]}.json"
        self.previous = self._load() if out_dir is not None else BuildRecord()

    def _load(self) -> BuildRecord:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.pop("format", None) != FORMAT:
                return BuildRecord()
            return BuildRecord(**data)
        except (OSError, ValueError, TypeError):
            return BuildRecord()

    def output_intact(self, out_dir: Path) -> bool:
        """Every file the last build wrote is still there, as it was written."""
        if not self.previous.files:
            return False
        folder = str(out_dir)  # joined as text: a Path per file costs more than its stat
        for rel, (_key, size, mtime) in self.previous.files.items():
            try:
                stat = os.stat(os.path.join(folder, rel))
            except OSError:
                return False
            if stat.st_size != size or stat.st_mtime_ns != mtime:
                return False
        return True

    def save(self, record: BuildRecord) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        # vars, not asdict: the fields are plain JSON already, and asdict copies every entry.
        temporary.write_text(json.dumps({"format": FORMAT, **vars(record)}), encoding="utf-8")
        temporary.replace(self.path)

    def forget(self) -> None:
        """A failed build: the next one must not take the output as up to date."""
        with contextlib.suppress(OSError):
            self.path.unlink()


def replay(items: list[RecordedDiagnostic], into: Diagnostics) -> None:
    """The warnings of the build being repeated."""
    for severity, path, line, kind, message in items:
        if severity == Severity.ERROR.value:
            into.error(path, line, kind, message)
        elif severity == Severity.INFO.value:
            into.info(path, line, kind, message)
        else:
            into.warn(path, line, kind, message)


def recorded(items: list[Diagnostic]) -> list[RecordedDiagnostic]:
    return [[d.severity.value, d.path, d.line, d.kind, d.message] for d in items]
