"""Shared helpers: build a vault through the real command line and read what it wrote."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers follow what a test uses: a real browser, the whole command line, generated
    input. `pytest -m "not browser and not fuzz"` is the fast inner loop."""
    for item in items:
        folder = Path(str(item.fspath)).resolve().parent
        if {"browser", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if folder == TESTS / "e2e":
            item.add_marker(pytest.mark.e2e)
        if folder == TESTS / "fuzz":
            item.add_marker(pytest.mark.fuzz)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    out: Path

    def page(self, url: str) -> str:
        rel = url.strip("/")
        path = self.out / rel / "index.html" if rel else self.out / "index.html"
        return path.read_text(encoding="utf-8")


def git_at(repo: Path, *args: str, day: str, hour: str = "12:00:00") -> None:
    """`git args...` in `repo` as if run on `day` (author and committer dates), quietly."""
    stamp = f"{day}T{hour}Z"
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
    }  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, check=True, env=env, capture_output=True)


def ctrl_c_as_in_a_terminal() -> None:
    """A Popen `preexec_fn`: SIGINT as a terminal leaves it, for a test that presses Ctrl-C.
    A test run started in the background (`pytest &` in a script) ignores SIGINT, and
    Python leaves a signal ignored at its start ignored: its processes would run on."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_hortus(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "hortus", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.fixture
def build_vault(tmp_path: Path):
    """Write `files` into a fresh vault, build it with the CLI, return the result."""

    def build(files: dict[str, str | bytes], *extra: str, settings: str = "") -> Run:
        project = tmp_path / "site"
        notes = project / "notes"
        notes.mkdir(parents=True, exist_ok=True)
        (project / "pyproject.toml").write_text(f"[tool.hortus]\n{settings}\n", encoding="utf-8")
        for name, content in files.items():
            path = notes / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        proc = run_hortus("build", *extra, cwd=project)
        return Run(proc.returncode, proc.stdout, proc.stderr, project / "public")

    return build


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, no scripts, and not KaTeX's hidden MathML copy."""

    HIDDEN = ("script", "style", "annotation", "head")

    def __init__(self, hidden: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.HIDDEN = (*self.HIDDEN, *hidden)
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        hides = tag in self.HIDDEN or "katex-mathml" in classes
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        self.stack.append((tag, hides))
        self.hidden_depth += hides

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, hides = self.stack.pop()
            self.hidden_depth -= hides
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def visible_text(html: str, *, prose_only: bool = False) -> str:
    """With `prose_only`, code (which may well hold `**` or `$`) is left out too."""
    parser = VisibleText(("pre", "code") if prose_only else ())
    parser.feed(html)
    return "".join(parser.parts)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def serve_dir():
    """Serve a built site over HTTP on localhost, as Vercel would (clean URLs)."""
    import functools
    import threading

    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_SiteHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output readable


def article(html: str) -> str:
    """The note's own content: what the writer wrote, without explorer, sidebars or footer."""
    start = html.index("<article")
    return html[start : html.index("</article>", start)]
