"""Math typeset at build time with KaTeX, run by one node process for the whole build.

KaTeX comes from the npm package pinned in the project's package.json
(`npm ci` puts it in node_modules/katex). Formulas written for Obsidian's
MathJax are adapted first (hortus.render.math.mathjax), so what Obsidian shows,
the site shows. With `math-output = "mathml"` the same process runs Temml
(node_modules/temml) instead, for MathML the browser lays out itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from hortus.config import MATH_OUTPUTS
from hortus.render.math import mathjax as mathjax_compat
from hortus.render.math import physics
from hortus.render.math.preamble import parse_preamble

SCRIPT = Path(__file__).with_name("katex_render.cjs")
TEMML_SCRIPT = Path(__file__).with_name("temml_render.cjs")
NOT_FOUND = "KaTeX not found: run `npm ci` in the project folder"
TEMML_NOT_FOUND = 'Temml not found (math-output = "mathml"): run `npm ci` in the project folder'


class KatexError(Exception):
    """KaTeX (or Temml) or node is missing or failed (not a formula it rejects: see
    MathResult.error)."""


@dataclass(frozen=True)
class MathResult:
    html: str | None  # KaTeX's HTML (htmlAndMathml) or Temml's MathML, when it rendered
    error: str | None  # the typesetter's message when it rejected the formula


def _candidates(search_from: Path | None, package: str = "katex") -> Iterator[Path]:
    env = os.environ.get("HORTUS_KATEX_DIR")
    if env and package == "katex":
        yield Path(env)
    # The project being built, then the checkout hortus runs from (editable install).
    for start in (Path(search_from) if search_from else Path.cwd(), Path(__file__).parent):
        start = start.resolve()
        for folder in (start, *start.parents):
            yield folder / "node_modules" / package


def _is_katex(folder: Path) -> bool:
    return (folder / "package.json").is_file() and (folder / "dist" / "katex.js").is_file()


def katex_package_dir(search_from: Path | None = None) -> Path:
    """node_modules/katex (the npm package folder)."""
    env = os.environ.get("HORTUS_KATEX_DIR")
    for folder in _candidates(search_from):
        # HORTUS_KATEX_DIR may name the package, its dist/ or the node_modules above it.
        for guess in (folder, folder.parent, folder / "katex"):
            if _is_katex(guess):
                return guess
        if env and folder == Path(env):
            raise KatexError(f"{NOT_FOUND} (HORTUS_KATEX_DIR={env} holds no KaTeX package)")
    raise KatexError(NOT_FOUND)


def katex_dist_dir(search_from: Path | None = None) -> Path:
    """node_modules/katex/dist: katex.min.css and fonts/ to ship with the site."""
    dist = katex_package_dir(search_from) / "dist"
    if not (dist / "katex.min.css").is_file() or not (dist / "fonts").is_dir():
        raise KatexError(f"{NOT_FOUND} ({dist} has no katex.min.css or fonts/)")
    return dist


def temml_package_dir(search_from: Path | None = None) -> Path:
    """node_modules/temml (the npm package folder), for math-output = "mathml"."""
    for folder in _candidates(search_from, "temml"):
        if (folder / "package.json").is_file() and (folder / "dist" / "temml.cjs").is_file():
            return folder
    raise KatexError(TEMML_NOT_FOUND)


def load_preamble(path: Path) -> dict[str, str]:
    """Macros from a preamble.sty (\\newcommand, \\def, \\DeclareMathOperator, ...)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise KatexError(f"{path}: not valid UTF-8 ({err.reason} at byte {err.start})") from err
    except OSError as err:
        raise KatexError(f"{path}: cannot read ({err.strerror})") from err
    return parse_preamble(text)


def _stop(proc: subprocess.Popen[str], stderr: IO[str]) -> None:
    # Also run by weakref.finalize, so a renderer nobody closed leaves no node behind.
    if proc.poll() is None:
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
    for stream in (proc.stdout, stderr):
        if stream:
            stream.close()


class KatexRenderer:
    """Typesets formulas with KaTeX in one node process, started on first use; with
    output="mathml", with Temml (MathML only, no HTML layout).

    Use as a context manager, or call close(). Calls from several threads take turns.
    """

    def __init__(
        self,
        macros: dict[str, str] | None = None,
        search_from: Path | None = None,
        output: str = "html",
    ) -> None:
        if output not in MATH_OUTPUTS:
            choices = ", ".join(MATH_OUTPUTS)
            raise ValueError(f"math output must be one of {choices}, not {output!r}")
        self.macros = dict(macros or {})  # sent to node with the first formulas
        self._search_from = search_from
        self.output = output
        self.engine = "Temml" if output == "mathml" else "KaTeX"
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: IO[str] | None = None
        self._finalizer: weakref.finalize | None = None
        self._lock = threading.Lock()
        self.version: str | None = None  # the engine's version, once node has answered

    def __enter__(self) -> KatexRenderer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._proc = None
        self._finalizer = None
        self.version = None  # a later formula starts node again

    def launch(self) -> None:
        """Start node now rather than at the first formula: it loads the typesetter while the
        caller does other work. The macros are sent with the first formulas."""
        with self._lock:
            if self._proc is None:
                self._spawn()

    def _spawn(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise KatexError("node not found: install Node.js (18 or newer) to typeset math")
        if self.output == "mathml":
            script, package = TEMML_SCRIPT, temml_package_dir(self._search_from)
        else:
            script, package = SCRIPT, katex_package_dir(self._search_from)
        # stderr goes to a file: a chatty node cannot then fill a pipe and block.
        stderr = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by _stop
        proc = subprocess.Popen(
            [node, str(script), str(package)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            encoding="utf-8",
            bufsize=1 << 16,
        )
        self._proc, self._stderr = proc, stderr
        self._finalizer = weakref.finalize(self, _stop, proc, stderr)

    def _start(self) -> None:
        if self._proc is None:
            self._spawn()
        try:
            ready = self._exchange(
                {
                    "macros": {**mathjax_compat.MACROS, **physics.MACROS, **self.macros},
                    "preamble": mathjax_compat.PREAMBLE + physics.PREAMBLE,
                }
            )
        except BaseException:
            self.close()
            raise
        self.version = ready["ready"]

    def _exchange(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
        except OSError:
            pass  # node has exited; its last words, if any, are on stdout
        line = proc.stdout.readline()
        if not line:
            raise KatexError(f"{self.engine} (node) stopped: {self._node_stderr() or 'no message'}")
        reply = json.loads(line)
        if "fatal" in reply:
            self.close()
            raise KatexError(reply["fatal"])
        return reply

    def _node_stderr(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().strip()[-2000:]

    def render_many(self, items: list[tuple[str, bool]]) -> list[MathResult]:
        """(tex, display_mode) -> result, in the same order; one round trip to node."""
        if not items:
            return []
        labels = mathjax_compat.collect_labels(tex for tex, _ in items)
        # Identical formulas are typeset once; a dict keeps first-seen order.
        unique: dict[tuple[str, bool], int] = {}
        slots = []
        for tex, display in items:
            key = mathjax_compat.adapt(physics.adapt(tex, self.macros), bool(display), labels)
            slots.append(unique.setdefault(key, len(unique)))
        with self._lock:
            if self.version is None:
                self._start()
            reply = self._exchange({"items": list(unique)})
        results = [MathResult(html, error) for html, error in reply["results"]]
        if len(results) != len(unique):
            raise KatexError(f"{self.engine} answered {len(results)} formulas of {len(unique)}")
        return [results[i] for i in slots]
