"""The cells stage: run every note's cells (in parallel, isolated, cached) and check its claims.

A note's results are reused only when nothing they depend on changed: its steps and time
limit, the bytes of every file its cells read last time, the Python major.minor and the
versions of the distributions its cells imported (a frozen note, `freeze`, checks only its
steps and files). Each note's result says what it was computed with (Provenance). Each
note's NoteResult is left in `parsed.env["execution"]`, where the renderer finds it, with its
figure numbers (hortus.cells.crossrefs); the formulas its outputs show are added to its math,
so they are typeset with the note's own. Every note that fails is reported, each with its
line, before the build stops."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from hortus.cache import ResultCache
from hortus.cells.crossrefs import (
    CROSSREFS,
    CellWords,
    cell_words,
    figure_targets,
    unknown_references,
)
from hortus.cells.defaults import note_defaults, sets_cell_defaults
from hortus.cells.executors import open_executor
from hortus.cells.provenance import Provenance
from hortus.cells.records import (
    LatexOutput,
    MarkdownOutput,
    NoteClaim,
    NoteJob,
    NoteResult,
    Step,
)
from hortus.cells.report import ExecutionReport
from hortus.cells.resume import finish_resume, plan_resume
from hortus.cells.steps import note_steps
from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.markdown import MathRef, ParsedNote, make_parser, walk_tokens

# Where a note's result is left for the stages after this one.
EXECUTION = "execution"
# What a note's text holds when it may have a step (a fence whose info starts `{engine`,
# perhaps escaped or as an entity; `{python} expr`); else its tokens are not read for steps.
# Each pattern starts with a literal, which `re` finds fast.
_MAY_STEP = (re.compile(r"`[ \t\r\n]*[{&\\]"), re.compile(r"~~~[ \t]*[{&\\]"))


# env: whether the note's text may hold a step or a figure reference, told when it is parsed
# and kept with its parse (record_cell_facts), so a build does not search every note's text.
MAY_HOLD_CELLS = "may_hold_cells"


def _may_step(source: str) -> bool:
    """Whether the note's text may hold a cell or an inline value (see _MAY_STEP)."""
    ticks, tildes = _MAY_STEP
    return bool(ticks.search(source) or ("~~~" in source and tildes.search(source)))


def _refers(source: str) -> bool:
    """Whether the note's text may refer to a figure: `@fig-label`, perhaps as an entity."""
    return "@" in source or "&" in source


def record_cell_facts(env: dict[str, Any], source: str) -> None:
    """What this stage needs to know of a note's text, told once as it is parsed (see
    MAY_HOLD_CELLS)."""
    env[MAY_HOLD_CELLS] = _may_step(source) or _refers(source)


def _concerns_cells(p: ParsedNote) -> bool:
    """Whether the note may have steps, cell options or figure references: a note that has
    none is left alone by this stage."""
    if sets_cell_defaults(p.note.frontmatter):
        return True
    told = p.env.get(MAY_HOLD_CELLS)
    return _may_step(p.note.source) or _refers(p.note.source) if told is None else told


def note_result(env: Mapping[str, Any]) -> NoteResult | None:
    """What a note's cells gave, from its env (a ParsedNote's, or a render env made from it);
    None when it has no cells."""
    return env.get(EXECUTION)


@dataclass
class PendingNote:
    """A note whose cells run in this build."""

    parsed: ParsedNote  # the note
    key: str  # its results' key in the cache
    job: NoteJob  # what the pool runs
    frozen: bool = False  # under `freeze`


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
    cache = ResultCache(settings.cells_folder, use_cache, settings.root)
    pending: list[PendingNote] = []
    all_steps: dict[str, list[Step]] = {}
    concerned = [p for p in parsed if _concerns_cells(p)]
    for p in concerned:
        read = _read_steps(p, diagnostics)
        if read is None or not read.steps:
            continue
        all_steps[str(p.note.path)] = read.steps
        timeout = _timeout(p, settings)
        frozen = settings.freeze if read.freeze is None else read.freeze
        key = cache.key(str(p.note.path), timeout, [step.to_json() for step in read.steps])
        cached = _cached_result(cache, key, frozen)
        if cached is not None:
            p.env[EXECUTION] = cached
            report.cached += 1
        else:
            job = _job(vault_root, p, read, timeout)
            # From its first changed cell, when a checkpoint before it is still valid.
            job = plan_resume(job, settings.cache_folder, timeout, use_cache)
            pending.append(PendingNote(p, key, job, frozen))
    if pending:
        # The local pool or a Dask cluster, as the settings say; started only when needed.
        with open_executor(settings, jobs=jobs) as executor:
            results = executor.map([note.job for note in pending])
        for note, result in zip(pending, results, strict=True):
            note.parsed.env[EXECUTION] = result
            finish_resume(note.job, diagnostics)
            made = {"computed_at": _moment(), **cache.environment(result.modules)}
            if result.status == "ok":  # failures run again: the fix may lie outside the key
                cache.put(note.key, _stored(result), result.files, made)
            result.provenance = _shown(made, note.frozen)
            report.ran += 1
    words = cell_words(settings.language)
    outputs_parser = OutputsParser()
    for p in concerned:
        result = note_result(p.env)
        _number_figures(p, all_steps.get(str(p.note.path), []), result, words, diagnostics)
        if result is not None:
            outputs_parser.add_math(p, result)
            _report(p, result, diagnostics, report)
    return report


@dataclass(frozen=True)
class NoteSteps:
    """A note's steps, read under its frontmatter's defaults."""

    steps: list[Step]  # its cells and inline values, in order
    memory_mb: int | None  # its own memory cap (`cell-memory-mb:`); None: the site's
    freeze: bool | None = None  # its own `freeze:`; None: the site's


def _read_steps(p: ParsedNote, diagnostics: Diagnostics) -> NoteSteps | None:
    """The note's steps, its problems reported; None when its cells cannot run (it names a
    kernel that is not Python)."""
    path = str(p.note.path)
    defaults = note_defaults(p.note.frontmatter, p.note.source)
    may_step = _may_step(p.note.source)
    steps, problems = note_steps(p.tokens, defaults.options) if may_step else ([], [])
    for problem in problems:
        diagnostics.warn(path, problem.line, problem.kind, problem.message)
    for note_problem in defaults.problems:
        report = diagnostics.error if note_problem.fatal else diagnostics.warn
        report(path, note_problem.line, "cell-option", note_problem.message)
    if any(note_problem.fatal for note_problem in defaults.problems):
        return None
    return NoteSteps(steps, defaults.memory_mb, defaults.freeze)


def _number_figures(
    p: ParsedNote,
    steps: list[Step],
    result: NoteResult | None,
    words: CellWords,
    diagnostics: Diagnostics,
) -> None:
    """The note's figure numbers, left for the renderer; references to no figure reported."""
    targets = figure_targets(steps, result, words.figure)
    if steps or targets:
        p.env[CROSSREFS] = dataclasses.replace(words, targets=targets)
    for line, label in unknown_references(p.tokens, targets) if _refers(p.note.source) else []:
        diagnostics.warn(
            str(p.note.path),
            line,
            "crossref",
            f"@{label} names no figure: no cell of this note has `label: {label}`",
        )


class OutputsParser:
    """The formulas in what cells showed as Markdown or LaTeX, added to their note's math so
    they are typeset (and cached) with the note's own; the parser is made on first use."""

    def __init__(self) -> None:
        self.md: MarkdownIt | None = None

    def add_math(self, p: ParsedNote, result: NoteResult) -> None:
        known = {(ref.tex, ref.display) for ref in p.math}
        for cell in result.cells:
            line = _cell_line(p, cell.index)
            for output in cell.outputs:
                if not isinstance(output, MarkdownOutput | LatexOutput):
                    continue
                if self.md is None:
                    self.md = make_parser()
                for token, _parent in walk_tokens(self.md.parse(output.markdown, {})):
                    if token.type in ("math_inline", "math_block"):
                        ref = MathRef(token.content, token.type == "math_block", line)
                        if (ref.tex, ref.display) not in known:
                            known.add((ref.tex, ref.display))
                            p.math.append(ref)


def _cell_line(p: ParsedNote, index: int) -> int:
    """The .md line of cell `index`'s fence."""
    for token in p.tokens:
        if token.type == "fence" and token.meta.get("cell") == index and token.map:
            return token.map[0] + 1
    return 1


def _cached_result(cache: ResultCache, key: str, frozen: bool) -> NoteResult | None:
    stored = cache.get(key, frozen=frozen)
    if stored is None:
        return None
    try:
        result = NoteResult.from_json(stored.value)
        result.provenance = _shown(stored.provenance, frozen)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # not a result this version can read: run the note again
    result.files = stored.files  # where the files it read are now (the folder may have moved)
    return result


def _stored(result: NoteResult) -> dict[str, Any]:
    """What the cache keeps of a result: the files it read are kept (relative to the project)
    beside it, and what it was computed with is the cache's provenance."""
    return {**result.to_json(), "files": [], "provenance": None}


def _shown(made: dict[str, Any], frozen: bool) -> Provenance:
    """What the claims page says a result was computed with. A frozen result keeps the moment
    it was computed; any other is what this build would compute (an incremental build equals a
    cold one), at the build's moment: `SOURCE_DATE_EPOCH`, or none, so pages carry no date
    that is not in the input."""
    at = made.get("computed_at") if frozen else _moment(reproducible=True)
    distributions = {str(k): str(v) for k, v in dict(made["distributions"]).items()}
    return Provenance(at, str(made["python"]), distributions, frozen)


def _moment(*, reproducible: bool = False) -> str | None:
    """Now, UTC, to the second: `SOURCE_DATE_EPOCH` when set; else the clock (None when
    `reproducible`)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    elif reproducible:
        return None
    else:
        moment = dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _timeout(p: ParsedNote, settings: Settings) -> float:
    value = p.note.frontmatter.get("timeout", settings.timeout)
    usable = isinstance(value, int | float) and math.isfinite(value) and value > 0
    return float(value) if usable else settings.timeout  # `.inf` would mean no limit at all


def _job(vault_root: Path, p: ParsedNote, read: NoteSteps, timeout: float) -> NoteJob:
    # A cell's own `#| timeout:` raises the whole note's limit: the note runs as one process.
    longest = max([timeout, *(float(s.options.get("timeout", 0) or 0) for s in read.steps)])
    workdir = (vault_root / p.note.path).parent.resolve()
    return NoteJob(str(p.note.path), str(workdir), read.steps, longest, read.memory_mb)


def _report(
    p: ParsedNote, result: NoteResult, diagnostics: Diagnostics, report: ExecutionReport
) -> None:
    path = str(p.note.path)
    for claim in result.claims:
        made = NoteClaim.made_in(claim, path, p.note.url, p.note.title, result.provenance)
        report.claims.append(made)
        if not claim.passed:
            diagnostics.error(path, claim.line, "claim", claim.failure_message())
    error = result.error
    if result.status != "ok" and error and not error.message.startswith("claim failed"):
        diagnostics.error(path, error.line, "cell", error.message)
