"""How the build, its workers and the notes' children talk: JSON objects, one a line, on pipes.

build -> worker   a WorkerJob
worker -> build   {"ready": true, "pid": N} once warm, then per job
                  {"progress": {"start"|"done": [kind, index]}} as each step starts and ends,
                  and {"result": NoteResult} at the end
child -> worker   {"start": [kind, index]} before a step,
                  {"done": {"kind", "entry", "claims", "files"}} after it (its StepResult,
                  its ClaimRecords and the new files it read),
                  {"end": {"status", "error"}} when the note is done, or
                  {"fatal": traceback} when hortus itself failed in the child.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from hortus.cells.records import NoteJob


@dataclass(frozen=True)
class WorkerJob:
    """A note for a worker, with the limits it runs under."""

    job: NoteJob  # the note
    memory_mb: int | None  # memory the note may hold beyond the warm worker's; None: no cap
    nproc: int | None  # RLIMIT_NPROC for the note's processes; None: left as it is
    tempdir: str | None  # the note's temp folder, made by the build; None: the worker makes one

    def to_json(self) -> dict[str, Any]:
        return {
            **self.job.to_json(),
            "memory_mb": self.memory_mb,
            "nproc": self.nproc,
            "tempdir": self.tempdir,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkerJob:
        return cls(
            NoteJob.from_json(data),
            data.get("memory_mb"),
            data.get("nproc"),
            data.get("tempdir"),
        )


def send(fd: int, message: dict[str, Any]) -> None:
    """Write one message to `fd`, whole."""
    data = memoryview((json.dumps(message, default=str) + "\n").encode())
    while data:
        written = os.write(fd, data)
        data = data[written:]


class LineReader:
    """Lines of a pipe, as its bytes arrive in chunks."""

    def __init__(self) -> None:
        self.pending = bytearray()

    def feed(self, data: bytes) -> None:
        self.pending += data

    def pop(self) -> bytes | None:
        """The next complete line, without its newline; None until one has arrived."""
        newline = self.pending.find(b"\n")
        if newline < 0:
            return None
        line = bytes(self.pending[:newline])
        del self.pending[: newline + 1]
        return line
