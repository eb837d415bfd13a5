"""A step's exception told in the note's terms: the step by name, lines of the .md file, the
assert that failed, and a traceback that starts in the note."""

from __future__ import annotations

import ast
import linecache
import traceback
import types
import warnings

from hortus.cells.capture import without_addresses
from hortus.cells.claims import STEP_FILENAME
from hortus.cells.records import Step, StepError


def register_source(step: Step, source: str) -> None:
    """Tracebacks and assert messages read a step's lines through linecache, as for files."""
    lines = source.splitlines(keepends=True)
    linecache.cache[step.filename] = (len(source), None, lines, step.filename)


class NoteCode:
    """The code of a note's steps as it sits in the .md file."""

    def __init__(self, steps: list[Step], note_path: str) -> None:
        self.note_path = note_path  # as messages name the note
        self.first_line = {(s.kind, s.index): s.line for s in steps}
        self.sources = {(s.kind, s.index): s.source for s in steps}
        self.trees: dict[int, ast.Module] = {}  # each cell as parsed, to find a failed assert

    def locate(self, kind: str, index: int, lineno: int) -> int:
        """The .md line of line `lineno` of a step."""
        first = self.first_line.get((kind, index))
        return lineno if first is None else first + lineno - 1

    def warning_text(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        line: str | None = None,
    ) -> str:
        """A warning as Python prints it, with a step's file and line as the note's."""
        match = STEP_FILENAME.match(filename)
        if match:
            source_line = linecache.getline(filename, lineno)
            filename = self.note_path
            lineno = self.locate(match.group(1), int(match.group(2)), lineno)
            line = source_line if line is None else line
        return warnings.formatwarning(message, category, filename, lineno, line)

    def error(self, exc: BaseException, step: Step) -> StepError:
        """`exc`, raised while `step` ran, as the note's error."""
        kind, index, lineno = _innermost_step_frame(exc)
        line = self.locate(kind, index, lineno) if kind else step.line
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        if isinstance(exc, SyntaxError):
            detail = f"{type(exc).__name__}: {exc.msg}"
        if isinstance(exc, AssertionError):
            detail = self._assert_detail(exc, kind, index, lineno)
        message = f"{step.name} (line {line}): {without_addresses(detail)}"
        text = without_addresses(self.format_traceback(exc))
        return StepError(message, line, step.index if step.kind == "cell" else None, text)

    def _assert_detail(self, exc: AssertionError, kind: str, index: int, lineno: int) -> str:
        text = str(exc)
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        source_text = None
        # Only when the assert itself is in a cell (not in a library the cell called).
        in_cell = tb is not None and STEP_FILENAME.match(tb.tb_frame.f_code.co_filename)
        if kind == "cell" and in_cell:
            tree = self.trees.get(index)
            source = self.sources.get((kind, index), "")
            for node in ast.walk(tree) if tree is not None else ():
                if not isinstance(node, ast.Assert):
                    continue
                if node.lineno <= lineno <= (node.end_lineno or node.lineno):
                    segment = ast.get_source_segment(source, node.test)
                    if segment:
                        source_text = "assert " + " ".join(segment.split())
                    break
        if source_text and text:
            return f"AssertionError: {text} ({source_text})"
        if source_text:
            return f"AssertionError: {source_text}"
        return f"AssertionError: {text}" if text else "AssertionError"

    def format_traceback(self, exc: BaseException) -> str:
        """The traceback from the first step frame on, with steps shown as lines of the note."""
        try:
            tb = exc.__traceback__
            while tb is not None and not STEP_FILENAME.match(tb.tb_frame.f_code.co_filename):
                tb = tb.tb_next  # the frames that ran the step say nothing to the note's author
            te = traceback.TracebackException(type(exc), exc, tb, compact=True)
            self._remap(te, set())
            return "".join(te.format())
        except Exception:
            return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))

    def _remap(self, te: traceback.TracebackException, seen: set[int]) -> None:
        if id(te) in seen:
            return
        seen.add(id(te))
        for i, frame in enumerate(te.stack):
            match = STEP_FILENAME.match(frame.filename)
            if not match or frame.lineno is None:
                continue
            kind, index = match.group(1), int(match.group(2))
            delta = self.locate(kind, index, 1) - 1
            label = f"cell {index + 1}" if kind == "cell" else f"inline expression {index + 1}"
            name = label if frame.name == "<module>" else f"{frame.name} ({label})"
            te.stack[i] = traceback.FrameSummary(
                self.note_path,
                frame.lineno + delta,
                name,
                lookup_line=False,
                line=linecache.getline(frame.filename, frame.lineno),
                end_lineno=None if frame.end_lineno is None else frame.end_lineno + delta,
                colno=frame.colno,
                end_colno=frame.end_colno,
            )
        if te.exc_type is not None and issubclass(te.exc_type, SyntaxError):
            match = STEP_FILENAME.match(te.filename or "")
            if match and te.lineno is not None:
                delta = self.locate(match.group(1), int(match.group(2)), 1) - 1
                te.filename = self.note_path
                te.lineno = int(te.lineno) + delta
                if te.end_lineno is not None:
                    te.end_lineno = int(te.end_lineno) + delta
        for chained in (te.__cause__, te.__context__):
            if chained is not None:
                self._remap(chained, seen)


def _innermost_step_frame(exc: BaseException) -> tuple[str, int, int]:
    """(kind, index, line in the step) of the innermost frame in a step; ("", -1, 0) if none."""
    found: tuple[str, int, int] = ("", -1, 0)
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        match = STEP_FILENAME.match(exc.filename)
        if match:
            return match.group(1), int(match.group(2)), int(exc.lineno)
    tb: types.TracebackType | None = exc.__traceback__
    while tb is not None:
        match = STEP_FILENAME.match(tb.tb_frame.f_code.co_filename)
        if match:
            found = (match.group(1), int(match.group(2)), tb.tb_lineno)
        tb = tb.tb_next
    return found
