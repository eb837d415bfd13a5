"""Going on from a note's first changed cell: the build picks the deepest checkpoint still
valid for the note's current steps (`plan_resume`), the note's run keeps one after each cell
and starts from the one it is given (`Checkpointer`), and the build then prunes the note's
checkpoints to its current steps and says what could not be kept (`finish_resume`).

What a checkpoint holds and why the results equal a run from the top: hortus.cells.checkpoints.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from hortus.cache import CHECKPOINT_LIMIT, NoteCheckpoints, checkpoint_keys, file_digest
from hortus.cells import checkpoints as kept
from hortus.cells.checkpoints import Resumed, StepRecord, Unkept, WriteLog
from hortus.cells.records import NoteJob, Step
from hortus.cells.sandbox import paused
from hortus.diagnostics import Diagnostics

# -- in the build -------------------------------------------------------------------------------


def plan_resume(job: NoteJob, cache_folder: Path, timeout: float, use_cache: bool) -> NoteJob:
    """`job` with its checkpoints' folder and keys, resuming from the deepest checkpoint whose
    steps are the note's first ones and whose files are unchanged (none without `use_cache`)."""
    store = NoteCheckpoints.of(cache_folder, job.note_path)
    keys = checkpoint_keys(job.note_path, [step.to_json() for step in job.steps], timeout)
    cell_keys = [
        key if step.kind == "cell" else None for step, key in zip(job.steps, keys, strict=True)
    ]
    resume = 0
    if use_cache:
        for position in range(len(job.steps) - 1, -1, -1):
            key = cell_keys[position]
            if key is not None and store.usable(key):
                resume = position + 1
                break
    store.write_notice(None)  # what this run could not keep is what the build will say
    return dataclasses.replace(
        job, checkpoints=str(store.folder), checkpoint_keys=cell_keys, resume=resume
    )


def finish_resume(job: NoteJob, diagnostics: Diagnostics) -> None:
    """After `job` ran: only the checkpoints of its current steps are kept, and what the run
    could not keep is said once, as information."""
    if job.checkpoints is None:
        return
    store = NoteCheckpoints(Path(job.checkpoints))
    store.prune({key for key in job.checkpoint_keys if key})
    notice = store.notice()
    if notice is None:
        return
    try:
        start = notice.get("from")
        where = "the top" if start is None else f"cell {start['cell'] + 1} (line {start['line']})"
        what = f"`{notice['name']}`: {notice['why']}" if notice.get("name") else notice["why"]
        message = (
            f"the run cannot be kept after cell {notice['cell'] + 1} ({what}), so an edit "
            f"below it runs the note again from {where}"
        )
        diagnostics.info(job.note_path, int(notice["line"]), "checkpoint", message)
    except (KeyError, TypeError, ValueError):
        pass


# -- in the note's run --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ResumePlan:
    """Where a run keeps its checkpoints, under which keys, and from which it goes on."""

    folder: str
    keys: list[str | None]  # per step: the key of the checkpoint after it; None: none kept
    resume: int = 0  # steps done by the checkpoint to go on from; 0: from the top
    limit: int = CHECKPOINT_LIMIT  # bytes a checkpoint may take

    @classmethod
    def of(cls, job: NoteJob) -> ResumePlan | None:
        if job.checkpoints is None or len(job.checkpoint_keys) != len(job.steps):
            return None
        return cls(job.checkpoints, list(job.checkpoint_keys), job.resume)


class Checkpointer:
    """One run's checkpoints: made after its cells, and the one it starts from."""

    def __init__(self, plan: ResumePlan, steps: list[Step], workdir: str, tempdir: str) -> None:
        self.plan = plan
        self.steps = steps
        self.store = NoteCheckpoints(Path(plan.folder))
        self.workdir = workdir
        self.tempdir = tempdir
        self.log = WriteLog([workdir, tempdir])
        # The process as the run found it: a checkpoint keeps what the cells changed of it.
        self.environ = dict(os.environ)
        self.path = list(sys.path)
        self.modules = set(sys.modules)
        self.rc_params = kept.rc_params()
        self.digests: dict[str, str | None] = {}  # of the files read before, as first kept
        self.kept_at = 0  # steps done by the last checkpoint kept, or gone on from
        self.notice: dict[str, Any] | None = None  # the first thing that could not be kept

    def resume(self, namespace: dict[str, Any], module: Any) -> Resumed | None:
        """Put the run where its checkpoint left it; None (the run starts from the top) when
        there is none to go on from or it cannot be read."""
        position, steps = self.plan.resume, self.steps
        key = self.plan.keys[position - 1] if 0 < position <= len(steps) else None
        with paused():
            data = self.store.load(key) if key else None
        if data is None:
            return None
        before = dict(namespace)
        try:
            with paused(), kept.logging_writes(None):
                saved = pickle.loads(data)
                records = [StepRecord.from_json(r) for r in saved["records"]]
                if [r.step for r in records] != steps[:position]:
                    return None
                self._restore(saved, namespace, module)
        except Exception:
            namespace.clear()
            namespace.update(before)
            os.environ.clear()
            os.environ.update(self.environ)
            sys.path[:] = self.path
            os.chdir(self.workdir)
            return None
        self.digests = dict(saved["reads"])
        self.log.read.update(saved["reads"])
        self.log.written.update(dict.fromkeys(self._paths(saved["written"])))
        self.kept_at = position
        return Resumed(records, list(saved["modules"]))

    def _restore(self, saved: dict[str, Any], namespace: dict[str, Any], module: Any) -> None:
        kept.apply_environment(saved["environ"])
        for index, entry in saved["path"]:
            sys.path.insert(index, entry)
        kept.import_again(saved["loaded"])
        kept.load_namespace(saved["namespace"], namespace, module)
        kept.restore_global_state(saved["state"], self.workdir)
        for path, data in zip(
            self._paths(saved["written"]), saved["written"].values(), strict=True
        ):
            if data is None:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                Path(path).write_bytes(data)

    def _paths(self, written: dict[tuple[str, str], bytes | None]) -> list[str]:
        roots = {"work": self.workdir, "temp": self.tempdir}
        return [os.path.join(roots[root], rel) for root, rel in written]

    def keep(
        self,
        position: int,
        namespace: dict[str, Any],
        module: Any,
        records: list[StepRecord],
        modules: list[str],
    ) -> None:
        """Keep the run as it is after step `position` (a cell that ran to its end)."""
        key = self.plan.keys[position] if position < len(self.plan.keys) else None
        if key is None:
            return
        step = records[-1].step
        if self.log.spoiled:
            self._unkept(step, Unkept(None, f"the note changes its own input: {self.log.spoiled}"))
            return
        with paused(), kept.logging_writes(None):
            try:
                data = self._checkpoint(namespace, module, records, modules)
            except Exception as exc:  # hortus's own trouble must not fail the note
                data = Unkept(None, f"{type(exc).__name__}: {exc}")
            if isinstance(data, Unkept):
                self._unkept(step, data)
                return
            with contextlib.suppress(OSError):  # a cache folder it cannot write: none kept
                self.store.save(key, data, self._reads(records))
                self.kept_at = position + 1

    def _checkpoint(
        self,
        namespace: dict[str, Any],
        module: Any,
        records: list[StepRecord],
        modules: list[str],
    ) -> bytes | Unkept:
        names = kept.pickle_namespace(namespace, module, self.plan.limit)
        if isinstance(names, Unkept):
            return names
        temporary = {self.tempdir, os.path.realpath(self.tempdir)}
        if any(folder.encode() in names for folder in temporary):
            return Unkept(None, "its namespace names its temporary folder, which is new each run")
        saved = {
            "records": [record.to_json() for record in records],
            "modules": modules,
            "loaded": [name for name in list(sys.modules) if name not in self.modules],
            "environ": kept.environment_changes(self.environ, self.tempdir),
            "path": [(i, entry) for i, entry in enumerate(sys.path) if entry not in self.path],
            "state": kept.global_state(self.workdir, self.rc_params),
            "written": self.log.contents(self.tempdir),
            "reads": self._reads(records),
            "namespace": names,
        }
        try:
            data = pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            return Unkept(None, f"its state cannot be pickled ({type(exc).__name__}: {exc})")
        if len(data) > self.plan.limit:
            size = len(data) // (1024 * 1024)
            return Unkept(None, f"it takes {size} MB, more than {self.plan.limit >> 20} MB")
        return data

    def _reads(self, records: list[StepRecord]) -> dict[str, str | None]:
        """The digests of the files read so far that the run did not write itself."""
        for record in records:
            for path in record.files:
                if path not in self.digests and path not in self.log.written:
                    self.digests[path] = file_digest(path)
        return dict(self.digests)

    def _unkept(self, step: Step, unkept: Unkept) -> None:
        if self.notice is not None:
            return  # said once per note
        # An edit below it goes on from the last checkpoint kept: from the first cell after it.
        after = [s for s in self.steps[self.kept_at :] if s.kind == "cell"]
        start = after[0] if self.kept_at > 0 and after else None
        self.notice = {
            "cell": step.index,
            "line": step.line,
            "name": unkept.name,
            "why": unkept.why,
            "from": None if start is None else {"cell": start.index, "line": start.line},
        }

    def finish(self) -> None:
        with paused(), kept.logging_writes(None):
            self.store.write_notice(self.notice)
