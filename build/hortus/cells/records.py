"""What the cells stage works on and hands on, as typed records with explicit JSON forms.

A note's run is a list of Steps in; a NoteResult out: per cell what it showed, per inline
expression its value, the claims it checked, the files it read and, when it failed, why. The
JSON forms travel on the worker's pipe and are what the result cache stores: a change of
their shape must raise the cache's format (hortus.cache.results.CACHE_FORMAT).

Standard library only: the worker process imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from hortus.cells.claims import ClaimRecord
from hortus.cells.provenance import Provenance

# How a note's run ended: every step ran ("ok"), a step or a claim failed ("error"), or the
# process running it was stopped: by its time limit, its memory cap, or a crash.
Status = Literal["ok", "error", "timeout", "memory", "crash"]


@dataclass(frozen=True)
class Step:
    """One thing to run in a note: a cell or an inline expression."""

    kind: Literal["cell", "inline"]
    index: int  # cell number (0-based) or inline-expression number, per kind
    source: str  # cell code without its `#|` lines, or the inline expression
    line: int  # 1-based line in the .md file of the first line of `source`
    options: dict[str, Any] = field(default_factory=dict)  # the cell's `#|` options; {} inline

    @property
    def name(self) -> str:
        """How messages name the step: `cell 2`, `inline expression 1` (counted from 1)."""
        return (
            f"cell {self.index + 1}"
            if self.kind == "cell"
            else f"inline expression {self.index + 1}"
        )

    @property
    def filename(self) -> str:
        """The file name its code is compiled under (claims.STEP_FILENAME reads it back)."""
        return f"<{self.kind} {self.index}>"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "index": self.index,
            "source": self.source,
            "line": self.line,
            "options": self.options,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Step:
        return cls(
            kind=data["kind"],
            index=int(data["index"]),
            source=data["source"],
            line=int(data["line"]),
            options=dict(data.get("options") or {}),
        )


@dataclass(frozen=True)
class NoteJob:
    """A note to run."""

    note_path: str  # vault-relative, for messages
    workdir: str  # absolute folder of the note: the cells' working directory
    steps: list[Step]  # in document order
    timeout: float  # seconds for the whole note
    memory_mb: int | None = None  # the note's own memory cap (`cell-memory-mb:`); None: the site's
    checkpoints: str | None = None  # the folder of its checkpoints (hortus.cells.checkpoints)
    checkpoint_keys: list[str | None] = field(default_factory=list)  # per step; None: not kept
    resume: int = 0  # steps done by the checkpoint the run goes on from; 0: from the top

    def to_json(self) -> dict[str, Any]:
        return {
            "note_path": self.note_path,
            "workdir": self.workdir,
            "steps": [step.to_json() for step in self.steps],
            "timeout": self.timeout,
            "note_memory_mb": self.memory_mb,
            "checkpoints": self.checkpoints,
            "checkpoint_keys": list(self.checkpoint_keys),
            "resume": self.resume,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NoteJob:
        steps = [Step.from_json(step) for step in data["steps"]]
        memory = data.get("note_memory_mb")
        return cls(
            data["note_path"],
            data["workdir"],
            steps,
            float(data["timeout"]),
            None if memory is None else int(memory),
            data.get("checkpoints"),
            list(data.get("checkpoint_keys") or []),
            int(data.get("resume") or 0),
        )


# -- what a cell shows -------------------------------------------------------------------------


StreamName = Literal["stdout", "stderr"]


@dataclass(frozen=True)
class StreamOutput:
    """Text the cell printed, one run of a stream between writes to the other."""

    name: StreamName  # the stream
    text: str  # what was written, truncated with a notice past the output limit

    def to_json(self) -> dict[str, Any]:
        return {"type": self.name, "text": self.text}


@dataclass(frozen=True)
class ErrorOutput:
    """The traceback of a cell with `#| error: true`, shown in place of failing the note."""

    text: str  # the traceback, with the cell's lines as lines of the note

    def to_json(self) -> dict[str, Any]:
        return {"type": "error", "text": self.text}


@dataclass(frozen=True)
class ValueOutput:
    """A value the cell showed (its last expression, or display()) as text or HTML, as
    Jupyter shows it."""

    text: str  # its repr (as IPython prints it), memory addresses removed
    html: str | None  # what its `_repr_html_` gave, if it has one that worked

    def to_json(self) -> dict[str, Any]:
        return {"type": "result", "text": self.text, "html": self.html}


@dataclass
class FigureOutput:
    """A matplotlib figure: shown by plt.show() or display(), left open, or the cell's value."""

    svg: str  # the figure, as deterministic SVG
    url: str = ""  # where the site wrote the SVG; set by the site stage before pages render

    def to_json(self) -> dict[str, Any]:
        return {"type": "figure", "svg": self.svg, "url": self.url}


@dataclass(frozen=True)
class MarkdownOutput:
    """Markdown for the page: a value's `_repr_markdown_`, or what a cell with `output: asis`
    printed. The page renders it with the note's own parser."""

    text: str  # the Markdown

    @property
    def markdown(self) -> str:
        return self.text

    def to_json(self) -> dict[str, Any]:
        return {"type": "markdown", "text": self.text}


@dataclass(frozen=True)
class LatexOutput:
    """A value's `_repr_latex_` (sympy, IPython's Math): typeset with KaTeX as the note's math."""

    text: str  # the LaTeX, with its `$`/`$$` delimiters as the value gave them

    @property
    def markdown(self) -> str:
        """The LaTeX as Markdown math: `\\[...\\]` and a bare `\\begin{...}` environment are
        display math, as MathJax reads them in Jupyter; text with `$` math stays as it is."""
        text = self.text.strip()
        if text.startswith("\\[") and text.endswith("\\]"):
            return f"$${text[2:-2]}$$"
        if text.startswith("\\(") and text.endswith("\\)"):
            return f"${text[2:-2]}$"
        if "$" not in text:
            return f"$${text}$$"
        return text

    def to_json(self) -> dict[str, Any]:
        return {"type": "latex", "text": self.text}


ImageType = Literal["image/svg+xml", "image/png", "image/jpeg"]
IMAGE_TYPES: tuple[ImageType, ...] = ("image/svg+xml", "image/png", "image/jpeg")


@dataclass
class ImageOutput:
    """A value's `_repr_svg_`, `_repr_png_` or `_repr_jpeg_`, written as a file of the site."""

    mime: ImageType  # what kind of image
    data: str  # SVG text, or the PNG or JPEG bytes in base64
    url: str = ""  # where the site wrote it; set by the site stage before pages render

    def to_json(self) -> dict[str, Any]:
        return {"type": "image", "mime": self.mime, "data": self.data, "url": self.url}


Output = (
    StreamOutput
    | ErrorOutput
    | ValueOutput
    | FigureOutput
    | MarkdownOutput
    | LatexOutput
    | ImageOutput
)


def output_from_json(data: dict[str, Any]) -> Output:
    kind = data["type"]
    if kind in ("stdout", "stderr"):
        return StreamOutput(kind, data["text"])
    if kind == "error":
        return ErrorOutput(data["text"])
    if kind == "result":
        return ValueOutput(data["text"], data.get("html"))
    if kind == "figure":
        return FigureOutput(data["svg"], data.get("url", ""))
    if kind == "markdown":
        return MarkdownOutput(data["text"])
    if kind == "latex":
        return LatexOutput(data["text"])
    if kind == "image" and data.get("mime") in IMAGE_TYPES:
        return ImageOutput(data["mime"], data["data"], data.get("url", ""))
    raise ValueError(f"unknown cell output type {kind!r}")


# -- errors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteError:
    """Why a note failed, as the build reports it."""

    message: str  # one line: where (the step and its .md line) and what went wrong
    line: int | None  # 1-based line in the .md file; None when it cannot be told
    cell: int | None  # 0-based number of the cell it happened in; None in an inline expression

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message, "line": self.line, "cell": self.cell}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NoteError:
        return cls(data["message"], data.get("line"), data.get("cell"))


@dataclass(frozen=True)
class StepError:
    """An exception raised by one step."""

    message: str  # one line, as NoteError.message
    line: int  # 1-based line in the .md file
    cell: int | None  # 0-based cell number; None for an inline expression
    traceback: str  # from the first frame in the note on, with the note's lines

    def for_note(self) -> NoteError:
        return NoteError(self.message, self.line, self.cell)

    def to_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "line": self.line,
            "cell": self.cell,
            "traceback": self.traceback,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> StepError | None:
        if data is None:
            return None
        return cls(data["message"], data["line"], data.get("cell"), data["traceback"])


# -- results -----------------------------------------------------------------------------------


@dataclass
class CellResult:
    """What one cell gave."""

    index: int  # 0-based cell number in the note
    outputs: list[Output] = field(default_factory=list)  # in the order the page shows them
    error: StepError | None = None  # the exception that stopped it; None when it ran

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "outputs": [output.to_json() for output in self.outputs],
            "error": None if self.error is None else self.error.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CellResult:
        outputs = [output_from_json(output) for output in data.get("outputs", [])]
        return cls(int(data["index"]), outputs, StepError.from_json(data.get("error")))


@dataclass
class InlineResult:
    """What one inline expression gave."""

    index: int  # 0-based number of the expression in the note
    text: str | None = None  # its value as `str()` gives it; None when it failed
    error: StepError | None = None  # the exception it raised; None when it ran

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "text": self.text,
            "error": None if self.error is None else self.error.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InlineResult:
        return cls(int(data["index"]), data.get("text"), StepError.from_json(data.get("error")))


StepResult = CellResult | InlineResult


def step_result_from_json(kind: str, data: dict[str, Any]) -> StepResult:
    return CellResult.from_json(data) if kind == "cell" else InlineResult.from_json(data)


@dataclass
class NoteResult:
    """Everything a note's run gave, in the order its steps ran (none after a failure)."""

    status: Status = "ok"
    cells: list[CellResult] = field(default_factory=list)  # one per cell that ran
    inline: list[InlineResult] = field(default_factory=list)  # one per expression that ran
    claims: list[ClaimRecord] = field(default_factory=list)  # every claim, as it was made
    files: list[str] = field(default_factory=list)  # absolute paths the cells read, sorted
    error: NoteError | None = None  # why the note failed; None when status is "ok"
    modules: list[str] = field(default_factory=list)  # top-level modules it imported, sorted
    provenance: Provenance | None = None  # what it was computed with; set by the cells stage

    @classmethod
    def failed(
        cls, status: Status, message: str, cell: int | None = None, line: int | None = None
    ) -> NoteResult:
        """A note that gave nothing: its process could not run it to the end."""
        return cls(status=status, error=NoteError(message, line, cell))

    def add(self, result: StepResult) -> None:
        if isinstance(result, CellResult):
            self.cells.append(result)
        else:
            self.inline.append(result)

    def cell(self, index: int) -> CellResult | None:
        return next((c for c in self.cells if c.index == index), None)

    def inline_value(self, index: int) -> InlineResult | None:
        return next((v for v in self.inline if v.index == index), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "cells": [cell.to_json() for cell in self.cells],
            "inline": [value.to_json() for value in self.inline],
            "claims": [claim.to_json() for claim in self.claims],
            "files": list(self.files),
            "status": self.status,
            "error": None if self.error is None else self.error.to_json(),
            "modules": list(self.modules),
            "provenance": None if self.provenance is None else self.provenance.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NoteResult:
        error = data.get("error")
        provenance = data.get("provenance")
        return cls(
            status=data["status"],
            cells=[CellResult.from_json(c) for c in data.get("cells", [])],
            inline=[InlineResult.from_json(v) for v in data.get("inline", [])],
            claims=[ClaimRecord.from_json(c) for c in data.get("claims", [])],
            files=[str(path) for path in data.get("files", [])],
            error=None if error is None else NoteError.from_json(error),
            modules=[str(name) for name in data.get("modules", [])],
            provenance=None if provenance is None else Provenance.from_json(provenance),
        )


@dataclass(frozen=True)
class NoteClaim(ClaimRecord):
    """A claim with the note that made it, as the claims page and claims.json list it."""

    note: str  # the note's path in the vault
    url: str  # the note's page
    title: str  # the note's title
    provenance: Provenance | None = None  # what the note's results were computed with

    @classmethod
    def made_in(
        cls,
        claim: ClaimRecord,
        note: str,
        url: str,
        title: str,
        provenance: Provenance | None = None,
    ) -> NoteClaim:
        return cls(**claim.to_json(), note=note, url=url, title=title, provenance=provenance)
