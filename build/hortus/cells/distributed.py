"""Notes' cells on a Dask cluster (`executor = "dask"`): the build's side.

Each note is one Dask task (hortus.cells.remote.run_note_task). On the worker it runs through
a local CellPool, so in its own process under the same time limit, memory cap, write guard
and process budget as on this machine; its NoteResult comes back as JSON, with the files it
read at their paths here, which the result cache stores relative to the project.

A worker that cannot see the vault (no note folder at the same path, or a different note
file there) says so, and the note's folder is sent to it (a tar, at most SHIP_LIMIT bytes).
A worker that dies while running a note gets the note again once (the scheduler re-queues
it); when that worker dies too, the note fails with its line and the workers lost.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import itertools
import os
import tarfile
import threading
import uuid
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from hortus.cells.executor import NoteExecutor
from hortus.cells.progress import NoteProgress
from hortus.cells.records import NoteJob, NoteResult
from hortus.cells.remote import attempts_failure, run_note_task
from hortus.diagnostics import BuildError
from hortus.version import __version__

# The most a note's folder may weigh to be sent to a worker that cannot see the vault.
SHIP_LIMIT = 256 * 1024 * 1024
# How long to wait for the scheduler to answer when the build starts.
CONNECT_TIMEOUT = "20s"


class DaskExecutor(NoteExecutor):
    """Runs notes on the Dask cluster whose scheduler is at `scheduler` (tcp://host:port)."""

    def __init__(
        self,
        scheduler: str,
        memory_mb: int | None = 2048,
        progress: NoteProgress | None = None,
        *,
        ship: bool = False,
    ) -> None:
        distributed = _import_distributed()
        try:
            self.client = distributed.Client(
                scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False
            )
        except (OSError, TimeoutError, ValueError) as exc:  # unreachable, or not an address
            raise BuildError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        self.scheduler = scheduler
        self.memory_mb = memory_mb
        self.progress = progress if progress is not None else NoteProgress()
        # Send every note's folder, even to workers that see the vault.
        self.ship = ship or os.environ.get("HORTUS_DASK_SHIP") == "always"
        self.run_id = uuid.uuid4().hex[:12]  # names this build's tasks; nothing shown uses it
        self.topic = f"hortus-progress-{self.run_id}"
        self.lock = threading.Lock()
        self.counter = itertools.count()
        self.running: dict[str, NoteJob] = {}  # by task name
        self.futures: dict[str, Any] = {}  # the Dask futures, by task name
        self.folders: dict[str, Any] = {}  # the scattered tar of each note folder sent
        self.client.subscribe_topic(self.topic, self._event)

    def submit(self, job: NoteJob) -> Future[NoteResult]:
        memory = job.memory_mb if job.memory_mb is not None else self.memory_mb
        job = dataclasses.replace(job, workdir=os.path.abspath(job.workdir), memory_mb=memory)
        name = f"{self.run_id}-{next(self.counter)}"
        outer: Future[NoteResult] = Future()
        outer.set_running_or_notify_cancel()
        with self.lock:
            self.running[name] = job
        distributed = _import_distributed()
        # What the worker records of each attempt: which worker, and where the note was.
        distributed.Variable(f"hortus-attempts-{name}", client=self.client).set([])
        folder = self._folder(job) if self.ship else None
        if isinstance(folder, NoteResult):
            self._settle(name, job, outer, folder)
        else:
            self._send(name, job, outer, folder)
        return outer

    def _send(self, name: str, job: NoteJob, outer: Future[NoteResult], folder: Any) -> None:
        context = {
            "name": name,
            "topic": self.topic,
            "hortus": __version__,
            "digest": note_digest(job),
            "folder": folder,  # a future of the tar's bytes, or None
        }
        future = self.client.submit(
            run_note_task, job.to_json(), context, key=f"hortus-note-{name}", pure=False
        )
        with self.lock:
            self.futures[name] = future
        future.add_done_callback(lambda done: self._done(name, job, outer, done, folder))

    def _done(
        self, name: str, job: NoteJob, outer: Future[NoteResult], future: Any, folder: Any
    ) -> None:
        """A task ended: settle the note, or send its folder to a worker that could not see it."""
        try:
            answer = future.result()
        except BaseException as exc:  # the task's error, a lost worker (KilledWorker), cancelled
            self._settle(name, job, outer, self._lost(name, exc))
            return
        if answer.get("ship") and folder is None:
            shipped = self._folder(job)
            if isinstance(shipped, NoteResult):
                self._settle(name, job, outer, shipped)
            else:
                self._send(name, job, outer, shipped)
            return
        if "result" in answer:
            result = NoteResult.from_json(answer["result"])
        else:
            result = NoteResult.failed("crash", "the Dask worker could not run the note")
        self._settle(name, job, outer, result)

    def _lost(self, name: str, exc: BaseException) -> NoteResult:
        """The failure of a note whose task did not answer (its workers died, or Dask failed)."""
        distributed = _import_distributed()
        attempts: list[dict[str, Any]] = []
        try:
            variable = distributed.Variable(f"hortus-attempts-{name}", client=self.client)
            attempts = list(variable.get(timeout=5))
        except Exception:
            pass
        if attempts or type(exc).__name__ == "KilledWorker":
            return attempts_failure(attempts)
        return NoteResult.failed("crash", f"the Dask task failed: {type(exc).__name__}: {exc}")

    def _settle(
        self, name: str, job: NoteJob, outer: Future[NoteResult], result: NoteResult
    ) -> None:
        with self.lock:
            self.running.pop(name, None)
            self.futures.pop(name, None)
        self.progress.finished(job, result)
        outer.set_result(result)

    def _folder(self, job: NoteJob) -> Any:
        """The note's folder, scattered to the cluster once per build; a failed NoteResult
        when it is too large to send."""
        with self.lock:
            known = self.folders.get(job.workdir)
        if known is not None:
            return known
        try:
            data = pack_folder(Path(job.workdir), SHIP_LIMIT)
        except (OSError, ValueError) as exc:
            return NoteResult.failed("crash", f"the Dask worker cannot see the vault, and {exc}")
        scattered = self.client.scatter(data, hash=False)
        with self.lock:
            return self.folders.setdefault(job.workdir, scattered)

    def _event(self, event: tuple[float, Any]) -> None:
        """A worker's word on a running note (in the client's event loop: kept short)."""
        message = event[1]
        if not isinstance(message, dict):
            return
        job = self.running.get(str(message.get("name")))
        if job is None:
            return
        if message.get("event") == "begin":
            self.progress.started(job)
            return
        step = message.get("step")
        if isinstance(step, list | tuple) and len(step) == 2:
            self.progress.step(job, str(message.get("event")), str(step[0]), int(step[1]))

    def close(self) -> None:
        with self.lock:
            futures = list(self.futures.values())
            names = [*self.running, *self.futures]
        distributed = _import_distributed()
        try:
            if futures:
                self.client.cancel(futures)
            self.client.unsubscribe_topic(self.topic)
            for name in dict.fromkeys(names):
                distributed.Variable(f"hortus-attempts-{name}", client=self.client).delete()
        finally:
            self.client.close()


def note_digest(job: NoteJob) -> str:
    """The SHA-256 of the note's file, by which a worker tells whether it sees the same note."""
    path = Path(job.workdir) / Path(job.note_path).name
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def pack_folder(folder: Path, limit: int) -> bytes:
    """The folder's files as a gzipped tar (hidden folders such as .obsidian left out);
    ValueError when they hold more than `limit` bytes."""
    members: list[Path] = []
    total = 0
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(current) / name
            members.append(path)
            if not path.is_symlink():
                total += path.stat().st_size
        if total > limit:
            raise ValueError(
                f"the note's folder {folder} holds more than {limit // 2**20} MB to send to it"
            )
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for path in members:
            tar.add(path, arcname=path.relative_to(folder).as_posix(), recursive=False)
    return buffer.getvalue()


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise BuildError(
            'executor = "dask" needs Dask: install hortus with its dask extra '
            "(pip install 'hortus[dask]')"
        ) from exc
    return distributed
