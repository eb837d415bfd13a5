"""The worker process: `python -m hortus.cells.worker`, started by the build's CellPool.

It imports numpy and matplotlib once (warm), then reads WorkerJobs from stdin and answers each
with a NoteResult on stdout, running every note in a fresh fork of itself (hortus.cells.supervise).
No module imports this one: it runs as __main__ only, so it is never loaded twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile

from hortus.cells.dependencies import installation_dirs
from hortus.cells.processes import PR_SET_CHILD_SUBREAPER, libc, prctl
from hortus.cells.protocol import LineReader, WorkerJob, send
from hortus.cells.records import NoteResult, Step
from hortus.cells.run import run_note
from hortus.cells.supervise import run_job


def main() -> None:
    # Protocol on private descriptors; 0 and 1 become /dev/null so no note child inherits them.
    jobs_fd = os.dup(0)
    results_fd = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides when workers stop
    prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans of a note's processes come back to us to kill
    warm_up()
    send(results_fd, {"ready": True, "pid": os.getpid()})
    lines = LineReader()
    while True:
        line = lines.pop()
        if line is None:
            chunk = os.read(jobs_fd, 1 << 20)
            if not chunk:
                return  # the build closed the pipe: done
            lines.feed(chunk)
            continue
        try:
            result = run_job(WorkerJob.from_json(json.loads(line)), jobs_fd, results_fd)
        except Exception as exc:  # e.g. fork failing for lack of memory or processes
            message = f"could not run the note: {type(exc).__name__}: {exc}"
            result = NoteResult.failed("crash", message)
        send(results_fd, {"result": result.to_json()})


def warm_up() -> None:
    """Import numpy and matplotlib once, and draw one figure so fonts and the SVG backend load."""
    import gc
    import io

    # A missing or broken package only means notes cannot use it, as in a fresh interpreter.
    with contextlib.suppress(Exception):
        import numpy  # noqa: F401 - imported for the children
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots()
        axes.plot([0, 1], [0, 1], label="warm")
        axes.set_title("warm-up $x^2$")
        axes.legend()
        figure.savefig(io.StringIO(), format="svg")
        plt.close("all")
    except Exception:
        pass
    # One trivial note in-process loads what every note touches (numpy.random is lazy, so are
    # matplotlib.style and parts of ast/traceback), so that each child does not load it again.
    with tempfile.TemporaryDirectory(prefix="hortus-warm-") as folder:
        warm = [Step("cell", 0, "x = 1\nx", 1, {}), Step("inline", 0, "x", 3, {})]
        run_note(warm, folder, "warm-up.md")
    installation_dirs()
    # Whatever each child would otherwise find or load again: tempfile probes for a writable
    # directory on first use, and these modules are shared libraries.
    tempfile.gettempdir()
    import fcntl  # noqa: F401
    import resource  # noqa: F401

    libc()
    # Objects that exist now are never collected in the children: fewer copied pages per fork.
    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    main()
