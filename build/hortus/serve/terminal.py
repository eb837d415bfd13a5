"""What the preview prints: one line per build or preview, the errors below it, and each
warning only the first time it appears."""

from __future__ import annotations

import sys
from pathlib import Path

from hortus.diagnostics import Diagnostic
from hortus.serve.builder import Outcome

SHOWN_PER_KIND = 10  # warnings of one kind printed per build; the report has them all


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def report_build(
    outcome: Outcome, first: bool, seen: set[Diagnostic], serving: bool, because: str
) -> None:
    """One line per build; errors below it; warnings only the first time they appear
    (`seen` holds the last build's, and is updated)."""
    fresh = [w for w in outcome.warnings if w not in seen]
    seen.clear()
    seen.update(outcome.warnings)
    shown: dict[str, int] = {}
    for warning in fresh:
        shown[warning.kind] = shown.get(warning.kind, 0) + 1
        if shown[warning.kind] <= SHOWN_PER_KIND:
            say(f"  {warning}")
    verb = f"built {outcome.pages} pages" if first and outcome.folder else "rebuilt"
    took = f"{outcome.seconds:.2f} s{because}"
    if not outcome.errors:
        say(f"hortus: {verb} in {took}")
    elif outcome.folder is not None:
        count = len(outcome.errors)
        say(f"hortus: {verb} in {took} with {count} error{'s' * (count > 1)} (shown on the page):")
    else:
        still = "still serving the last good pages" if serving else "no pages to serve yet"
        say(f"hortus: build failed in {took}; {still}:")
    for error in outcome.errors:
        say(f"  {error}")


def changed_names(paths: list[str], roots: list[Path], shown: int = 3) -> str:
    """` (a.md, b/c.md)`: what the rebuild was for, relative to the watched folder."""
    names = []
    for path in paths[:shown]:
        target = Path(path)
        root = next((r for r in roots if target.is_relative_to(r)), target.parent)
        names.append(target.relative_to(root).as_posix())
    more = f", {len(paths) - shown} more" if len(paths) > shown else ""
    return f" ({', '.join(names)}{more})"
