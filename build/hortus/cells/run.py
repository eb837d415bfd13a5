"""Run one note's cells and inline expressions, in order, in one fresh namespace.

This runs inside a process that is already isolated (a child forked by the worker), so it may
change the working directory, the standard streams and global state freely; it still puts them
back so that tests can call `run_note` in-process. Imports: the standard library, and numpy
and matplotlib only when the note (or the warm worker) has already loaded them.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import os
import random
import sys
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from hortus.cells import claims
from hortus.cells.capture import OutputCapture, truncate
from hortus.cells.checkpoints import StepRecord, logging_writes
from hortus.cells.claims import ClaimRecord
from hortus.cells.dependencies import NoteInputs, installation_dirs
from hortus.cells.display import display, use_for_ipython, value_outputs
from hortus.cells.figures import figure_settings, prepare_matplotlib, take_figures
from hortus.cells.imports import ImportRecorder
from hortus.cells.interactive import ends_with_semicolon, run_statements
from hortus.cells.processes import PROCESS_LIMIT
from hortus.cells.records import (
    CellResult,
    ErrorOutput,
    InlineResult,
    MarkdownOutput,
    NoteError,
    NoteResult,
    Output,
    Step,
    StepResult,
    StreamOutput,
)
from hortus.cells.resume import Checkpointer, ResumePlan
from hortus.cells.sandbox import note_tempdir, sandboxed
from hortus.cells.tracebacks import NoteCode, register_source


class RunListener:
    """Hooks the worker uses to stream partial results out of a note that may yet crash."""

    def step_started(self, step: Step) -> None:
        pass

    def step_finished(
        self, step: Step, result: StepResult, claims: list[ClaimRecord], files: list[str]
    ) -> None:
        pass


def run_note(
    steps: list[Step],
    workdir: str,
    note_path: str,
    progress: Callable[[str], None] | None = None,
    *,
    capture_fds: bool = False,
) -> NoteResult:
    """Run `steps` in order, in `workdir`; `note_path` is how messages name the note.

    `capture_fds` also redirects file descriptors 0-2 (output of C code and subprocesses); only
    for a dedicated process, since it swaps the process-wide descriptors.
    """
    return NoteRun(steps, workdir, note_path, progress, capture_fds=capture_fds).run()


def flag(options: dict[str, Any], key: str, default: bool) -> bool:
    """A boolean `#|` option, accepting YAML booleans and their spellings as strings."""
    value = options.get(key, default)
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "off", "0", "")
    return bool(value)


class NoteRun:
    """One run of a note's steps; `failure` is the exception that failed it, if any."""

    def __init__(
        self,
        steps: list[Step],
        workdir: str,
        note_path: str,
        progress: Callable[[str], None] | None = None,
        *,
        capture_fds: bool = False,
        listener: RunListener | None = None,
        tempdir: str | None = None,
        process_limit: int | None = PROCESS_LIMIT,
        resume: ResumePlan | None = None,
    ) -> None:
        self.steps = steps
        self.workdir = os.path.abspath(workdir)
        self.progress = progress
        self.capture_fds = capture_fds
        self.listener = listener or RunListener()
        self.code = NoteCode(steps, note_path)
        self.failure: BaseException | None = None
        self.output = OutputCapture(capture_fds)
        self.inputs = NoteInputs()
        self.pid = os.getpid()
        # The note's own temporary folder (made for the run when the caller does not give one).
        self.tempdir = tempdir
        self.process_limit = process_limit
        # Where checkpoints are kept after each cell and which one to go on from; None: none.
        self.plan = resume
        self.records: list[StepRecord] = []  # the steps done, as a checkpoint keeps them

    def run(self) -> NoteResult:
        result = NoteResult()
        # The namespace is the dict of a module registered as __main__ (as Jupyter does), so
        # functions and classes defined in cells can be pickled, e.g. by multiprocessing.
        main_module = types.ModuleType("__main__")
        namespace: dict[str, Any] = main_module.__dict__
        namespace.update({"__builtins__": builtins, "claim": claims.claim, "display": display})
        collector = claims.Collector(self.code.locate)
        with contextlib.ExitStack() as stack:
            stack.enter_context(self.output)
            stack.enter_context(_note_process(self.workdir, main_module, collector))
            tempdir = stack.enter_context(note_tempdir(self.tempdir))
            self.inputs.ignore(tempdir)
            watched = sandboxed(self.workdir, tempdir, self.inputs.opened, self.process_limit)
            stack.enter_context(watched)
            imports = stack.enter_context(ImportRecorder(installation_dirs()))
            kept = (
                None
                if self.plan is None
                else Checkpointer(self.plan, self.steps, self.workdir, tempdir)
            )
            stack.enter_context(logging_writes(None if kept is None else kept.log))
            start, earlier = self.resume_from(kept, main_module, result)
            for position in range(start, len(self.steps)):
                step = self.steps[position]
                if not self.run_step(step, namespace, collector, result):
                    break  # as Quarto: nothing after a failure runs
                if kept is not None and step.kind == "cell":
                    modules = sorted(earlier.union(imports.modules()))
                    kept.keep(position, namespace, main_module, self.records, modules)
            if kept is not None:
                kept.finish()
        self.inputs.new_files()
        result.files = sorted(self.inputs.files)
        result.modules = sorted(earlier.union(imports.modules()))
        return result

    def resume_from(
        self, kept: Checkpointer | None, main_module: types.ModuleType, result: NoteResult
    ) -> tuple[int, set[str]]:
        """Go on from the run's checkpoint, if it has one that loads: its steps' results are
        this run's, told to the listener as if they had just run. (the steps to skip, the
        modules they imported)."""
        resumed = None if kept is None else kept.resume(main_module.__dict__, main_module)
        if resumed is None:
            if self.plan is not None and self.plan.resume:
                fresh_state()  # whatever a checkpoint that could not be loaded left behind
            return 0, set()
        for record in resumed.records:
            step = record.step
            register_source(step, step.source if step.kind == "cell" else step.source.strip())
            if step.kind == "cell":
                with contextlib.suppress(SyntaxError, ValueError):
                    self.code.trees[step.index] = ast.parse(step.source, step.filename)
            self.listener.step_started(step)
            result.add(record.entry)
            result.claims.extend(record.claims)
            self.listener.step_finished(step, record.entry, record.claims, record.files)
            for known in (self.inputs.opened, self.inputs.reported, self.inputs.files):
                known.update(record.files)
            self.records.append(record)
        self.output.begin_step()  # what loading the checkpoint printed is not a step's
        self.output.step_outputs()
        return len(resumed.records), set(resumed.modules)

    def run_step(
        self,
        step: Step,
        namespace: dict[str, Any],
        collector: claims.Collector,
        result: NoteResult,
    ) -> bool:
        """Run `step` and add what it gave to `result`; False when the note stops here."""
        if self.progress is not None:
            self.progress(f"starting {step.kind} {step.index}")
        self.listener.step_started(step)
        before = len(collector.records)
        if step.kind == "cell":
            entry, exc = self.run_cell(step, namespace)
        else:
            entry, exc = self.run_inline(step, namespace)
        new_claims = collector.records[before:]
        result.add(entry)
        result.claims.extend(new_claims)
        files = self.inputs.new_files()
        self.records.append(StepRecord(step, entry, list(new_claims), files))
        self.listener.step_finished(step, entry, new_claims, files)
        failed_claim = next((c for c in new_claims if not c.passed), None)
        if exc is not None and entry.error is not None:
            self.failure = exc
            result.error = entry.error.for_note()
        elif failed_claim is not None:
            message = failed_claim.failure_message()
            result.error = NoteError(message, failed_claim.line, failed_claim.cell)
        if result.error is None:
            return True
        result.status = "error"
        return False

    def run_cell(
        self, step: Step, namespace: dict[str, Any]
    ) -> tuple[CellResult, BaseException | None]:
        entry = CellResult(step.index)
        options = step.options
        if not flag(options, "eval", True):
            return entry, None
        register_source(step, step.source)
        keep = flag(options, "output", True) and flag(options, "include", True)
        self.output.begin_step(keep, quiet_stderr=not flag(options, "message", True))
        with figure_settings(options), self.warnings_shown(step):
            exc = self.execute_cell(step, namespace)
        if self.capture_fds and os.getpid() != self.pid:
            os._exit(0)  # a process the cell forked must not go on running the note
        try:
            figures = take_figures(keep=keep)  # closed either way: the next cell starts clean
        except BaseException as caught:
            figures = []
            if exc is None:
                exc = caught
        shown = self.output.step_outputs()
        error_output: list[Output] = []
        if exc is not None:
            error = self.code.error(exc, step)
            if flag(options, "error", False):  # Quarto's `error: true`: show and go on
                error_output = [ErrorOutput(error.traceback)]
                exc = None
            else:
                entry.error = error
        if keep:
            # As Jupyter: in the order shown, then the traceback, then the figures left open.
            entry.outputs = [*shown, *error_output, *figures]
            if options.get("output") == "asis":
                entry.outputs = as_markdown(entry.outputs)
        return entry, exc

    def execute_cell(self, step: Step, namespace: dict[str, Any]) -> BaseException | None:
        """Run the cell's code, showing values as IPython would; the exception it raised."""
        prepare_matplotlib(full_reset=False)
        interactivity = str(step.options.get("ipynb-shell-interactivity", "last_expr"))
        if ends_with_semicolon(step.source):  # as Jupyter, `x;` shows nothing
            interactivity = "none"
        try:
            tree = ast.parse(step.source, step.filename)
            self.code.trees[step.index] = tree
            run_statements(tree, step.filename, namespace, interactivity, self.show_value)
        except BaseException as caught:
            if isinstance(caught, KeyboardInterrupt) and not self.capture_fds:
                raise  # in-process (tests): Ctrl-C stops the caller, not just the cell
            return caught
        return None

    def show_value(self, value: Any) -> None:
        self.output.show(value_outputs(value))

    @contextlib.contextmanager
    def warnings_shown(self, step: Step) -> Iterator[None]:
        """Python's warnings while the cell runs: on its stderr, as Jupyter shows them (with the
        note's file and line for a warning raised by the note's own code), or, with
        `warning: false`, not at all."""
        with warnings.catch_warnings():
            if not flag(step.options, "warning", True):
                warnings.simplefilter("ignore")
            else:
                warnings.showwarning = self.show_warning
            yield

    def show_warning(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        text = self.code.warning_text(message, category, filename, lineno, line)
        self.output.streams.write("stderr", text)

    def run_inline(
        self, step: Step, namespace: dict[str, Any]
    ) -> tuple[InlineResult, BaseException | None]:
        entry = InlineResult(step.index)
        source = step.source.strip()
        register_source(step, source)
        self.output.begin_step()  # whatever an inline expression prints is not shown
        exc: BaseException | None = None
        try:
            entry.text = truncate(str(eval(compile(source, step.filename, "eval"), namespace)))
        except BaseException as caught:
            if isinstance(caught, KeyboardInterrupt) and not self.capture_fds:
                raise
            exc = caught
        self.output.step_outputs()
        if exc is not None:
            entry.error = self.code.error(exc, step)
        return entry, exc


@contextlib.contextmanager
def _note_process(
    workdir: str, main_module: types.ModuleType, collector: claims.Collector
) -> Iterator[None]:
    """The process as a fresh interpreter in `workdir` would give it to a note; put back after."""
    saved_main = sys.modules.get("__main__")
    saved_cwd = os.getcwd()
    saved_path = list(sys.path)
    saved_bytecode = sys.dont_write_bytecode
    previous_collector = claims.set_collector(collector)
    try:
        with warnings.catch_warnings():
            os.environ["MPLBACKEND"] = "Agg"  # for a note that imports matplotlib itself
            warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
            os.chdir(workdir)
            sys.path.insert(0, workdir)  # notes import helpers next to them, as Jupyter
            sys.dont_write_bytecode = True  # no __pycache__ written into the vault
            sys.modules["__main__"] = main_module
            fresh_state()
            yield
    finally:
        claims.set_collector(previous_collector)
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
        sys.dont_write_bytecode = saved_bytecode
        sys.path[:] = saved_path
        os.chdir(saved_cwd)


def fresh_state() -> None:
    """What a fresh interpreter would give a note, plus fixed seeds for reproducible pages."""
    random.seed(0)
    np = sys.modules.get("numpy")
    if np is not None:
        np.random.seed(0)
    prepare_matplotlib(full_reset=True)
    use_for_ipython()


def as_markdown(outputs: list[Output]) -> list[Output]:
    """`output: asis`: what the cell printed is Markdown for the page (as Quarto reads it)."""
    converted: list[Output] = []
    for output in outputs:
        if isinstance(output, StreamOutput) and output.name == "stdout":
            previous = converted[-1] if converted else None
            if isinstance(previous, MarkdownOutput):
                converted[-1] = MarkdownOutput(previous.text + output.text)
            else:
                converted.append(MarkdownOutput(output.text))
        else:
            converted.append(output)
    return converted
