"""Stage 4: run every note's cells (in parallel, isolated, cached) and check its claims.

A note's results are reused only when nothing they depend on changed: its steps, hortus,
Python and the installed packages, and the bytes of every file its cells read last time."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hortus.cache.digest import file_digest as _file_digest
from hortus.cache.fingerprint import environment_fingerprint
from hortus.cells.kernel import Step
from hortus.cells.steps import note_steps
from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.markdown.parser import ParsedNote

CACHE_FORMAT = 1


@dataclass
class ExecutionReport:
    ran: int = 0
    cached: int = 0
    claims: list[dict[str, Any]] = field(default_factory=list)  # every claim, with its note


class ResultCache:
    """One JSON file per note run in .hortus/cells/, valid while every file it read is unchanged."""

    def __init__(self, folder: Path, enabled: bool) -> None:
        self.folder = folder
        self.enabled = enabled

    def key(self, note_path: str, steps: list[Step], timeout: float) -> str:
        payload = json.dumps(
            [CACHE_FORMAT, environment_fingerprint(), note_path, timeout,
             [[s.kind, s.index, s.source, s.line, s.options] for s in steps]],
            sort_keys=True, default=str,
        )  # fmt: skip
        return hashlib.sha256(payload.encode()).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        if not self.enabled:
            return None
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if any(_file_digest(path) != digest for path, digest in entry["inputs"].items()):
            return None
        return entry["result"]

    def put(self, key: str, result: dict[str, Any]) -> None:
        if result.get("status") != "ok":
            return  # failures run again: the fix may lie outside what the cache can see
        inputs = {path: _file_digest(path) for path in sorted(result.get("files", []))}
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{key}.json"
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps({"inputs": inputs, "result": result}), encoding="utf-8")
        temporary.replace(target)


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
    cache_ = ResultCache(settings.root / ".hortus" / "cells", use_cache)
    pending: list[tuple[ParsedNote, str, Any]] = []
    for p in parsed:
        steps, problems = note_steps(p.tokens)
        for problem in problems:
            diagnostics.warn(str(p.note.path), problem.line, "cell-option", problem.message)
        if not steps:
            continue
        timeout = _timeout(p, settings)
        key = cache_.key(str(p.note.path), steps, timeout)
        cached = cache_.get(key)
        if cached is not None:
            p.env["execution"] = cached
            report.cached += 1
        else:
            pending.append((p, key, _job(vault_root, p, steps, timeout)))
    if pending:
        from hortus.cells.pool import CellPool  # the pool's start-up is paid only when needed

        with CellPool(jobs=jobs, memory_mb=settings.cell_memory_mb) as pool:
            results = pool.map([job for _, _, job in pending])
        for (p, key, _), result in zip(pending, results, strict=True):
            p.env["execution"] = result
            cache_.put(key, result)
            report.ran += 1
    for p in parsed:
        result = p.env.get("execution")
        if result is not None:
            _report(p, result, diagnostics, report)
    return report


def _timeout(p: ParsedNote, settings: Settings) -> float:
    value = p.note.frontmatter.get("timeout", settings.timeout)
    usable = isinstance(value, int | float) and math.isfinite(value) and value > 0
    return float(value) if usable else settings.timeout  # `.inf` would mean no limit at all


def _job(vault_root: Path, p: ParsedNote, steps: list[Step], timeout: float) -> Any:
    from hortus.cells.pool import NoteJob

    # A cell's own `#| timeout:` raises the whole note's limit: the note runs as one process.
    longest = max([timeout, *(float(s.options.get("timeout", 0) or 0) for s in steps)])
    workdir = (vault_root / p.note.path).parent.resolve()
    return NoteJob(str(p.note.path), str(workdir), steps, longest)


def _report(
    p: ParsedNote, result: dict[str, Any], diagnostics: Diagnostics, report: ExecutionReport
) -> None:
    path = str(p.note.path)
    for claim in result.get("claims", []):
        report.claims.append({"note": path, "url": p.note.url, "title": p.note.title, **claim})
        if not claim.get("passed"):
            diagnostics.error(
                path, claim.get("line"), "claim",
                f"claim failed: {claim['text']}: expected {claim['expected']}, "
                f"got {claim['actual']}{_tolerance(claim)}",
            )  # fmt: skip
    error = result.get("error")
    if (
        result.get("status") != "ok"
        and error
        and not error.get("message", "").startswith("claim failed")
    ):
        diagnostics.error(path, error.get("line"), "cell", error.get("message", "cell failed"))


def _tolerance(claim: dict[str, Any]) -> str:
    parts = [f"{k}={claim[k]}" for k in ("rel", "abs") if claim.get(k) is not None]
    return f" ({', '.join(parts)})" if parts else ""
