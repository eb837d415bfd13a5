"""The interface every place notes run behind, `concurrent.futures`-style:

    NoteExecutor.submit(job) -> Future[NoteResult]      map(jobs) -> [NoteResult], in order

hortus.cells.executors.open_executor picks one from the settings.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from concurrent.futures import Future
from typing import Self

from hortus.cells.progress import NoteProgress
from hortus.cells.records import NoteJob, NoteResult


class NoteExecutor(ABC):
    """Runs notes; `progress` is told as they go."""

    progress: NoteProgress

    @abstractmethod
    def submit(self, job: NoteJob) -> Future[NoteResult]:
        """Start running `job`; its future never raises: a failure is a failed NoteResult."""

    def map(self, jobs: list[NoteJob]) -> list[NoteResult]:
        """Run every job (as many at once as the executor can); their results, in order."""
        if not jobs:
            return []
        self.progress.begin(jobs)
        try:
            futures = [self.submit(job) for job in jobs]
            return [future.result() for future in futures]
        finally:
            self.progress.end()

    @abstractmethod
    def close(self) -> None:
        """Let go of the workers."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
