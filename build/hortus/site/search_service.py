"""Pagefind's indexing service (`pagefind --service`, the protocol of its Python and Node APIs):
pages are handed to it as they come, and it writes the index when told to.

The `pagefind` package's own client reads one answer per tenth of a second, which makes a
thousand pages cost a hundred seconds; this one reads them as they arrive, in a thread, so
that pages can be sent without waiting for each answer."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

from hortus.diagnostics import BuildError

TIMEOUT_SECONDS = 600


class PagefindService:
    """One `pagefind --service` process and the answers it has given, by message number."""

    def __init__(self, binary: Path, cwd: Path) -> None:
        # Pagefind also reads PAGEFIND_* variables and a pagefind.* file in its working folder;
        # neither may change what the build writes.
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
        try:
            self._proc = subprocess.Popen(
                [str(binary), "--service"],
                cwd=cwd,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as e:
            raise BuildError(f"search: cannot run Pagefind ({binary}): {e}") from e
        self._sent = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self._ended = False
        self._said: list[bytes] = []  # what it wrote on stderr, for the error message
        self._changed = threading.Condition()
        self._threads = [
            threading.Thread(target=self._read_answers, daemon=True),
            threading.Thread(target=self._read_errors, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _read_answers(self) -> None:
        assert self._proc.stdout is not None
        pending: list[bytes] = []  # the start of an answer not yet ended by its comma
        while chunk := self._proc.stdout.read1(1 << 20):
            *ended, rest = chunk.split(b",")
            if not ended:
                pending.append(chunk)  # a large answer (the index's files) comes in many reads
                continue
            messages = [b"".join([*pending, ended[0]]), *ended[1:]]
            pending = [rest]
            answers = [json.loads(base64.b64decode(m)) for m in messages if m.strip()]
            with self._changed:
                for answer in answers:
                    number = answer.get("message_id")
                    if number is not None:
                        self._answers[number] = answer["payload"]
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def _read_errors(self) -> None:
        assert self._proc.stderr is not None
        for line in self._proc.stderr:
            self._said.append(line)

    def send(self, payload: dict[str, Any]) -> int:
        """Ask something of the service; returns the number its answer will carry."""
        assert self._proc.stdin is not None
        self._sent += 1
        message = {"message_id": self._sent, "payload": payload}
        try:
            self._proc.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        except (BrokenPipeError, ValueError):
            self._failed()
        return self._sent

    def answer(self, number: int) -> dict[str, Any]:
        """The answer to message `number`, once it has come. Raises BuildError when Pagefind
        reports an error, exits, or takes too long."""
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            self._failed()
        with self._changed:
            arrived = self._changed.wait_for(
                lambda: number in self._answers or self._ended, TIMEOUT_SECONDS
            )
            if not arrived:
                raise BuildError(f"search: Pagefind did not answer in {TIMEOUT_SECONDS} s")
            payload = self._answers.pop(number, None)
        if payload is None:
            self._failed()
        if payload.get("type") == "Error":
            raise BuildError(f"search: Pagefind failed: {payload.get('message', payload)}")
        return payload

    def _failed(self) -> None:
        try:
            code = self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        for thread in self._threads:
            thread.join(timeout=5)
        said = b"".join(self._said).decode("utf-8", "replace")
        lines = [line for line in said.splitlines() if line.strip()]
        tail = "\n".join(dict.fromkeys(lines))[-2000:]  # it repeats its errors
        raise BuildError(f"search: Pagefind failed (exit {code}):\n{tail}".rstrip())

    def close(self) -> None:
        """Stop the service (it holds its indexes in memory until then)."""
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ServiceIndex:
    """One index in a Pagefind service: pages go in as they are made, `write` writes it."""

    def __init__(self, service: PagefindService, config: dict[str, Any]) -> None:
        self.service = service
        answer = service.answer(service.send({"type": "NewIndex", "config": config}))
        self.number = int(answer["index_id"])
        self._pending: list[int] = []

    def add_html(self, url: str, html: str) -> None:
        """Index a page (HTML) at `url`, without waiting for Pagefind's answer."""
        payload = {
            "type": "AddFile",
            "index_id": self.number,
            "url": url,
            "file_path": None,
            "file_contents": html,
        }
        self._pending.append(self.service.send(payload))

    def files(self) -> dict[str, bytes]:
        """Wait for every page added, then the files of the index, by their path in it."""
        for number in self._pending:
            self.service.answer(number)
        self._pending.clear()
        answer = self.service.answer(
            self.service.send({"type": "GetFiles", "index_id": self.number})
        )
        return {f["path"]: base64.b64decode(f["content"]) for f in answer["files"]}
