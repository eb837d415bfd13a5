"""What the site writer asks of the file system: the files of a folder, the folders on a
path, and two folders swapped in one step."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path


def walk_files(top: str, relpath: str, skip: Callable[[str], bool]) -> list[str]:
    """The regular files under the folder `top` (site-relative `relpath`), by site-relative
    name; `skip` names entries of its top level to leave out. Over strings and directory
    entries (their type needs no stat): an index holds thousands of files."""
    found: list[str] = []
    stack = [(top, relpath)]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as listing:
            entries = [e for e in listing if folder != top or not skip(e.name)]
        found += [f"{prefix}/{e.name}" for e in entries if e.is_file(follow_symlinks=False)]
        stack.extend(
            (e.path, f"{prefix}/{e.name}") for e in entries if e.is_dir(follow_symlinks=False)
        )
    return found


def file_on_path(root: str, name: str) -> bool:
    """Whether a folder that `name` lies in is a file in `root`."""
    folder = os.path.dirname(name)
    while folder:
        path = os.path.join(root, folder)
        if os.path.isdir(path) and not os.path.islink(path):
            return False
        if os.path.lexists(path):
            return True
        folder = os.path.dirname(folder)
    return False


def remove_empty(root: str, folder: str) -> None:
    """`folder` and the folders above it under `root`, while they are empty."""
    while folder:
        try:
            os.rmdir(os.path.join(root, folder))
        except OSError:
            return  # not empty, or already gone
        folder = os.path.dirname(folder)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where the
    system or file system cannot, and the caller falls back to two renames."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    import ctypes  # here: a build that changes nothing swaps nothing

    try:
        # Looked up among the symbols the process has loaded (the C library's among them).
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None  # not glibc 2.28+ on Linux
    function.argtypes = [
        ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint
    ]  # fmt: skip
    function.restype = ctypes.c_int
    return function
