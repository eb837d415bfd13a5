"""The files a note's results depend on: what its cells opened for reading, less what belongs
to the installation (Python, its packages, hortus), to the system, or to the note's own
temporary folder."""

from __future__ import annotations

import functools
import os
import sys


class NoteInputs:
    """The files one run's cells read, gathered as they are opened."""

    def __init__(self) -> None:
        self.opened: set[str] = set()  # every path opened for reading (the sandbox adds them)
        self.reported: set[str] = set()  # opened paths already looked at
        self.files: set[str] = set()  # of those, the note's dependencies
        self.scratch: tuple[str, ...] = ()  # folders whose files are never inputs

    def ignore(self, folder: str) -> None:
        """Files read under `folder` are not inputs (the note's temp folder, emptied after
        every run)."""
        self.scratch += tuple({os.path.abspath(folder) + os.sep, os.path.realpath(folder) + os.sep})

    def new_files(self) -> list[str]:
        """Dependencies opened since the last call, sorted."""
        fresh = self.opened - self.reported
        self.reported |= fresh
        if self.scratch:
            fresh = {path for path in fresh if not path.startswith(self.scratch)}
        found = sorted(dependency_files(fresh))
        self.files.update(found)
        return found


@functools.lru_cache(maxsize=1)
def installation_dirs() -> tuple[str, ...]:
    """Folders of Python itself, its packages and hortus: reading them is not a dependency."""
    import site
    import sysconfig

    # The standard library, and hortus itself (it may be an editable install outside them).
    hortus_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    dirs = {os.path.dirname(os.__file__), hortus_dir}
    paths = sysconfig.get_paths()
    dirs.update(paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths)
    try:
        dirs.update(site.getsitepackages())
        dirs.add(site.getusersitepackages())
    except AttributeError:  # some embedded/virtualenv builds lack these
        pass
    dirs.update(p for p in sys.path if "site-packages" in p or "dist-packages" in p)
    if sys.prefix != sys.base_prefix:
        dirs.add(sys.prefix)  # a virtual environment is part of the installation
    result = set()
    for d in dirs:
        if d:
            result.add(os.path.abspath(d))
            result.add(os.path.realpath(d))
    return tuple(sorted(d.rstrip(os.sep) + os.sep for d in result))


def _excluded_dirs() -> tuple[str, ...]:
    dirs = [*installation_dirs(), "/proc/", "/sys/", "/dev/"]
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        try:
            for d in (mpl.get_configdir(), mpl.get_cachedir()):
                dirs.append(os.path.abspath(d).rstrip(os.sep) + os.sep)
        except Exception:
            pass
    return tuple(dirs)


def dependency_files(paths: set[str]) -> list[str]:
    """Of `paths`, the files (not folders) outside the installation and the system."""
    if not paths:
        return []
    excluded = _excluded_dirs()
    keep = []
    for path in paths:
        if path.startswith(excluded) or f"{os.sep}__pycache__{os.sep}" in path:
            continue
        if os.path.isfile(path):
            keep.append(path)
    return keep
