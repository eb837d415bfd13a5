"""Notes' cells on a Dask cluster: the worker's side (hortus.cells.distributed is the build's).

run_note_task is the task: it runs the note through a CellPool kept by the worker process
(one hortus worker per Dask thread, warm across notes), in the vault's own folder when the
worker sees it, else in an unpacked copy of the folder the build sent, whose paths in the
result are put back as the build's. It tells the build each step as it starts and ends (a
Dask event), and records each attempt in a Dask Variable, so that the third attempt at a
note whose workers died twice fails it instead of running it again.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import io
import json
import os
import shutil
import tarfile
import threading
from pathlib import Path
from typing import Any

from hortus.cells.progress import NoteProgress
from hortus.cells.records import NoteJob, NoteResult
from hortus.cells.sandbox import make_note_tempdir
from hortus.version import __version__

# Attempts at a note whose workers died: the first, and one more.
ATTEMPTS = 2

_pool_lock = threading.Lock()
_pool: Any = None  # this worker process's CellPool, made by the first note


def run_note_task(job_json: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """Run one note on this Dask worker: {"result": NoteResult JSON}, or {"ship": true} when
    this worker cannot see the note's folder and the build must send it."""
    import distributed

    job = NoteJob.from_json(job_json)
    if context.get("hortus") != __version__:
        message = (
            f"the Dask worker runs hortus {__version__}, the build {context.get('hortus')}: "
            "install the same hortus on the workers"
        )
        return {"result": NoteResult.failed("crash", message).to_json()}
    folder = context.get("folder")
    if folder is None and not sees_note(job, str(context.get("digest", ""))):
        return {"ship": True}
    worker = distributed.get_worker()
    attempts = distributed.Variable(f"hortus-attempts-{context['name']}")
    tried: list[dict[str, Any]] = list(attempts.get(timeout=30))
    if len(tried) >= ATTEMPTS:
        return {"result": attempts_failure(tried).to_json()}
    tried.append({"worker": worker.address})
    attempts.set(tried)
    listener = TaskProgress(worker, context, attempts, tried)
    worker.log_event(context["topic"], {"name": context["name"], "event": "begin"})
    pool = _local_pool(worker.state.nthreads)
    if folder is None:
        return {"result": pool.run(job, listener).to_json()}
    copy = make_note_tempdir()
    try:
        unpack_folder(folder, copy)
        # A copy of the folder: the build's checkpoints are not on this machine.
        shipped = dataclasses.replace(job, workdir=copy, checkpoints=None, resume=0)
        result = pool.run(shipped, listener)
        return {"result": map_paths(result.to_json(), copy, job.workdir)}
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def sees_note(job: NoteJob, digest: str) -> bool:
    """Whether this machine has the note's folder at the build's path, with the same note."""
    path = Path(job.workdir) / Path(job.note_path).name
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False


def unpack_folder(data: bytes, target: str) -> None:
    """Unpack a folder the build sent (pack_folder's tar) into `target`."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(target, filter="data")  # nothing lands outside `target`
        else:  # Python before 3.11.4: check by hand
            root = os.path.realpath(target)
            for member in tar.getmembers():
                where = os.path.realpath(os.path.join(root, member.name))
                if not (member.isfile() or member.isdir()) or not where.startswith(root + os.sep):
                    raise ValueError(f"unsafe entry in the note's folder: {member.name}")
            tar.extractall(target)  # every entry checked above


def map_paths(result: dict[str, Any], copy: str, workdir: str) -> dict[str, Any]:
    """The result with the copy's paths (files read, tracebacks, printed paths) as the
    build's, so that it reads as if the note had run in its own folder."""
    text = json.dumps(result)
    for old, new in ((copy, workdir), (os.path.realpath(copy), workdir)):
        text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
    return json.loads(text)


def attempts_failure(tried: list[dict[str, Any]]) -> NoteResult:
    """The failure of a note whose workers died: where it was, and which workers were lost."""
    last = tried[-1] if tried else {}
    workers = ", ".join(str(attempt.get("worker")) for attempt in tried) or "unknown"
    where = f" {last['where']}" if last.get("where") else ""
    times = "twice" if len(tried) >= 2 else "once"
    message = (
        f"the Dask worker running the note died{where} ({times}; workers {workers}); "
        "a note whose worker dies is run once more, then fails"
    )
    return NoteResult.failed("crash", message, last.get("cell"), last.get("line"))


class TaskProgress(NoteProgress):
    """Tells the build each step of the note, and keeps the step started last in the note's
    attempts record, for the message should this worker die."""

    def __init__(
        self, worker: Any, context: dict[str, Any], attempts: Any, tried: list[dict[str, Any]]
    ) -> None:
        self.worker = worker
        self.topic = context["topic"]
        self.name = context["name"]
        self.attempts = attempts
        self.tried = tried

    def step(self, job: NoteJob, event: str, kind: str, index: int) -> None:
        message = {"name": self.name, "event": event, "step": [kind, index]}
        self.worker.log_event(self.topic, message)
        if event == "start":
            found = next((s for s in job.steps if (s.kind, s.index) == (kind, index)), None)
            if found is not None:
                cell = index if kind == "cell" else None
                where = f"in {found.name} (line {found.line})"
                self.tried[-1].update(where=where, line=found.line, cell=cell)
                self.attempts.set(self.tried)


def _local_pool(threads: int) -> Any:
    """This worker process's CellPool: one hortus worker per Dask thread, memory capped by
    each note's job, stopped when the process exits."""
    global _pool
    with _pool_lock:
        if _pool is None:
            from hortus.cells.pool import CellPool

            _pool = CellPool(jobs=max(1, threads), memory_mb=None)
            atexit.register(_pool.close)
        return _pool
