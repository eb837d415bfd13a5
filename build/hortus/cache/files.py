"""Writing a cache's and a site's many small files: through the system's own calls, with paths
as text. A cold build writes a file per note and per page, and a Path, a buffered file
object and asking for the folder first cost more than the write itself."""

from __future__ import annotations

import os

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def write_file(target: str, raw: bytes) -> None:
    """`raw` into the file `target` (made, or emptied first), its folder made when new."""
    try:
        fd = os.open(target, _NEW_FILE, 0o666)
    except FileNotFoundError:  # its folder is new
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, _NEW_FILE, 0o666)
    try:
        left = memoryview(raw)
        while left:
            left = left[os.write(fd, left) :]
    finally:
        os.close(fd)
