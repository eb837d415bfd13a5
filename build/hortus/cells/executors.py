"""Where notes run, behind one `concurrent.futures`-style interface, so the build does not know
(hortus.cells.executor).

    NoteExecutor.submit(job) -> Future[NoteResult]      map(jobs) -> [NoteResult], in order

The local CellPool (hortus.cells.pool, the default) runs notes in this machine's workers; the
DaskExecutor (hortus.cells.distributed, `executor = "dask"`) on a Dask cluster's workers, each
note still in its own process under the same limits. open_executor picks one from the settings.
"""

from __future__ import annotations

from hortus.cells.executor import NoteExecutor
from hortus.cells.progress import NoteProgress, progress_for
from hortus.config import EXECUTORS, Settings
from hortus.diagnostics import BuildError


def open_executor(
    settings: Settings, jobs: int | None = None, progress: NoteProgress | None = None
) -> NoteExecutor:
    """The executor the settings choose (`executor`, `dask-scheduler`), showing its progress
    on stderr as progress_for chooses, unless `progress` is given."""
    progress = progress if progress is not None else progress_for()
    executor = settings.executor
    if executor == "dask":
        from hortus.cells.distributed import DaskExecutor  # dask is loaded only when chosen

        scheduler = settings.dask_scheduler
        if not scheduler:
            raise BuildError(
                '[tool.hortus] executor = "dask" needs dask-scheduler = "tcp://host:8786" '
                "(or `hortus build --executor dask://host:8786`)"
            )
        return DaskExecutor(scheduler, memory_mb=settings.cell_memory_mb, progress=progress)
    if executor != "local":
        raise BuildError(f"unknown executor {executor!r}: one of {', '.join(EXECUTORS)}")
    from hortus.cells.pool import CellPool  # the pool's start-up is paid only when needed

    return CellPool(jobs=jobs, memory_mb=settings.cell_memory_mb, progress=progress)
