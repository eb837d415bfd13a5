"""Stage 5, the cells: run the notes' Python cells and inline expressions at build time, each
note in a fresh fork of a warm worker process, and check the claims they make.

execute_notes runs (or takes from the cache) every note that has cells, leaves each note's
NoteResult where the renderer finds it (note_result), reports failed cells and claims, and
returns an ExecutionReport listing every claim of the garden (record_cell_facts notes, as a
note is parsed, whether this stage need read it at all); figure_refs gives a note's
figure numbers for its `@fig-label` references. note_steps, is_cell, cell_header and
inline_expression read a note's cells (Quarto's and knitr's headers and options) and inline
values from its tokens; CellPool runs NoteJobs in worker processes, run_note runs Steps in
this one. `claim` and `display` are what notes call.

Names are loaded on first use: a worker process, a note that imports `claim` and the command
line's start pay only for the modules they use (no Markdown parser in a worker).
"""

from __future__ import annotations

from hortus.facade import lazy_names

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.cells.capture import OUTPUT_LIMIT
    from hortus.cells.claims import ClaimRecord, ClaimWarning, claim, short_repr
    from hortus.cells.crossrefs import figure_refs
    from hortus.cells.display import display
    from hortus.cells.execute import execute_notes, note_result, record_cell_facts
    from hortus.cells.executor import NoteExecutor
    from hortus.cells.executors import open_executor
    from hortus.cells.garden import garden
    from hortus.cells.pool import CellPool
    from hortus.cells.processes import PROCESS_LIMIT
    from hortus.cells.progress import NoteProgress, progress_for
    from hortus.cells.provenance import Provenance
    from hortus.cells.records import (
        CellResult,
        ErrorOutput,
        FigureOutput,
        ImageOutput,
        InlineResult,
        LatexOutput,
        MarkdownOutput,
        NoteClaim,
        NoteError,
        NoteJob,
        NoteResult,
        Output,
        Status,
        Step,
        StepError,
        StreamOutput,
        ValueOutput,
    )
    from hortus.cells.report import ExecutionReport
    from hortus.cells.run import run_note
    from hortus.cells.steps import (
        CellOptionError,
        cell_header,
        inline_expression,
        is_cell,
        note_steps,
    )

_MODULES = {
    "garden": "garden",
    "OUTPUT_LIMIT": "capture",
    "ClaimRecord": "claims",
    "ClaimWarning": "claims",
    "claim": "claims",
    "short_repr": "claims",
    "figure_refs": "crossrefs",
    "display": "display",
    "ExecutionReport": "report",
    "execute_notes": "execute",
    "note_result": "execute",
    "record_cell_facts": "execute",
    "CellPool": "pool",
    "NoteExecutor": "executor",
    "open_executor": "executors",
    "NoteProgress": "progress",
    "progress_for": "progress",
    "PROCESS_LIMIT": "processes",
    "CellResult": "records",
    "ErrorOutput": "records",
    "FigureOutput": "records",
    "ImageOutput": "records",
    "InlineResult": "records",
    "LatexOutput": "records",
    "MarkdownOutput": "records",
    "NoteClaim": "records",
    "NoteError": "records",
    "NoteJob": "records",
    "NoteResult": "records",
    "Provenance": "provenance",
    "Output": "records",
    "Status": "records",
    "Step": "records",
    "StepError": "records",
    "StreamOutput": "records",
    "ValueOutput": "records",
    "run_note": "run",
    "CellOptionError": "steps",
    "cell_header": "steps",
    "inline_expression": "steps",
    "is_cell": "steps",
    "note_steps": "steps",
}

__all__ = [
    "OUTPUT_LIMIT",
    "PROCESS_LIMIT",
    "CellOptionError",
    "CellPool",
    "CellResult",
    "ClaimRecord",
    "ClaimWarning",
    "ErrorOutput",
    "ExecutionReport",
    "FigureOutput",
    "ImageOutput",
    "InlineResult",
    "LatexOutput",
    "MarkdownOutput",
    "NoteClaim",
    "NoteError",
    "NoteExecutor",
    "NoteJob",
    "NoteProgress",
    "NoteResult",
    "Output",
    "Provenance",
    "Status",
    "Step",
    "StepError",
    "StreamOutput",
    "ValueOutput",
    "cell_header",
    "claim",
    "display",
    "execute_notes",
    "figure_refs",
    "garden",
    "inline_expression",
    "is_cell",
    "note_result",
    "note_steps",
    "open_executor",
    "progress_for",
    "record_cell_facts",
    "run_note",
    "short_repr",
]


__getattr__, __dir__ = lazy_names(__name__, _MODULES, __all__)
