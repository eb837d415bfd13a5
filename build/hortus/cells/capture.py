"""What a note's steps show, in the order they show it: what they print, on Python's streams
and (in a process of the note's own) on file descriptors 1 and 2, and what display(), a
value and plt.show() add between the prints."""

from __future__ import annotations

import io
import os
import re
import sys
from types import TracebackType
from typing import Any

from hortus.cells.records import Output, StreamName, StreamOutput

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


class Streams:
    """What one step showed, in order: stdout/stderr text (each stream capped at OUTPUT_LIMIT)
    and the outputs shown between writes."""

    def __init__(self) -> None:
        # A run of one stream's writes, or an output shown between them.
        self.items: list[tuple[StreamName, list[str]] | Output] = []
        self.kept: dict[StreamName, int] = {"stdout": 0, "stderr": 0}
        self.dropped: dict[StreamName, int] = {"stdout": 0, "stderr": 0}

    def add(self, output: Output) -> None:
        self.items.append(output)

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
        last = self.items[-1] if self.items else None
        if isinstance(last, tuple) and last[0] == name:
            last[1].append(text)
        else:
            self.items.append((name, [text]))

    def outputs(self) -> list[Output]:
        shown: list[Output] = [
            StreamOutput(item[0], "".join(item[1])) if isinstance(item, tuple) else item
            for item in self.items
        ]
        for name, dropped in self.dropped.items():
            if not dropped:
                continue
            notice = f"[... output truncated: {dropped} bytes not shown]\n"
            runs = [
                i for i, o in enumerate(shown) if isinstance(o, StreamOutput) and o.name == name
            ]
            if not runs:
                shown.append(StreamOutput(name, notice))
                continue
            text = shown[runs[-1]].text  # type: ignore[union-attr]
            sep = "" if not text or text.endswith("\n") else "\n"
            shown[runs[-1]] = StreamOutput(name, text + sep + notice)
        return shown


# The capture of the note running in this process, for display() and plt.show().
_current: OutputCapture | None = None


def current_capture() -> OutputCapture | None:
    """The running note's capture; None outside a run."""
    return _current


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
        self.previous: OutputCapture | None = None
        self.keep = True  # whether the step's outputs are kept (not with `output: false`)
        self.quiet_stderr = False  # whether what the step prints on stderr is dropped

    def __enter__(self) -> OutputCapture:
        global _current
        self.fds = DescriptorCapture() if self.descriptors else None
        self.saved = (sys.stdin, sys.stdout, sys.stderr)
        sys.stdin = io.StringIO("")  # input() fails at once instead of hanging
        sys.stdout = StreamWriter(self, "stdout", 1)
        sys.stderr = StreamWriter(self, "stderr", 2)
        self.previous, _current = _current, self
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        global _current
        _current = self.previous
        sys.stdin, sys.stdout, sys.stderr = self.saved
        if self.fds is not None:
            self.fds.close()

    def begin_step(self, keep: bool = True, quiet_stderr: bool = False) -> None:
        """A new step: what it shows is kept when `keep`; its stderr is dropped when
        `quiet_stderr` (knitr's `message: false`)."""
        self.streams = Streams()
        self.keep = keep
        self.quiet_stderr = quiet_stderr

    def show(self, outputs: list[Output]) -> None:
        """Outputs shown now (display(), a value, plt.show()), after what was printed so far."""
        if not outputs or not self.keep:
            return
        if self.fds is not None:
            self.fds.drain(self.streams)
        for output in outputs:
            self.streams.add(output)

    def step_outputs(self) -> list[Output]:
        """What the step showed, in order, descriptors included."""
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
        if not (self._name == "stderr" and self._capture.quiet_stderr):
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
