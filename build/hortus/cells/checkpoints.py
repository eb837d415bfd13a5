"""A note's run kept after each of its cells, so that a later run can go on from there instead
of from the first cell, with exactly the results a run from the top would give.

After a cell, a checkpoint keeps: the namespace (pickled with cloudpickle; functions defined in
cells keep it as their globals), the results of the steps so far, the files read so far (their
digests: the checkpoint is valid while they are unchanged), the files the cells wrote (their
bytes, put back on resume: a later cell may read them), and the state a run from the top would
have: Python's and numpy's global random generators, numpy's print and error settings,
matplotlib's rcParams, the working directory, what the cells added to `sys.path` and
`os.environ`, and the modules they loaded. No checkpoint is kept once a cell changed a file
the note had read (the note's input is then its own output), nor when the namespace cannot
be pickled (an open file, a generator, a lock) or would exceed CHECKPOINT_LIMIT: the run says
so (`notice`) and a later run goes on from an earlier checkpoint, or from the top.

The store (where checkpoints are, their keys, their validity) is hortus.cache's
NoteCheckpoints; the build picks the checkpoint to resume from (hortus.cells.resume).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import pickle
import random
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cloudpickle

from hortus.cells.claims import ClaimRecord
from hortus.cells.records import Step, StepResult, step_result_from_json


@dataclass(frozen=True)
class StepRecord:
    """A step as it finished: what it gave, the claims it made, the new files it read."""

    step: Step
    entry: StepResult
    claims: list[ClaimRecord]
    files: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step.to_json(),
            "entry": self.entry.to_json(),
            "claims": [claim.to_json() for claim in self.claims],
            "files": list(self.files),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepRecord:
        step = Step.from_json(data["step"])
        claims = [ClaimRecord.from_json(claim) for claim in data["claims"]]
        return cls(step, step_result_from_json(step.kind, data["entry"]), claims, data["files"])


@dataclass(frozen=True)
class Unkept:
    """Why the run could not be kept after a cell."""

    name: str | None  # the namespace's name that cannot be pickled, if that is why
    why: str  # in a few words


class Resumed:
    """What a run resumed from a checkpoint starts with."""

    def __init__(self, records: list[StepRecord], modules: list[str]) -> None:
        self.records = records  # the steps the checkpoint ran
        self.modules = modules  # the top-level modules they imported (hortus.cells.imports)


# -- the files a run writes ---------------------------------------------------------------------


class WriteLog:
    """The paths a run's cells changed (wrote, removed, renamed), in order, and whether one of
    them had been read before: then the note changed its own input, and it is not kept."""

    def __init__(self, roots: list[str]) -> None:
        self.roots = tuple(os.path.realpath(root).rstrip(os.sep) + os.sep for root in roots)
        self.written: dict[str, None] = {}  # the paths changed, as an ordered set
        self.read: set[str] = set()  # paths read before the run changed them
        self.spoiled = ""  # why nothing after this point can be kept; "" while it can

    def opened(self, args: tuple) -> None:
        path, mode, flags = args
        if path is None or isinstance(path, int):
            return
        writes = (isinstance(flags, int) and flags & _WRITE_FLAGS) or (
            isinstance(mode, str) and any(c in mode for c in "wax+")
        )
        reads = not isinstance(flags, int) or flags & os.O_ACCMODE != os.O_WRONLY
        name = os.path.abspath(os.fsdecode(path))
        if (
            reads
            and not (isinstance(flags, int) and flags & os.O_TRUNC)
            and name not in self.written
        ):
            self.read.add(name)
        if writes:
            self.changed(name)

    def changed(self, path: Any) -> None:
        name = os.path.abspath(os.fsdecode(os.fspath(path)))
        if name in self.read:
            self.spoiled = f"it changed {os.path.basename(name)}, which it had read"
        self.written[name] = None

    def contents(self, tempdir: str) -> dict[tuple[str, str], bytes | None]:
        """The bytes now of every file changed under the note's folder or its temporary
        folder ("work" or "temp", relative path); None for one that is gone."""
        kept: dict[tuple[str, str], bytes | None] = {}
        temp_root = os.path.realpath(tempdir).rstrip(os.sep) + os.sep
        for name in self.written:
            real = os.path.realpath(name)
            if not real.startswith(self.roots):
                continue  # a cache a library keeps up to date itself
            root = "temp" if real.startswith(temp_root) else "work"
            base = (
                temp_root if root == "temp" else next(r for r in self.roots if real.startswith(r))
            )
            if os.path.isdir(real):
                continue
            try:
                data: bytes | None = Path(real).read_bytes()
            except FileNotFoundError:
                data = None
            kept[(root, os.path.relpath(real, base))] = data
        return kept


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# Audit events that change files, and the paths each changes (see hortus.cells.sandbox).
_CHANGES: dict[str, Any] = {
    "os.remove": lambda a: (a[0],),
    "os.rename": lambda a: (a[0], a[1]),
    "os.link": lambda a: (a[1],),
    "os.symlink": lambda a: (a[1],),
    "os.truncate": lambda a: () if isinstance(a[0], int) else (a[0],),
}
# Events after which what the folder holds cannot be told file by file.
_UNTRACKED = frozenset({"os.rmdir", "shutil.rmtree", "shutil.unpack_archive"})

_log: WriteLog | None = None
_hooked = False


def _audit(event: str, args: tuple) -> None:
    log = _log
    if log is None:
        return
    try:  # an exception here would fail the cell's own call
        if event == "open":
            log.opened(args)
        elif event in _CHANGES:
            for path in _CHANGES[event](args):
                log.changed(path)
        elif event in _UNTRACKED:
            log.spoiled = f"it removed or unpacked a folder ({event})"
    except Exception:
        log.spoiled = f"a change to its files could not be followed ({event})"


@contextlib.contextmanager
def logging_writes(log: WriteLog | None) -> Any:
    """While the block runs, the run's file changes go to `log`."""
    global _log, _hooked
    if log is None:
        yield
        return
    if not _hooked:
        sys.addaudithook(_audit)  # cannot be removed; inert while no run logs
        _hooked = True
    previous, _log = _log, log
    try:
        yield
    finally:
        _log = previous


# -- the namespace --------------------------------------------------------------------------------


class _NamespacePickler(cloudpickle.Pickler):
    """Pickles the namespace's values so that, once loaded, the functions and classes defined
    in cells have the new namespace as their globals (as they had the old one), and a value that
    is the namespace or the `__main__` module is the new one."""

    def __init__(self, file: io.BytesIO, namespace: dict[str, Any], module: Any) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.namespace = namespace
        self.module = module
        # cloudpickle gives functions that shared globals when pickled one new dict of globals
        # when loaded; given the namespace itself here, it pickles it (as a persistent id).
        self.globals_ref[id(namespace)] = namespace

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, io.IOBase) and type(obj) in _FILE_TYPES:
            if not obj.closed:  # cloudpickle would give a copy of its text, not a file
                raise pickle.PicklingError(f"cannot keep an open file ({obj.name!r})")
            return _closed_file, _closed_file_args(obj)
        return super().reducer_override(obj)

    def persistent_id(self, obj: Any) -> str | None:
        if obj is self.namespace:
            return "namespace"
        if obj is self.module:
            return "module"
        return None


# A file a cell opened and closed (`with open(...) as f` leaves `f`): kept as a closed file of
# the same kind, name and mode, which is all a closed file still tells.
_BUFFERS = {io.BufferedReader: "r", io.BufferedWriter: "w", io.BufferedRandom: "r+"}
_FILE_TYPES = (io.FileIO, io.TextIOWrapper, *_BUFFERS)


def _closed_file_args(obj: Any) -> tuple[str, str, Any, str, str | None]:
    buffer = obj.buffer if isinstance(obj, io.TextIOWrapper) else obj
    raw = buffer.raw if isinstance(buffer, tuple(_BUFFERS)) else buffer
    encoding = obj.encoding if isinstance(obj, io.TextIOWrapper) else None
    kinds = (type(obj).__name__, type(buffer).__name__)
    return kinds[0], kinds[1], raw.name, str(getattr(obj, "mode", "")), encoding


def _closed_file(kind: str, buffer_kind: str, name: Any, mode: str, encoding: str | None) -> Any:
    buffer_type = getattr(io, buffer_kind)
    raw = io.FileIO(os.devnull, _BUFFERS.get(buffer_type, "r"))
    raw.name = name
    file: Any = raw if buffer_type is io.FileIO else buffer_type(raw)
    if kind == "TextIOWrapper":
        file = io.TextIOWrapper(file, encoding=encoding)
        file.mode = mode  # the mode it was opened with (a binary file's comes from `raw`)
    file.close()
    return file


class _NamespaceUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, namespace: dict[str, Any], module: Any) -> None:
        super().__init__(file)
        self.targets = {"namespace": namespace, "module": module}

    def persistent_load(self, pid: Any) -> Any:
        return self.targets[pid]


class _Bounded(io.BytesIO):
    """A buffer that refuses to grow past `limit` bytes (a namespace too large to keep)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: Any) -> int:
        if self.tell() + len(memoryview(data)) > self.limit:
            raise MemoryError(f"more than {self.limit // (1024 * 1024)} MB")
        return super().write(data)


def pickle_namespace(namespace: dict[str, Any], module: Any, limit: int) -> bytes | Unkept:
    """The namespace's names and values as bytes, or why they cannot be kept."""
    # `__builtins__` only by its place: the loading run has its own.
    items = [(name, None if name == "__builtins__" else value) for name, value in namespace.items()]
    buffer = _Bounded(limit)
    try:
        _NamespacePickler(buffer, namespace, module).dump(items)
    except MemoryError as exc:
        return Unkept(None, f"its namespace takes {exc}")
    except Exception as exc:
        return Unkept(*_culprit(items, exc, namespace, module))
    return buffer.getvalue()


def _culprit(
    items: list[tuple[str, Any]], error: Exception, namespace: dict[str, Any], module: Any
) -> tuple[str | None, str]:
    """The first name whose value cannot be pickled (plain values before functions, which
    fail for the values they use), and why."""
    ordered = sorted(items, key=lambda item: callable(item[1]))
    for name, value in ordered:
        try:
            _NamespacePickler(io.BytesIO(), namespace, module).dump(value)
        except Exception as exc:
            return name, _why(exc)
    return None, _why(error)


def _why(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 160 else text[:157] + "..."


def load_namespace(data: bytes, namespace: dict[str, Any], module: Any) -> None:
    """Fill `namespace` (the dict of `module`) from `pickle_namespace`'s bytes, in its order."""
    items = _NamespaceUnpickler(io.BytesIO(data), namespace, module).load()
    builtins_module = namespace.get("__builtins__")
    namespace.clear()  # loading functions added their globals out of order
    namespace.update((k, builtins_module if k == "__builtins__" else v) for k, v in items)


# -- the state of the process ---------------------------------------------------------------------


def rc_params() -> dict[str, Any]:
    """matplotlib's rcParams as they are now, but the backend; {} when it is not loaded."""
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return {}
    params = dict(dict.items(mpl.rcParams))  # the values as stored: no lookup per key
    params.pop("backend", None)
    return params


def global_state(workdir: str, rc_before: dict[str, Any]) -> dict[str, Any]:
    """What a run left in the process that the next cell may see, beside its namespace;
    of matplotlib's rcParams, those that differ from `rc_before` (as the run began)."""
    state: dict[str, Any] = {
        "random": random.getstate(),
        "cwd": os.path.relpath(os.getcwd(), workdir),
        "recursion": sys.getrecursionlimit(),
    }
    np = sys.modules.get("numpy")
    if np is not None:
        state["numpy"] = (np.random.get_state(), np.get_printoptions(), np.geterr())
    missing = object()
    state["rcParams"] = {
        k: v
        for k, v in rc_params().items()
        if rc_before.get(k, missing) is not v and rc_before.get(k, missing) != v
    }
    return state


def restore_global_state(state: dict[str, Any], workdir: str) -> None:
    random.setstate(state["random"])
    os.chdir(os.path.normpath(os.path.join(workdir, state["cwd"])))
    sys.setrecursionlimit(state["recursion"])
    if "numpy" in state:
        import numpy as np

        rng, printoptions, errors = state["numpy"]
        np.random.set_state(rng)
        np.set_printoptions(**printoptions)
        np.seterr(**errors)
    if state["rcParams"]:
        import matplotlib as mpl

        changed = {k: v for k, v in state["rcParams"].items() if mpl.rcParams.get(k) != v}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a deprecated key set back as it was
            mpl.rcParams.update(changed)


def import_again(names: list[str]) -> None:
    """The modules the steps before had loaded, loaded again in the same order (an import may
    register something the next cell relies on without naming the module)."""
    for name in names:
        if name in sys.modules:
            continue
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def environment_changes(before: dict[str, str], tempdir: str) -> dict[str, str | None]:
    now = dict(os.environ)
    changes: dict[str, str | None] = {k: v for k, v in now.items() if before.get(k) != v}
    changes.update({k: None for k in before if k not in now})
    changes.pop("TMPDIR", None)  # the run's own temporary folder, made for each run
    return changes


def apply_environment(changes: dict[str, str | None]) -> None:
    for key, value in changes.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
