"""--strict: a warning fails the build, while the build record keeps it a warning."""

from __future__ import annotations

from hortus.diagnostics import Diagnostic, Diagnostics, Severity


def enforce_strict(diagnostics: Diagnostics, strict: bool, since: int = 0) -> None:
    """With `strict`, each warning said since item `since` is also said as an error."""
    if not strict:
        return
    for item in diagnostics.items[since:]:
        if item.severity is Severity.WARNING:
            diagnostics.error(item.path, item.line, item.kind, item.message)


def without_strict(diagnostics: Diagnostics, strict: bool) -> list[Diagnostic]:
    """The build's own findings, before `strict` made its warnings errors: what the record
    keeps, so that a later build with or without --strict says them as it should."""
    if not strict:
        return diagnostics.items
    warned = {(d.path, d.line, d.kind, d.message) for d in diagnostics.warnings}
    return [
        d
        for d in diagnostics.items
        if d.severity is Severity.WARNING or (d.path, d.line, d.kind, d.message) not in warned
    ]
