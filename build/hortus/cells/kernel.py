"""Run one note's cells and inline expressions, in order, in one fresh namespace.

This runs inside a process that is already isolated (a child forked by hortus.cells.pool), so it
may change the working directory, the standard streams and global state freely; it still puts
them back so that tests can call `run_note` in-process. Imports: the standard library, numpy and
matplotlib only when the note (or the warm worker) has already loaded them, and hortus.claims.

The result is a plain JSON-able dict (see `run_note`), cached as JSON by the caller.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import errno
import functools
import io
import linecache
import mmap
import os
import random
import re
import shutil
import sys
import tempfile
import tokenize
import traceback
import types
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from hortus.cells import claims as _claims

# Per stream and cell: a cell that prints megabytes must not bloat the page or the cache.
OUTPUT_LIMIT = 100_000
# Processes a note may run at once (RLIMIT_NPROC aside, which root does not obey).
PROCESS_LIMIT = 64
# Fixed so that SVG ids (hashes of salt + content) are the same in every run and process.
SVG_HASHSALT = "hortus"

_CELL_FILE = re.compile(r"<(cell|inline) (\d+)>\Z")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


@dataclass(frozen=True)
class Step:
    kind: str  # "cell" or "inline"
    index: int  # cell number (0-based) or inline-expression number, per kind
    source: str  # cell code without its `#|` lines, or the inline expression
    line: int  # 1-based line in the .md file of the first line of `source`
    options: dict = field(default_factory=dict)  # the cell's `#|` options; {} for inline

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        return cls(
            kind=data["kind"],
            index=int(data["index"]),
            source=data["source"],
            line=int(data["line"]),
            options=dict(data.get("options") or {}),
        )


class RunListener:
    """Hooks the worker uses to stream partial results out of a note that may yet crash."""

    def step_started(self, step: Step) -> None:
        pass

    def step_finished(self, step: Step, entry: dict, claims: list[dict], files: list[str]) -> None:
        pass


def run_note(
    steps: list[Step],
    workdir: str,
    note_path: str,
    progress: Callable[[str], None] | None = None,
    *,
    capture_fds: bool = False,
) -> dict:
    """Run `steps` in order and return

    {"cells": [{"index", "outputs", "error"}], "inline": [{"index", "text", "error"}],
     "claims": [...], "files": [...], "status": "ok"|"error", "error": None|{message, line, cell}}

    `capture_fds` also redirects file descriptors 0-2 (output of C code and subprocesses); only
    for a dedicated process, since it swaps the process-wide descriptors.
    """
    return NoteRun(steps, workdir, note_path, progress, capture_fds=capture_fds).run()


def flag(options: dict, key: str, default: bool) -> bool:
    """A boolean `#|` option, accepting YAML booleans and their spellings as strings."""
    value = options.get(key, default)
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "off", "0", "")
    return bool(value)


class NoteRun:
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
    ) -> None:
        self.steps = steps
        self.workdir = os.path.abspath(workdir)
        self.note_path = note_path
        self.progress = progress
        self.capture_fds = capture_fds
        self.listener = listener or RunListener()
        self.first_line = {(s.kind, s.index): s.line for s in steps}
        self.sources = {(s.kind, s.index): s.source for s in steps}
        self.trees: dict[int, ast.Module] = {}
        self.failure: BaseException | None = None  # the exception that failed the note, if any
        self.opened: set[str] = set()
        self.reported: set[str] = set()  # opened paths already looked at
        self.files: set[str] = set()  # of those, the note's dependencies
        self.streams = _Streams()
        self.pid = os.getpid()
        # The note's own temporary folder (made here when the caller does not give one).
        self.tempdir = tempdir
        self.process_limit = process_limit
        self.scratch: tuple[str, ...] = ()  # prefixes of the temp folder, once it is known

    # -- mapping cell lines to the .md file ------------------------------------------------

    def locate(self, kind: str, index: int, lineno: int) -> int:
        first = self.first_line.get((kind, index))
        return lineno if first is None else first + lineno - 1

    def where(self, step: Step) -> str:
        return (
            f"cell {step.index + 1}"
            if step.kind == "cell"
            else f"inline expression {step.index + 1}"
        )

    # -- the run -----------------------------------------------------------------------------

    def run(self) -> dict:
        global _reading, _guard, _processes
        result: dict[str, Any] = {
            "cells": [],
            "inline": [],
            "claims": [],
            "files": [],
            "status": "ok",
            "error": None,
        }
        # The namespace is the dict of a module registered as __main__ (as Jupyter does), so
        # functions and classes defined in cells can be pickled, e.g. by multiprocessing.
        main_module = types.ModuleType("__main__")
        namespace: dict[str, Any] = main_module.__dict__
        namespace.update({"__builtins__": builtins, "claim": _claims.claim})
        saved_main = sys.modules.get("__main__")
        collector = _claims.Collector(self.locate)
        saved_cwd = os.getcwd()
        saved_path = list(sys.path)
        saved_streams = (sys.stdin, sys.stdout, sys.stderr)
        saved_bytecode = sys.dont_write_bytecode
        previous_collector = _claims.set_collector(collector)
        previous_reading = _reading
        previous_guard = _guard
        previous_processes = _processes
        fds = _FdCapture() if self.capture_fds else None
        own_tempdir = self.tempdir is None
        tempdir = self.tempdir or make_note_tempdir()
        self.scratch = tuple(
            {os.path.abspath(tempdir) + os.sep, os.path.realpath(tempdir) + os.sep}
        )
        saved_tempdir = tempfile.tempdir
        saved_tmpenv = os.environ.get("TMPDIR")
        _install_audit_hook()
        try:
            with warnings.catch_warnings():
                os.environ["MPLBACKEND"] = "Agg"  # for a note that imports matplotlib itself
                warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
                os.chdir(self.workdir)
                sys.path.insert(0, self.workdir)  # notes import helpers next to them, as Jupyter
                sys.dont_write_bytecode = True  # no __pycache__ written into the vault
                sys.stdin = io.StringIO("")  # input() fails at once instead of hanging
                sys.stdout = _Writer(self, "stdout", 1)
                sys.stderr = _Writer(self, "stderr", 2)
                sys.modules["__main__"] = main_module
                _fresh_state()
                # tempfile (and programs the cells start) use the note's own temp folder: a
                # cell may write there and in its note's folder, nowhere else.
                tempfile.tempdir = tempdir
                os.environ["TMPDIR"] = tempdir
                _guard = _WriteGuard([self.workdir, tempdir, *_cache_dirs()])
                if self.process_limit is not None:
                    _processes = _ProcessBudget(self.process_limit)
                _reading = self.opened
                for step in self.steps:
                    if self.progress is not None:
                        self.progress(f"starting {step.kind} {step.index}")
                    self.listener.step_started(step)
                    before = len(collector.records)
                    if step.kind == "cell":
                        entry, exc = self.run_cell(step, namespace, fds)
                    else:
                        entry, exc = self.run_inline(step, namespace, fds)
                    new_claims = collector.records[before:]
                    claim_dicts = [c.as_dict() for c in new_claims]
                    result["cells" if step.kind == "cell" else "inline"].append(entry)
                    result["claims"].extend(claim_dicts)
                    self.listener.step_finished(step, entry, claim_dicts, self.new_files())
                    failed_claim = next((c for c in new_claims if not c.passed), None)
                    if exc is not None:
                        self.failure = exc
                        error = entry["error"]
                        result["error"] = {k: error[k] for k in ("message", "line", "cell")}
                    elif failed_claim is not None:
                        result["error"] = {
                            "message": failed_claim.failure_message(),
                            "line": failed_claim.line,
                            "cell": failed_claim.cell,
                        }
                    if result["error"] is not None:
                        result["status"] = "error"
                        break  # as Quarto: nothing after a failure runs
        finally:
            _reading = previous_reading
            _guard = previous_guard
            budget, _processes = _processes, previous_processes
            if budget is not previous_processes and budget is not None:
                budget.close()
            tempfile.tempdir = saved_tempdir
            if saved_tmpenv is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = saved_tmpenv
            if own_tempdir:
                shutil.rmtree(tempdir, ignore_errors=True)
            _claims.set_collector(previous_collector)
            if saved_main is not None:
                sys.modules["__main__"] = saved_main
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            sys.dont_write_bytecode = saved_bytecode
            sys.path[:] = saved_path
            os.chdir(saved_cwd)
            if fds is not None:
                fds.close()
        self.new_files()
        result["files"] = sorted(self.files)
        return result

    def new_files(self) -> list[str]:
        fresh = self.opened - self.reported
        self.reported |= fresh
        if self.scratch:  # the note's temp folder is emptied after every run: no input there
            fresh = {path for path in fresh if not path.startswith(self.scratch)}
        found = sorted(_dependency_files(fresh))
        self.files.update(found)
        return found

    def run_cell(
        self, step: Step, namespace: dict, fds: _FdCapture | None
    ) -> tuple[dict, BaseException | None]:
        entry: dict[str, Any] = {"index": step.index, "outputs": [], "error": None}
        if not flag(step.options, "eval", True):
            return entry, None
        filename = f"<cell {step.index}>"
        _register_source(filename, step.source)
        self.streams = _Streams()
        outputs: list[dict] = []
        exc: BaseException | None = None
        _prepare_matplotlib(full_reset=False)
        try:
            tree = ast.parse(step.source, filename)
            self.trees[step.index] = tree
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, filename, "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
                # As Jupyter, `x;` shows nothing; a claim is shown as its badge, not as `True`.
                if not _ends_with_semicolon(step.source) and not _is_claim_call(last.value):
                    outputs.extend(self.display(value))
        except BaseException as caught:
            if isinstance(caught, KeyboardInterrupt) and not self.capture_fds:
                raise  # in-process (tests): Ctrl-C stops the caller, not just the cell
            exc = caught
        if self.capture_fds and os.getpid() != self.pid:
            os._exit(0)  # a process the cell forked must not go on running the note
        keep = flag(step.options, "output", True)
        try:
            figures = _take_figures(keep=keep)  # closed either way: the next cell starts clean
        except BaseException as caught:
            figures = []
            if exc is None:
                exc = caught
        if fds is not None:
            fds.drain(self.streams)
        error_output: list[dict] = []
        if exc is not None:
            message, line, text = self.describe(exc, step)
            if flag(step.options, "error", False):  # Quarto's `error: true`: show and go on
                error_output = [{"type": "error", "text": text}]
                exc = None
            else:
                entry["error"] = {
                    "message": message,
                    "line": line,
                    "cell": step.index,
                    "traceback": text,
                }
        if keep:
            entry["outputs"] = self.streams.outputs() + error_output + outputs + figures
        return entry, exc

    def run_inline(
        self, step: Step, namespace: dict, fds: _FdCapture | None
    ) -> tuple[dict, BaseException | None]:
        entry: dict[str, Any] = {"index": step.index, "text": None, "error": None}
        filename = f"<inline {step.index}>"
        source = step.source.strip()
        _register_source(filename, source)
        self.streams = _Streams()  # whatever an inline expression prints is not shown
        exc: BaseException | None = None
        try:
            entry["text"] = _truncate(str(eval(compile(source, filename, "eval"), namespace)))
        except BaseException as caught:
            if isinstance(caught, KeyboardInterrupt) and not self.capture_fds:
                raise
            exc = caught
        if fds is not None:
            fds.drain(self.streams)
        if exc is not None:
            message, line, text = self.describe(exc, step)
            entry["error"] = {"message": message, "line": line, "cell": None, "traceback": text}
        return entry, exc

    def display(self, value: Any) -> list[dict]:
        """What Jupyter shows for a cell's last expression."""
        if value is None:
            return []
        mpl_figure = sys.modules.get("matplotlib.figure")
        if mpl_figure is not None and isinstance(value, mpl_figure.Figure):
            plt = sys.modules.get("matplotlib.pyplot")
            if plt is not None and getattr(value, "number", None) in plt.get_fignums():
                return []  # shown once, with the cell's other open figures
            return [{"type": "figure", "svg": _svg(value)}]
        text = _truncate(_ADDRESS.sub(">", repr(value)))
        html = None
        repr_html = getattr(value, "_repr_html_", None)
        if callable(repr_html) and not isinstance(value, type):
            try:
                produced = repr_html()
                html = None if produced is None else _truncate(str(produced))
            except Exception:  # as Jupyter: a broken formatter falls back to the plain repr
                html = None
        return [{"type": "result", "text": text, "html": html}]

    # -- errors ------------------------------------------------------------------------------

    def describe(self, exc: BaseException, step: Step) -> tuple[str, int, str]:
        """(one-line message naming the cell and md line, md line, traceback text)."""
        kind, index, lineno = _innermost_cell_frame(exc)
        line = self.locate(kind, index, lineno) if kind else step.line
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        if isinstance(exc, SyntaxError):
            detail = f"{type(exc).__name__}: {exc.msg}"
        if isinstance(exc, AssertionError):
            detail = self.assert_detail(exc, kind, index, lineno)
        detail = _ADDRESS.sub(">", detail)
        message = f"{self.where(step)} (line {line}): {detail}"
        return message, line, _ADDRESS.sub(">", self.format_traceback(exc))

    def assert_detail(self, exc: AssertionError, kind: str, index: int, lineno: int) -> str:
        text = str(exc)
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        source_text = None
        # Only when the assert itself is in a cell (not in a library the cell called).
        if kind == "cell" and tb is not None and _CELL_FILE.match(tb.tb_frame.f_code.co_filename):
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
        """The traceback from the first cell frame on, with cells shown as lines of the note."""
        try:
            tb = exc.__traceback__
            while tb is not None and not _CELL_FILE.match(tb.tb_frame.f_code.co_filename):
                tb = tb.tb_next  # the kernel's own frames say nothing to the note's author
            te = traceback.TracebackException(type(exc), exc, tb, compact=True)
            self.remap(te, set())
            return "".join(te.format())
        except Exception:
            return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))

    def remap(self, te: traceback.TracebackException, seen: set[int]) -> None:
        if id(te) in seen:
            return
        seen.add(id(te))
        for i, frame in enumerate(te.stack):
            match = _CELL_FILE.match(frame.filename)
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
            match = _CELL_FILE.match(te.filename or "")
            if match and te.lineno is not None:
                delta = self.locate(match.group(1), int(match.group(2)), 1) - 1
                te.filename = self.note_path
                te.lineno = int(te.lineno) + delta
                if te.end_lineno is not None:
                    te.end_lineno = int(te.end_lineno) + delta
        for chained in (te.__cause__, te.__context__):
            if chained is not None:
                self.remap(chained, seen)


# -- output capture ---------------------------------------------------------------------------


class _Streams:
    """stdout/stderr of one step in order of appearance, each stream capped at OUTPUT_LIMIT."""

    def __init__(self) -> None:
        self.chunks: list[tuple[str, list[str]]] = []
        self.kept = {"stdout": 0, "stderr": 0}
        self.dropped = {"stdout": 0, "stderr": 0}

    def write(self, name: str, text: str, dropped: int = 0) -> None:
        self.dropped[name] += dropped
        if not text:
            return
        room = OUTPUT_LIMIT - self.kept[name]
        if room <= 0:
            self.dropped[name] += len(text.encode("utf-8", "surrogateescape"))
            return
        if len(text) * 4 > room:  # may not fit: count bytes exactly
            data = text.encode("utf-8", "surrogateescape")
            if len(data) > room:
                text = data[:room].decode("utf-8", "ignore")
                kept = len(text.encode("utf-8", "surrogateescape"))
                self.dropped[name] += len(data) - kept
                self.kept[name] = OUTPUT_LIMIT
            else:
                self.kept[name] += len(data)
        else:
            self.kept[name] += len(text.encode("utf-8", "surrogateescape"))
        if self.chunks and self.chunks[-1][0] == name:
            self.chunks[-1][1].append(text)
        else:
            self.chunks.append((name, [text]))

    def outputs(self) -> list[dict]:
        items = [{"type": name, "text": "".join(parts)} for name, parts in self.chunks]
        for name, dropped in self.dropped.items():
            if not dropped:
                continue
            last = next((item for item in reversed(items) if item["type"] == name), None)
            if last is None:
                last = {"type": name, "text": ""}
                items.append(last)
            sep = "" if not last["text"] or last["text"].endswith("\n") else "\n"
            last["text"] += f"{sep}[... output truncated: {dropped} bytes not shown]\n"
        return items


class _BytesWriter:
    """`sys.stdout.buffer` for code that writes bytes."""

    def __init__(self, text: _Writer) -> None:
        self._text = text

    def write(self, data: bytes) -> int:
        self._text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return self._text.fileno()


class _Writer(io.TextIOBase):
    """sys.stdout/sys.stderr during a run: appends to the running step's streams."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, run: NoteRun, name: str, fd: int) -> None:
        self._run = run
        self._name = name
        self._fd = fd
        self.buffer = _BytesWriter(self)

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._run.streams.write(self._name, text)
        return len(text)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fd  # e.g. subprocess(stdout=sys.stdout): lands in the fd capture


class _FdCapture:
    """Descriptors 0-2 of the process: stdin from /dev/null, 1 and 2 into unlinked temp files.

    Catches what C code and subprocesses write; read back (at most OUTPUT_LIMIT) after each step.
    """

    def __init__(self) -> None:
        import fcntl
        import tempfile

        self.saved = {fd: os.dup(fd) for fd in (0, 1, 2)}
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        self.files: dict[int, int] = {}
        for fd in (1, 2):
            handle, path = tempfile.mkstemp(prefix="hortus-out-")
            os.unlink(path)
            # O_APPEND: writers sharing the descriptor keep writing at the end after truncation.
            fcntl.fcntl(handle, fcntl.F_SETFL, fcntl.fcntl(handle, fcntl.F_GETFL) | os.O_APPEND)
            os.dup2(handle, fd)
            self.files[fd] = handle

    def drain(self, streams: _Streams) -> None:
        for fd, name in ((1, "stdout"), (2, "stderr")):
            handle = self.files[fd]
            size = os.fstat(handle).st_size
            if not size:
                continue
            data = os.pread(handle, min(size, OUTPUT_LIMIT), 0)
            os.ftruncate(handle, 0)
            streams.write(name, data.decode("utf-8", "replace"), dropped=size - len(data))

    def close(self) -> None:
        for fd, saved in self.saved.items():
            os.dup2(saved, fd)
            os.close(saved)
        for handle in self.files.values():
            os.close(handle)


def _truncate(text: str) -> str:
    if len(text) <= OUTPUT_LIMIT:
        return text
    dropped = len(text[OUTPUT_LIMIT:].encode("utf-8", "surrogateescape"))
    return text[:OUTPUT_LIMIT] + f"\n[... output truncated: {dropped} bytes not shown]"


def _is_claim_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id == "claim")
        or (isinstance(node.func, ast.Attribute) and node.func.attr == "claim")
    )


def _ends_with_semicolon(source: str) -> bool:
    skip = {tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    for token in reversed(tokens):
        if token.type == tokenize.ENDMARKER or token.type in skip:
            continue
        return token.type == tokenize.OP and token.string == ";"
    return False


def _register_source(filename: str, source: str) -> None:
    # Tracebacks and assert messages read cell lines through linecache, as for files.
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)


def _innermost_cell_frame(exc: BaseException) -> tuple[str, int, int]:
    found: tuple[str, int, int] = ("", -1, 0)
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        match = _CELL_FILE.match(exc.filename)
        if match:
            return match.group(1), int(match.group(2)), int(exc.lineno)
    tb: types.TracebackType | None = exc.__traceback__
    while tb is not None:
        match = _CELL_FILE.match(tb.tb_frame.f_code.co_filename)
        if match:
            found = (match.group(1), int(match.group(2)), tb.tb_lineno)
        tb = tb.tb_next
    return found


# -- matplotlib --------------------------------------------------------------------------------


def _no_show(*args: Any, **kwargs: Any) -> None:
    """plt.show(): figures are collected at the end of each cell instead."""


def _prepare_matplotlib(full_reset: bool) -> None:
    """Agg backend, deterministic SVG settings, and a no-op plt.show(), if matplotlib is loaded."""
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return
    if full_reset:
        mpl.rcdefaults()  # matplotlib's defaults, not a matplotlibrc found on this machine
    if full_reset or mpl.rcParams["svg.hashsalt"] != SVG_HASHSALT:
        # Glyphs as paths: the page does not depend on the reader's fonts.
        mpl.rcParams["svg.fonttype"] = "path"
        mpl.rcParams["svg.hashsalt"] = SVG_HASHSALT
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        if full_reset:
            plt.close("all")
        if plt.show is not _no_show:
            plt.show = _no_show
        if plt.get_backend().lower() != "agg":
            plt.switch_backend("agg")


def _take_figures(keep: bool) -> list[dict]:
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return []
    try:
        nums = plt.get_fignums()
        if not nums:
            return []
        _prepare_matplotlib(full_reset=False)
        return [{"type": "figure", "svg": _svg(plt.figure(n))} for n in nums] if keep else []
    finally:
        plt.close("all")


def _svg(figure: Any) -> str:
    mpl = sys.modules["matplotlib"]
    mpl.rcParams["svg.hashsalt"] = SVG_HASHSALT
    buffer = io.StringIO()
    # No date in the metadata: the same figure gives the same bytes on any day.
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _fresh_state() -> None:
    """What a fresh interpreter would give a note, plus fixed seeds for reproducible pages."""
    random.seed(0)
    np = sys.modules.get("numpy")
    if np is not None:
        np.random.seed(0)
    _prepare_matplotlib(full_reset=True)


# -- files the cells read, and where they may write ---------------------------------------------

# The set the audit hook adds to while a note runs; None otherwise.
_reading: set[str] | None = None
_hook_installed = False


def _audit(event: str, args: tuple) -> None:
    # Called for every audited event in the process: keep the common path short. Only the
    # guards below raise, and only to refuse what a cell asked for.
    if event == "open" and _reading is not None:
        _record_read(args)
    guard = _guard
    if guard is not None:
        targets = _WRITE_EVENTS.get(event)
        if targets is not None:
            guard.check(targets, args)
    if event in _PROCESS_EVENTS:
        budget = _processes
        if budget is not None:
            budget.take()


def _record_read(args: tuple) -> None:
    try:
        path, _mode, flags = args
        if isinstance(path, int) or path is None or _reading is None:
            return
        if isinstance(flags, int) and (flags & os.O_ACCMODE == os.O_WRONLY or flags & os.O_TRUNC):
            return  # written, not read: not something the results depend on
        _reading.add(os.path.abspath(os.fsdecode(path)))
    except Exception:
        pass


def _install_audit_hook() -> None:
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)  # cannot be removed; inert while no note runs
        _hook_installed = True


# A target is (path or fd, dir_fd, entry): `entry` when the operation acts on the directory
# entry itself (remove, rename, mkdir: a symlink there is not followed), else on the file.
_Target = tuple[Any, Any, bool]
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# Devices a cell may always open for writing (stdout and stderr resolve to the capture files).
_DEVICES = frozenset({os.devnull, "/dev/stdout", "/dev/stderr"})


def _opened_for_writing(args: tuple) -> tuple[_Target, ...]:
    path, mode, flags = args
    if path is None or isinstance(path, int):
        return ()  # a descriptor that is already open was checked when it was opened
    writes = (isinstance(flags, int) and flags & _WRITE_FLAGS) or (
        isinstance(mode, str) and any(c in mode for c in "wax+")
    )
    return ((path, None, False),) if writes else ()


# Audit events (https://docs.python.org/3/library/audit_events.html) that create, change or
# remove files, and the paths each one touches.
_WRITE_EVENTS: dict[str, Callable[[tuple], tuple[_Target, ...]]] = {
    "open": _opened_for_writing,
    "os.remove": lambda a: ((a[0], a[1], True),),
    "os.rmdir": lambda a: ((a[0], a[1], True),),
    "os.mkdir": lambda a: ((a[0], a[2], True),),
    "os.rename": lambda a: ((a[0], a[2], True), (a[1], a[3], True)),
    # A hard link to a file outside would let a later write in the folder change that file.
    "os.link": lambda a: ((a[0], a[2], False), (a[1], a[3], True)),
    "os.symlink": lambda a: ((a[1], a[2], True),),
    # ftruncate needs a descriptor open for writing, which was checked when it was opened.
    "os.truncate": lambda a: () if isinstance(a[0], int) else ((a[0], None, False),),
    "os.chmod": lambda a: ((a[0], a[2], False),),
    "os.chown": lambda a: ((a[0], a[3], False),),
    "os.utime": lambda a: ((a[0], a[3], False),),
    "os.chflags": lambda a: ((a[0], None, False),),
    "os.lchflags": lambda a: ((a[0], None, True),),
    "os.setxattr": lambda a: ((a[0], None, False),),
    "os.removexattr": lambda a: ((a[0], None, False),),
    # Refused before anything is removed or copied, rather than halfway through.
    "shutil.rmtree": lambda a: ((a[0], a[1], True),),
    "shutil.copytree": lambda a: ((a[1], None, False),),
    "shutil.move": lambda a: ((a[0], None, True), (a[1], None, False)),
    "shutil.unpack_archive": lambda a: () if a[1] is None else ((a[1], None, False),),
}


class _WriteGuard:
    """Refuses, with PermissionError inside the cell, a write outside the given folders.

    Cells share the process with nothing else, so this is a guard against a note that writes
    where it should not (`../x`, an absolute path, a removal), not a sandbox: a program the
    cell starts is not watched."""

    def __init__(self, roots: list[str]) -> None:
        self.roots = tuple(sorted({os.path.realpath(r).rstrip(os.sep) + os.sep for r in roots}))

    def check(self, targets: Callable[[tuple], tuple[_Target, ...]], args: tuple) -> None:
        try:
            found = targets(args)
        except (IndexError, TypeError, ValueError):
            return  # not arguments this version knows: the call itself will complain
        for path, dir_fd, entry in found:
            try:
                if not isinstance(path, int) and os.fsdecode(os.fspath(path)) in _DEVICES:
                    continue
                real = _real_target(path, dir_fd, entry)
            except (TypeError, ValueError):
                continue  # not a path at all: the call will fail by itself
            except OSError:
                real = None  # e.g. the working folder is gone
            if real is None or not (real + os.sep).startswith(self.roots):
                raise PermissionError(
                    errno.EACCES,
                    "write refused: a cell may write only in its note's folder "
                    "and in tempfile.gettempdir()",
                    real or _shown(path),
                )


def _shown(path: Any) -> str:
    if isinstance(path, int):
        return f"file descriptor {path}"
    try:
        return os.fsdecode(os.fspath(path))
    except TypeError:
        return repr(path)


def _real_target(path: Any, dir_fd: Any, entry: bool) -> str | None:
    """The absolute path, symlinks resolved, that an operation on `path` changes; None when
    it cannot be told (a descriptor whose file is unknown)."""
    if isinstance(path, int):
        return _fd_path(path)
    name = os.fsdecode(os.fspath(path))
    if not os.path.isabs(name):
        if isinstance(dir_fd, int) and dir_fd >= 0:  # -1 and None: the working directory
            base = _fd_path(dir_fd)
            if base is None:
                return None
            name = os.path.join(base, name)
        else:
            name = os.path.join(os.getcwd(), name)
    # realpath, not abspath: `link/../x` is where the link points, then up, as the OS sees it.
    head, tail = os.path.split(name)
    if entry and tail not in ("", ".", ".."):
        return os.path.join(os.path.realpath(head), tail)
    return os.path.realpath(name)


def _fd_path(fd: int) -> str | None:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass
    try:
        import fcntl

        getpath = getattr(fcntl, "F_GETPATH", None)  # macOS
        if getpath is not None:
            return os.fsdecode(fcntl.fcntl(fd, getpath, bytes(1024)).rstrip(b"\0"))
    except OSError:
        pass
    return None


# The guard of the note being run; None otherwise.
_guard: _WriteGuard | None = None


# -- processes the cells start -------------------------------------------------------------------

# Events of a new process. Not `os.exec`: it replaces a process that was counted when forked.
_PROCESS_EVENTS = frozenset(
    {"os.fork", "os.forkpty", "subprocess.Popen", "os.posix_spawn", "os.system"}
)


class _ProcessBudget:
    """At most `limit` processes of one note at a time, the note's own included.

    RLIMIT_NPROC does this for other users but not for root, for whom `while True: os.fork()`
    would go on until the note's timeout. The count lives in anonymous shared memory that every
    process the note forks inherits, so a fork of a fork is counted too; it is not atomic, so
    processes racing for the last places may pass it by a few, which bounds a fork bomb all the
    same. When it reaches the limit, the note's live processes are counted again, so a note
    that runs a command a hundred times, one after the other, is not stopped."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.root = os.getpid()
        self.group = os.getpgrp()
        self.shared = mmap.mmap(-1, 8)  # MAP_SHARED | MAP_ANONYMOUS: one count for all forks
        self.add(1)

    def count(self) -> int:
        return int.from_bytes(self.shared[:8], "little")

    def add(self, n: int) -> None:
        self.shared[:8] = (self.count() + n).to_bytes(8, "little")

    def take(self) -> None:
        if self.count() >= self.limit:
            live = _live_processes(self.root, self.group)
            if live is None or live >= self.limit:
                raise BlockingIOError(
                    errno.EAGAIN,
                    f"too many processes: a note may run {self.limit} at a time",
                )
            self.shared[:8] = live.to_bytes(8, "little")
        self.add(1)

    def close(self) -> None:
        with contextlib.suppress(BufferError, ValueError):
            self.shared.close()


def process_table() -> list[tuple[int, bytes, int, int]] | None:
    """(pid, state, parent pid, process group) of every process now; None without /proc."""
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return None
    table = []
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
            # Fields after the command name, which is in parentheses and may hold anything.
            state, ppid, pgrp = stat[stat.rfind(b")") + 2 :].split()[:3]
            table.append((int(entry.name), state, int(ppid), int(pgrp)))
        except (OSError, ValueError):
            continue  # ended meanwhile
    return table


def _live_processes(root: int, group: int) -> int | None:
    """Processes in the note's process group or descended from its first process, now; None
    without /proc."""
    table = process_table()
    if table is None:
        return None
    children: dict[int, list[int]] = {}
    found: set[int] = set()
    for pid, state, ppid, pgrp in table:
        if state in (b"Z", b"X"):
            continue  # ended, not yet waited for
        children.setdefault(ppid, []).append(pid)
        if pgrp == group:
            found.add(pid)
    seen = {root}
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return len(found | seen)


# The process budget of the note being run; None otherwise.
_processes: _ProcessBudget | None = None


_NOTE_TEMPDIR = re.compile(r"hortus-note-(\d+)-")


def make_note_tempdir() -> str:
    """A fresh temp folder for one note, named with our pid so that the folders of a build
    that was killed (SIGKILL, which leaves no chance to remove them) can be told apart."""
    return tempfile.mkdtemp(prefix=f"hortus-note-{os.getpid()}-")


def clear_stale_note_tempdirs() -> None:
    """Remove the note temp folders of processes that are gone."""
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return
    for entry in entries:
        match = _NOTE_TEMPDIR.match(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(entry.path, ignore_errors=True)
        except (OSError, OverflowError):
            pass  # someone else's process, or not a pid: not ours to judge


def _cache_dirs() -> list[str]:
    """Caches that libraries a note uses keep up to date themselves (matplotlib's TeX and
    font caches)."""
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return []
    try:
        return [mpl.get_cachedir()]
    except Exception:
        return []


@functools.lru_cache(maxsize=1)
def installation_dirs() -> tuple[str, ...]:
    """Folders of Python itself, its packages and hortus: reading them is not a dependency."""
    import site
    import sysconfig

    # The standard library, and hortus itself (it may be an editable install outside them).
    hortus_dir = os.path.dirname(os.path.dirname(_claims.__file__))
    dirs = {os.path.dirname(os.__file__), hortus_dir}
    paths = sysconfig.get_paths()
    dirs.update(paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths)
    try:
        dirs.update(site.getsitepackages())
        dirs.add(site.getusersitepackages())
    except AttributeError:  # some embedded/virtualenv builds lack these
        pass
    dirs.update(p for p in sys.path if "site-packages" in p or "dist-packages" in p)
    if sys.prefix != sys.base_prefix:
        dirs.add(sys.prefix)  # a virtual environment is part of the installation
    result = set()
    for d in dirs:
        if d:
            result.add(os.path.abspath(d))
            result.add(os.path.realpath(d))
    return tuple(sorted(d.rstrip(os.sep) + os.sep for d in result))


def _excluded_dirs() -> tuple[str, ...]:
    dirs = [*installation_dirs(), "/proc/", "/sys/", "/dev/"]
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        try:
            for d in (mpl.get_configdir(), mpl.get_cachedir()):
                dirs.append(os.path.abspath(d).rstrip(os.sep) + os.sep)
        except Exception:
            pass
    return tuple(dirs)


def _dependency_files(paths: set[str]) -> list[str]:
    if not paths:
        return []
    excluded = _excluded_dirs()
    keep = []
    for path in paths:
        if path.startswith(excluded) or f"{os.sep}__pycache__{os.sep}" in path:
            continue
        if os.path.isfile(path):
            keep.append(path)
    return keep
