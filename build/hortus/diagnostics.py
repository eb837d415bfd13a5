"""Problems found while building, reported as `path/note.md:LINE: message`."""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(Enum):
    INFO = "info"  # worth knowing, not a problem: never fails a build, even with --strict
    WARNING = "warning"
    ERROR = "error"


@functools.total_ordering
@dataclass(frozen=True)
class Diagnostic:
    path: str  # vault-relative POSIX path of the note or file
    line: int | None  # 1-based line in the source file, when there is one
    kind: str  # short machine-readable category, e.g. "math", "frontmatter"
    message: str
    severity: Severity = field(default=Severity.WARNING, compare=False)

    def _order(self) -> tuple[str, int, str, str]:
        return (self.path, self.line or 0, self.kind, self.message)

    def __lt__(self, other: object) -> bool:
        # By file, then line: a problem of the whole file (line None) comes first.
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return self._order() < other._order()

    def __str__(self) -> str:
        path = _printable(self.path)
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.severity.value}: {self.message}"


def _printable(text: str) -> str:
    """A file name with a newline or tab in it must not break the one-problem-a-line log."""
    return "".join(repr(c)[1:-1] if _control(c) else c for c in text)


def _control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in "\u2028\u2029"


class Diagnostics:
    """Collects problems from every stage; the CLI decides what they mean for the exit code."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def info(self, path: str, line: int | None, kind: str, message: str) -> None:
        self.items.append(Diagnostic(path, line, kind, message, Severity.INFO))

    def warn(self, path: str, line: int | None, kind: str, message: str) -> None:
        self.items.append(Diagnostic(path, line, kind, message, Severity.WARNING))

    def error(self, path: str, line: int | None, kind: str, message: str) -> None:
        self.items.append(Diagnostic(path, line, kind, message, Severity.ERROR))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted(d for d in self.items if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> list[Diagnostic]:
        return sorted(d for d in self.items if d.severity is Severity.WARNING)


class BuildError(Exception):
    """A build that cannot produce a site; the message is already user-facing."""


def write_report(path: Path, items: list[Diagnostic]) -> Path | None:
    """Every problem of the last build as JSON, for editors and scripts; None if unwritable."""
    rows = [
        {
            "path": d.path,
            "line": d.line,
            "kind": d.kind,
            "severity": d.severity.value,
            "message": d.message,
        }
        for d in sorted(items)
    ]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError:
        return None
    return path
