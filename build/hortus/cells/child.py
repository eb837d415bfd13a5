"""The note's child: the process a worker forks for one note, which runs it under its limits
(its worker watches its memory) and tells the worker each step as it finishes, so that a
later crash still keeps them."""

from __future__ import annotations

import os
import signal
from typing import Any

from hortus.cells.claims import ClaimRecord
from hortus.cells.processes import PR_SET_PDEATHSIG, prctl
from hortus.cells.protocol import WorkerJob, send
from hortus.cells.records import Step, StepResult
from hortus.cells.resume import ResumePlan
from hortus.cells.run import NoteRun, RunListener


def run_child(work: WorkerJob, fd: int, worker_pid: int) -> None:
    """Run the note in this freshly forked process, report on `fd`, and exit."""
    import resource

    os.setpgid(0, 0)  # one group: killing it ends everything the note started
    prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if os.getppid() != worker_pid:  # the worker died before the line above
        os._exit(1)
    listener = ChildListener(fd, os.getpid())
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file dropped into the vault
        if work.nproc:
            _limit_processes(work.nproc)
        job = work.job
        run = NoteRun(
            job.steps,
            job.workdir,
            job.note_path,
            capture_fds=True,
            listener=listener,
            tempdir=work.tempdir,
            resume=ResumePlan.of(job),
        )
        result = run.run()
        error = None if result.error is None else result.error.to_json()
        end = {"status": result.status, "error": error, "modules": result.modules}
        listener.send({"end": end})
    except BaseException:
        import traceback

        listener.send({"fatal": traceback.format_exc(limit=5)})
    os._exit(0)


class ChildListener(RunListener):
    """Streams each finished step to the worker."""

    def __init__(self, fd: int, owner: int) -> None:
        self.fd = fd
        self.owner = owner  # the note's child: a process a cell forks must not speak for it

    def send(self, message: dict[str, Any]) -> None:
        if os.getpid() != self.owner:
            os._exit(0)  # a process forked by a cell: it must not speak for the note
        send(self.fd, message)

    def step_started(self, step: Step) -> None:
        self.send({"start": [step.kind, step.index]})

    def step_finished(
        self, step: Step, result: StepResult, claims: list[ClaimRecord], files: list[str]
    ) -> None:
        done = {
            "kind": step.kind,
            "entry": result.to_json(),
            "claims": [claim.to_json() for claim in claims],
            "files": files,
        }
        self.send({"done": done})


def _limit_processes(nproc: int) -> None:
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    if hard != resource.RLIM_INFINITY:
        nproc = min(int(nproc), hard)
    resource.setrlimit(resource.RLIMIT_NPROC, (int(nproc), hard))
