"""`hortus serve` through the real command line: clean URLs, rebuild on save, the error box
for a failing claim or a broken theme, a page in Chromium that reloads itself, and Ctrl-C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import ctrl_c_as_in_a_terminal, run_hortus
from hortus.config import default_theme_dir

P = "---\ndg-publish: true\n---\n"
BOX = 'id="hortus-serve-errors"'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`python -m hortus serve` in a project folder, its output in a log file."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = project / "serve.log"
        self.log_file = self.log_path.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hortus", "serve", "--port", str(self.port)],
            cwd=project,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=ctrl_c_as_in_a_terminal,  # stopped by Ctrl-C below
        )
        self._wait(lambda: "hortus: serving" in self.log(), 120, "the server to start")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def fetch(self, path: str) -> tuple[int, str, dict[str, str]]:
        """Status, body and headers; redirects are not followed."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(self.url + path, timeout=10) as response:
                body = response.read().decode("utf-8")
                return response.status, body, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8"), dict(error.headers)

    def page_when(self, path: str, test: Callable[[str], bool], seconds: float) -> str:
        """The page once `test` holds for it; fails after `seconds`."""
        found: list[str] = []

        def check() -> bool:
            found[:] = [self.fetch(path)[1]]
            return test(found[0])

        self._wait(check, seconds, f"{path} to change")
        return found[0]

    def _wait(self, check: Callable[[], bool], seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"hortus serve exited with {self.proc.returncode}:\n{self.log()}")
            if check():
                return
            time.sleep(0.05)
        pytest.fail(f"waited {seconds} s for {what}; log:\n{self.log()}")

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=30)
        self.log_file.close()
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(files: dict[str, str], *, own_theme: bool = False) -> Server:
        project = tmp_path / "site"
        (project / "notes").mkdir(parents=True)
        (project / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
        if own_theme:  # a project's theme/ replaces the default one, and is watched
            shutil.copytree(default_theme_dir(), project / "theme")
        for name, text in files.items():
            (project / "notes" / name).write_text(text, encoding="utf-8")
        servers.append(Server(project))
        return servers[-1]

    yield start
    for server in servers:
        server.kill()


def _box(page: str) -> str:
    match = re.search(r'<div id="hortus-serve-errors".*?</div>', page, re.S)
    return match.group(0) if match else ""


def test_serve_rebuilds_on_save_and_shows_errors_without_stopping(serve) -> None:
    server = serve({"note.md": P + "# Note\n\nThe first version.\n"})
    note = server.project / "notes" / "note.md"

    status, page, headers = server.fetch("/note/")
    assert status == 200 and "The first version." in page
    assert "/__hortus/live.js" in page and BOX not in page
    assert headers["Cache-Control"] == "no-store"
    # The script is added to the response only; the built file is the plain page.
    built = server.project / ".hortus" / "serve" / str(server.port) / "site" / "note" / "index.html"
    assert "The first version." in built.read_text(encoding="utf-8")
    assert "__hortus" not in built.read_text(encoding="utf-8")
    assert not (server.project / "public").exists()
    # Clean URLs, as on Vercel: a trailing slash is added, a miss gets the site's 404 page.
    status, _, headers = server.fetch("/note")
    assert status == 302 and headers["Location"] == "/note/"
    status, page, _ = server.fetch("/no/such/page/")
    assert status == 404 and "/__hortus/live.js" in page
    assert server.fetch("/__hortus/live.js")[0] == 200

    started = time.monotonic()
    note.write_text(P + "# Note\n\nThe second version.\n", encoding="utf-8")
    server.page_when("/note/", lambda page: "The second version." in page, 5)
    assert time.monotonic() - started < 5
    done = re.compile(r"rebuilt in [\d.]+ s \(note\.md\)")
    server._wait(lambda: bool(done.search(server.log())), 10, "the rebuild after the preview")
    # Counted by the file named on the line: the default theme is watched too, and may change.
    rebuilds = len(re.findall(r"rebuilt in [\d.]+ s \(note\.md\)", server.log()))
    assert rebuilds == 1, server.log()

    # A save that changes nothing rebuilds nothing.
    note.write_text(P + "# Note\n\nThe second version.\n", encoding="utf-8")
    time.sleep(1.0)
    assert len(re.findall(r"rebuilt in [\d.]+ s \(note\.md\)", server.log())) == rebuilds

    # A failing claim: the server keeps answering, the box names the note and the line.
    claim_line = 9
    broken = P + '# Note\n\nThe broken version.\n\n```{python}\nclaim("x", 1, 2)\n```\n'
    assert broken.splitlines()[claim_line - 1] == 'claim("x", 1, 2)'
    note.write_text(broken, encoding="utf-8")
    page = server.page_when("/note/", lambda page: BOX in page, 20)
    box = _box(page)
    assert f"note.md:{claim_line}: claim failed: x: expected 2, got 1" in box
    assert "The broken version." in page and "claim-failed" in page  # shown where it stands
    status, home, _ = server.fetch("/")
    assert status == 200 and BOX in home  # on every page
    assert f"note.md:{claim_line}: claim failed" in server.log()

    note.write_text(P + "# Note\n\nThe fixed version.\n", encoding="utf-8")
    # Both at once: the new files are in place a moment before the build is published.
    server.page_when("/note/", lambda page: "The fixed version." in page and BOX not in page, 10)

    assert server.interrupt() == 0
    log = server.log()
    assert "Traceback" not in log and "hortus: stopped" in log
    assert not (server.project / ".hortus" / "serve").exists()


def test_edited_page_is_shown_first_then_the_rest_of_the_site(serve) -> None:
    """A save that changes a note's text is answered by rendering that page alone; the full
    (incremental) build follows and brings the pages that embed it up to date."""
    server = serve(
        {
            "note.md": P + "# Note\n\nThe first version, $x^2$.\n",
            "host.md": P + "# Host\n\n![[note]]\n\nSee [[note]].\n",
        }
    )
    note = server.project / "notes" / "note.md"
    note.write_text(P + "# Note\n\nThe second version, $y^3$.\n", encoding="utf-8")
    page = server.page_when("/note/", lambda page: "The second version" in page, 5)
    assert 'class="katex"' in page and "math-error" not in page  # its new formula typeset
    server.page_when("/host/", lambda page: "The second version" in page, 10)
    server._wait(lambda: "rebuilt in" in server.log().split("edited page(s) shown")[-1], 10, "")
    log = server.log()
    assert re.search(r"hortus: 1 edited page\(s\) shown in [\d.]+ s \(note\.md\)", log), log
    # A new note is more than an edit of one page's text: only the full build shows it.
    (server.project / "notes" / "new.md").write_text(P + "# New\n\nHello.\n", "utf-8")
    server.page_when("/new/", lambda page: "Hello." in page, 10)
    assert len(re.findall("edited page", server.log())) == 1
    assert server.interrupt() == 0
    assert "Traceback" not in server.log()


def test_an_edit_is_shown_while_a_long_build_runs(serve) -> None:
    """A save made while the site is rebuilding (here, a slow cell) is shown at once, and
    the end of that build does not take it back."""
    slow = P + "# Slow\n\n```{python}\nimport time\ntime.sleep(4)  # v1\n```\n"
    server = serve({"slow.md": slow, "note.md": P + "# Note\n\nVersion one.\n"})
    notes = server.project / "notes"
    (notes / "slow.md").write_text(slow.replace("v1", "v2"), encoding="utf-8")
    time.sleep(1.0)  # the rebuild for slow.md is now running its cell
    saved = time.monotonic()
    (notes / "note.md").write_text(P + "# Note\n\nVersion two.\n", encoding="utf-8")
    server.page_when("/note/", lambda page: "Version two." in page, 10)
    assert time.monotonic() - saved < 2.5, server.log()
    assert "(slow.md)" not in server.log()  # the slow rebuild has not finished
    server._wait(lambda: "(slow.md)" in server.log(), 20, "the slow rebuild")
    assert "Version two." in server.fetch("/note/")[1]  # not taken back by that build
    server._wait(lambda: "rebuilt in" in server.log().split("(slow.md)")[-1], 20, "")
    assert "Version two." in server.fetch("/note/")[1]
    assert server.interrupt() == 0


def test_exception_inside_build_keeps_last_good_pages(serve) -> None:
    """A broken template makes the build raise: the last good pages stay up, with the box."""
    server = serve({"note.md": P + "# Note\n\nSome text.\n"}, own_theme=True)
    template = server.project / "theme" / "templates" / "note.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good + "{% if %}", encoding="utf-8")
    page = server.page_when("/note/", lambda page: BOX in page, 10)
    assert "internal error: TemplateSyntaxError" in _box(page)
    assert "the last good pages are shown" in _box(page)
    assert "Some text." in page
    template.write_text(good, encoding="utf-8")
    server.page_when("/note/", lambda page: BOX not in page, 10)
    assert server.interrupt() == 0
    assert "Traceback" not in server.log()


def settled_evaluate(page, expression: str, tries: int = 5) -> object:
    """`expression` in the page once it is loaded: a save the watcher reports twice reloads
    the page twice, and a question asked during the second reload has no page to ask."""
    from playwright.sync_api import Error

    for _ in range(tries - 1):
        page.wait_for_load_state()
        try:
            return page.evaluate(expression)
        except Error as error:
            if "context was destroyed" not in str(error):
                raise
    return page.evaluate(expression)


def test_open_page_reloads_itself_after_a_save(serve, page) -> None:
    server = serve({"note.md": P + "# Note\n\nBefore the edit.\n"})
    page.goto(server.url + "/note/")
    assert "Before the edit." in page.inner_text("body")
    page.evaluate("window.notReloaded = true")

    started = time.monotonic()
    (server.project / "notes" / "note.md").write_text(
        P + "# Note\n\nAfter the edit.\n", encoding="utf-8"
    )
    page.wait_for_function(
        "document.body && document.body.innerText.includes('After the edit.')", timeout=3000
    )
    elapsed = time.monotonic() - started
    assert settled_evaluate(page, "window.notReloaded === undefined")  # a real reload, by itself
    assert elapsed < 3, elapsed
    # Ctrl-C with a browser still listening for the next build.
    assert server.interrupt() == 0
    assert "Traceback" not in server.log()


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        proc = run_hortus("serve", "--port", port, cwd=tmp_path)
    assert proc.returncode == 1
    assert f"hortus: error: cannot listen on 127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stderr
