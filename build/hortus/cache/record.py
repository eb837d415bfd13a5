"""The record of the last successful build into an output folder: what it read, wrote and said."""

from __future__ import annotations

import contextlib
import marshal
import os
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any

from hortus.cache.digest import digest
from hortus.cache.fingerprint import FORMAT
from hortus.diagnostics import Diagnostic, Diagnostics, Severity

# A diagnostic as the record keeps it (JSON): [severity, path, line, kind, message].
RecordedDiagnostic = list
# An output file as the record keeps it: [key of its inputs or bytes, size, mtime_ns].
FileRecord = list


# The fields of a record that only a build which goes on to make pages reads (see
# RecordFile.load_pages): kept beside the rest, so a build that finds nothing changed
# reads a few megabytes less in a large garden.
PAGES_FIELDS = ("search", "page_warnings", "page_site_key", "page_facets", "page_files")


@dataclass
class BuildRecord:
    """What a successful build wrote and said, for the next build to compare against."""

    inputs: str = ""  # the inputs snapshot the build started from
    notes: int = 0  # published notes with a page
    pages: int = 0  # index.html files written
    cells: int = 0  # notes whose cell results were valid at the time
    cell_files: list[str] = field(default_factory=list)  # files the cells read
    search: dict[str, Any] = field(default_factory=dict)  # search shard -> what it holds
    files: dict[str, FileRecord] = field(default_factory=dict)  # output path -> FileRecord
    diagnostics: list[RecordedDiagnostic] = field(default_factory=list)  # without --strict's
    page_warnings: dict[str, list[RecordedDiagnostic]] = field(
        default_factory=dict
    )  # page file -> what rendering it said
    page_site_key: str = ""  # what every note page was made from alike
    page_facets: dict[str, str] = field(default_factory=dict)  # note path -> its facet
    page_files: dict[str, list[str]] = field(default_factory=dict)  # note path -> its pages


class RecordFile:
    """`build-<output folder digest>.marshal` in the cache folder: one record per output
    folder, since `hortus serve` builds elsewhere than public/. The record is plain data
    (dicts, lists, text, numbers) kept in marshal's format: a large garden's record (an entry
    per output file) is written ten times sooner than as JSON and read half again as fast,
    and the build that saves it is waited on."""

    def __init__(self, folder: Path, out_dir: Path | None) -> None:
        self.folder = folder
        name = digest(str(out_dir.resolve())) if out_dir is not None else ""
        self.path = folder / f"build-{name[:16]}.marshal"
        self.pages_path = folder / f"build-{name[:16]}-pages.marshal"
        self._pages_token: str | None = None  # what ties the two files of one record
        self._pages_loaded = False
        self.previous = self._load() if out_dir is not None else BuildRecord()

    def _load(self) -> BuildRecord:
        try:
            data = _read(self.path)
            if data.pop("format", None) != FORMAT:
                return BuildRecord()
            token = data.pop("pages_token", None)
            record = BuildRecord(**data)
        except (OSError, ValueError, TypeError, EOFError, AttributeError):
            return BuildRecord()
        self._pages_token = token if isinstance(token, str) else None
        return record

    def load_pages(self) -> BuildRecord:
        """The previous record with its PAGES_FIELDS, read from beside it on first ask; left
        empty (every page keyed, every index made again) unless that file was written with
        this record."""
        if not self._pages_loaded:
            self._pages_loaded = True
            with contextlib.suppress(OSError, ValueError, TypeError, KeyError, EOFError):
                data = _read(self.pages_path)
                if self._pages_token is not None and data["token"] == self._pages_token:
                    for name in PAGES_FIELDS:
                        setattr(self.previous, name, data[name])
        return self.previous

    def changed_files(self, out_dir: Path) -> set[str]:
        """The files the last build wrote that are not as it wrote them: gone, of another size
        or time, or no longer a plain file. Nothing is taken from an output changed by hand."""
        folder = str(out_dir.resolve())  # joined as text: a Path per file costs more than its stat
        changed = set()
        for rel, (_key, size, mtime) in self.previous.files.items():
            try:
                stat = os.lstat(f"{folder}/{rel}")
            except OSError:
                changed.add(rel)
                continue
            if stat.st_size != size or stat.st_mtime_ns != mtime or not S_ISREG(stat.st_mode):
                changed.add(rel)
        return changed

    def save(self, record: BuildRecord) -> None:
        """The record in two files (see PAGES_FIELDS), each written whole or not at all,
        tied by a token of this save: a build stopped between the two leaves a pair that
        does not match, read as no pages part at all."""
        self.folder.mkdir(parents=True, exist_ok=True)
        token = os.urandom(8).hex()
        # vars, not asdict: the fields are plain JSON already, and asdict copies every entry.
        fields = vars(record)
        pages = {name: fields[name] for name in PAGES_FIELDS}
        rest = {name: value for name, value in fields.items() if name not in PAGES_FIELDS}
        _write(self.pages_path, {"token": token, **pages})
        _write(self.path, {"format": FORMAT, "pages_token": token, **rest})

    def forget(self) -> None:
        """A failed build: the next one must not take the output as up to date."""
        for path in (self.path, self.pages_path):
            with contextlib.suppress(OSError):
                path.unlink()


def _read(path: Path) -> dict[str, Any]:
    data = marshal.loads(path.read_bytes())
    if not isinstance(data, dict):
        raise TypeError(f"{path.name} holds no record")
    return data


def _write(path: Path, value: dict[str, Any]) -> None:
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(marshal.dumps(value))
    temporary.replace(path)


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
