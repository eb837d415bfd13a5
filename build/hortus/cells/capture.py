"""What a note's steps show: what they print, on Python's streams and (in a process of the
note's own) on file descriptors 1 and 2, and the value of a cell's last expression."""

from __future__ import annotations

import io
import os
import re
import sys
from types import TracebackType
from typing import Any

from hortus.cells.figures import figure_svg, held_by_pyplot, is_figure
from hortus.cells.records import FigureOutput, Output, StreamName, StreamOutput, ValueOutput

# Per stream and cell: a cell that prints megabytes must not bloat the page or the cache.
OUTPUT_LIMIT = 100_000

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def without_addresses(text: str) -> str:
    """`<object at 0x7f...>` as `<object>`: addresses differ from run to run."""
    return _ADDRESS.sub(">", text)


def truncate(text: str) -> str:
    if len(text) <= OUTPUT_LIMIT:
        return text
    dropped = len(text[OUTPUT_LIMIT:].encode("utf-8", "surrogateescape"))
    return text[:OUTPUT_LIMIT] + f"\n[... output truncated: {dropped} bytes not shown]"


def display_value(value: Any) -> list[Output]:
    """What Jupyter shows for a cell's last expression."""
    if value is None:
        return []
    if is_figure(value):
        return [] if held_by_pyplot(value) else [FigureOutput(figure_svg(value))]
    text = truncate(without_addresses(repr(value)))
    html = None
    repr_html = getattr(value, "_repr_html_", None)
    if callable(repr_html) and not isinstance(value, type):
        try:
            produced = repr_html()
            html = None if produced is None else truncate(str(produced))
        except Exception:  # as Jupyter: a broken formatter falls back to the plain repr
            html = None
    return [ValueOutput(text, html)]


class Streams:
    """stdout/stderr of one step in order of appearance, each stream capped at OUTPUT_LIMIT."""

    def __init__(self) -> None:
        self.chunks: list[tuple[StreamName, list[str]]] = []
        self.kept: dict[StreamName, int] = {"stdout": 0, "stderr": 0}
        self.dropped: dict[StreamName, int] = {"stdout": 0, "stderr": 0}

    def write(self, name: StreamName, text: str, dropped: int = 0) -> None:
        self.dropped[name] += dropped
        if not text:
            return
        room = OUTPUT_LIMIT - self.kept[name]
        if room <= 0:
            self.dropped[name] += len(text.encode("utf-8", "surrogateescape"))
            return
        if len(text) * 4 > room:  # may not fit: count bytes exactly
            data = text.encode("utf-8", "surrogateescape")
            if len(data) > room:
                text = data[:room].decode("utf-8", "ignore")
                kept = len(text.encode("utf-8", "surrogateescape"))
                self.dropped[name] += len(data) - kept
                self.kept[name] = OUTPUT_LIMIT
            else:
                self.kept[name] += len(data)
        else:
            self.kept[name] += len(text.encode("utf-8", "surrogateescape"))
        if self.chunks and self.chunks[-1][0] == name:
            self.chunks[-1][1].append(text)
        else:
            self.chunks.append((name, [text]))

    def outputs(self) -> list[StreamOutput]:
        texts = [(name, "".join(parts)) for name, parts in self.chunks]
        for name, dropped in self.dropped.items():
            if not dropped:
                continue
            notice = f"[... output truncated: {dropped} bytes not shown]\n"
            last = next((i for i in reversed(range(len(texts))) if texts[i][0] == name), None)
            if last is None:
                texts.append((name, notice))
            else:
                text = texts[last][1]
                sep = "" if not text or text.endswith("\n") else "\n"
                texts[last] = (name, text + sep + notice)
        return [StreamOutput(name, text) for name, text in texts]


class OutputCapture:
    """The standard streams of the process while a note runs, collected step by step.

    With `descriptors`, descriptors 0-2 are swapped too (for the output of C code and of
    programs the cells start): only in a process of the note's own, since they are shared by
    the whole process."""

    def __init__(self, descriptors: bool) -> None:
        self.streams = Streams()
        self.descriptors = descriptors
        self.fds: DescriptorCapture | None = None
        self.saved: tuple[Any, Any, Any] = (sys.stdin, sys.stdout, sys.stderr)

    def __enter__(self) -> OutputCapture:
        self.fds = DescriptorCapture() if self.descriptors else None
        self.saved = (sys.stdin, sys.stdout, sys.stderr)
        sys.stdin = io.StringIO("")  # input() fails at once instead of hanging
        sys.stdout = StreamWriter(self, "stdout", 1)
        sys.stderr = StreamWriter(self, "stderr", 2)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        sys.stdin, sys.stdout, sys.stderr = self.saved
        if self.fds is not None:
            self.fds.close()

    def begin_step(self) -> None:
        self.streams = Streams()

    def step_outputs(self) -> list[StreamOutput]:
        """What the step wrote, descriptors included."""
        if self.fds is not None:
            self.fds.drain(self.streams)
        return self.streams.outputs()


class StreamWriter(io.TextIOBase):
    """sys.stdout/sys.stderr during a run: appends to the running step's streams."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, capture: OutputCapture, name: StreamName, fd: int) -> None:
        self._capture = capture
        self._name = name
        self._fd = fd
        self.buffer = BytesWriter(self)

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._capture.streams.write(self._name, text)
        return len(text)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fd  # e.g. subprocess(stdout=sys.stdout): lands in the descriptor capture


class BytesWriter:
    """`sys.stdout.buffer` for code that writes bytes."""

    def __init__(self, text: StreamWriter) -> None:
        self._text = text

    def write(self, data: bytes) -> int:
        self._text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return self._text.fileno()


class DescriptorCapture:
    """Descriptors 0-2 of the process: stdin from /dev/null, 1 and 2 into unlinked temp files.

    Catches what C code and subprocesses write; read back (at most OUTPUT_LIMIT) after each step.
    """

    def __init__(self) -> None:
        import fcntl
        import tempfile

        self.saved = {fd: os.dup(fd) for fd in (0, 1, 2)}
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        self.files: dict[int, int] = {}
        for fd in (1, 2):
            handle, path = tempfile.mkstemp(prefix="hortus-out-")
            os.unlink(path)
            # O_APPEND: writers sharing the descriptor keep writing at the end after truncation.
            fcntl.fcntl(handle, fcntl.F_SETFL, fcntl.fcntl(handle, fcntl.F_GETFL) | os.O_APPEND)
            os.dup2(handle, fd)
            self.files[fd] = handle

    def drain(self, streams: Streams) -> None:
        names: tuple[tuple[int, StreamName], ...] = ((1, "stdout"), (2, "stderr"))
        for fd, name in names:
            handle = self.files[fd]
            size = os.fstat(handle).st_size
            if not size:
                continue
            data = os.pread(handle, min(size, OUTPUT_LIMIT), 0)
            os.ftruncate(handle, 0)
            streams.write(name, data.decode("utf-8", "replace"), dropped=size - len(data))

    def close(self) -> None:
        for fd, saved in self.saved.items():
            os.dup2(saved, fd)
            os.close(saved)
        for handle in self.files.values():
            os.close(handle)
