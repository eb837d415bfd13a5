"""The cells stage: run every note's cells (in parallel, isolated, cached) and check its claims.

A note's results are reused only when nothing they depend on changed: its steps, hortus,
Python and the installed packages, and the bytes of every file its cells read last time. Each
note's NoteResult is left in `parsed.env["execution"]`, where the renderer finds it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hortus.cache import ResultCache
from hortus.cells.records import NoteClaim, NoteJob, NoteResult, Step
from hortus.cells.steps import note_steps
from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.markdown import ParsedNote

# Where a note's result is left for the stages after this one.
EXECUTION = "execution"


@dataclass
class ExecutionReport:
    """What running the notes' cells tells the build."""

    ran: int = 0  # notes whose cells ran in this build
    cached: int = 0  # notes whose results were reused from the cache
    claims: list[NoteClaim] = field(default_factory=list)  # every claim, with its note


def note_result(env: Mapping[str, Any]) -> NoteResult | None:
    """What a note's cells gave, from its env (a ParsedNote's, or a render env made from it);
    None when it has no cells."""
    return env.get(EXECUTION)


def execute_notes(
    vault_root: Path,
    parsed: list[ParsedNote],
    settings: Settings,
    diagnostics: Diagnostics,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
) -> ExecutionReport:
    report = ExecutionReport()
    cache = ResultCache(settings.root / ".hortus" / "cells", use_cache)
    pending: list[tuple[ParsedNote, str, NoteJob]] = []
    for p in parsed:
        steps, problems = note_steps(p.tokens)
        for problem in problems:
            diagnostics.warn(str(p.note.path), problem.line, "cell-option", problem.message)
        if not steps:
            continue
        timeout = _timeout(p, settings)
        key = cache.key(str(p.note.path), timeout, [step.to_json() for step in steps])
        cached = _cached_result(cache, key)
        if cached is not None:
            p.env[EXECUTION] = cached
            report.cached += 1
        else:
            pending.append((p, key, _job(vault_root, p, steps, timeout)))
    if pending:
        from hortus.cells.pool import CellPool  # the pool's start-up is paid only when needed

        with CellPool(jobs=jobs, memory_mb=settings.cell_memory_mb) as pool:
            results = pool.map([job for _, _, job in pending])
        for (p, key, _), result in zip(pending, results, strict=True):
            p.env[EXECUTION] = result
            if result.status == "ok":  # failures run again: the fix may lie outside the key
                cache.put(key, result.to_json(), result.files)
            report.ran += 1
    for p in parsed:
        result = note_result(p.env)
        if result is not None:
            _report(p, result, diagnostics, report)
    return report


def _cached_result(cache: ResultCache, key: str) -> NoteResult | None:
    stored = cache.get(key)
    if stored is None:
        return None
    try:
        return NoteResult.from_json(stored)
    except (KeyError, TypeError, ValueError):
        return None  # not a result this version can read: run the note again


def _timeout(p: ParsedNote, settings: Settings) -> float:
    value = p.note.frontmatter.get("timeout", settings.timeout)
    usable = isinstance(value, int | float) and math.isfinite(value) and value > 0
    return float(value) if usable else settings.timeout  # `.inf` would mean no limit at all


def _job(vault_root: Path, p: ParsedNote, steps: list[Step], timeout: float) -> NoteJob:
    # A cell's own `#| timeout:` raises the whole note's limit: the note runs as one process.
    longest = max([timeout, *(float(s.options.get("timeout", 0) or 0) for s in steps)])
    workdir = (vault_root / p.note.path).parent.resolve()
    return NoteJob(str(p.note.path), str(workdir), steps, longest)


def _report(
    p: ParsedNote, result: NoteResult, diagnostics: Diagnostics, report: ExecutionReport
) -> None:
    path = str(p.note.path)
    for claim in result.claims:
        report.claims.append(NoteClaim.made_in(claim, path, p.note.url, p.note.title))
        if not claim.passed:
            diagnostics.error(path, claim.line, "claim", claim.failure_message())
    error = result.error
    if result.status != "ok" and error and not error.message.startswith("claim failed"):
        diagnostics.error(path, error.line, "cell", error.message)
