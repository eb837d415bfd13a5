"""vercel.json really deploys: `vercel build` (the pinned CLI, offline, no account) builds the site.

The Vercel CLI runs the installCommand and buildCommand of vercel.json in a copy of the
repository and writes the deployment in the Build Output API form (.vercel/output/). The
install runs in a throwaway virtual environment that sees this interpreter's packages, so pip
finds the dependencies already satisfied and only installs hortus itself, from the copy.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI_DIR = ROOT / "tests" / "vercel"
STAMP = CLI_DIR / "node_modules" / ".hortus-installed"
SITE_FILES = (
    "notes",
    "theme",
    "build",
    "pyproject.toml",
    "package.json",
    "package-lock.json",
    "vercel.json",
    "README.md",
)
IMMUTABLE = "public, max-age=31536000, immutable"
HEADING = "梯度下降关心的是什么"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="node and npm are needed to run the Vercel CLI (npm package `vercel`)",
)


def _lock_digest() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((CLI_DIR / name).read_bytes())
    return digest.hexdigest()


def _vercel_cli() -> Path:
    """The pinned Vercel CLI; `npm ci` installs it unless node_modules matches the lock."""
    cli = CLI_DIR / "node_modules" / "vercel" / "dist" / "vc.js"
    wanted = _lock_digest()
    if not (cli.is_file() and STAMP.is_file() and STAMP.read_text(encoding="utf-8") == wanted):
        npm = shutil.which("npm")
        assert npm is not None
        done = subprocess.run(
            [npm, "ci", "--prefix", str(CLI_DIR), "--no-audit", "--no-fund"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=600,
        )
        assert done.returncode == 0, f"npm ci --prefix tests/vercel failed:\n{done.stderr[-4000:]}"
        STAMP.write_text(wanted, encoding="utf-8")
    assert cli.is_file(), "npm ci did not install the vercel package"
    return cli


def _copy_site(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", ".DS_Store")
    for name in SITE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, dest / name)


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _redirect(routes: list[dict], path: str) -> str | None:
    """Where the deployment's routes send `path` with a 308, or None when it is served as is."""
    for route in routes:
        if "handle" in route:
            return None
        found = re.match(route.get("src", "(?!)"), path)
        if found and route.get("status") in (301, 302, 307, 308):
            location = route.get("headers", {}).get("Location", "")
            return found.expand(re.sub(r"\$(\d+)", r"\\g<\1>", location))
    return None


def test_vercel_build_deploys_the_site(tmp_path: Path) -> None:
    cli = _vercel_cli()
    config = json.loads((ROOT / "vercel.json").read_text(encoding="utf-8"))
    project = tmp_path / "site"
    project.mkdir()
    _copy_site(project)
    # What `vercel pull` would write for this repository imported in the dashboard: Vercel
    # detects the Python preset (pyproject.toml) and sets no commands. vercel.json overrides
    # these settings, so the framework and the commands must all come from it.
    (project / ".vercel").mkdir()
    (project / ".vercel" / "project.json").write_text(
        json.dumps(
            {
                "projectId": "prj_test",
                "orgId": "team_test",
                "settings": {
                    "framework": "python",
                    "buildCommand": None,
                    "outputDirectory": None,
                    "installCommand": None,
                    "devCommand": None,
                    "rootDirectory": None,
                    "nodeVersion": "24.x",
                },
            }
        ),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "VERCEL_TELEMETRY_DISABLED": "1",
        "NO_UPDATE_NOTIFIER": "1",
        # The JavaScript CLI on every platform (macOS would otherwise run the native binary).
        "VERCEL_CLI_USE_NATIVE_BINARY": "0",
        # The installCommand's `npm install` takes KaTeX from npm's cache when it is there.
        "npm_config_prefer_offline": "true",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
    }
    for name in ("PYTHONPATH", "PYTHONHOME", "PIP_USER", "PIP_TARGET", "PIP_PREFIX", "VIRTUAL_ENV"):
        env.pop(name, None)
    log = _vercel_build(cli, project, env, tmp_path / "vercel-global")
    assert re.search(r"cells run for [1-9]\d* notes", log), log

    output = project / ".vercel" / "output"
    static = output / "static"
    assert (static / "index.html").is_file(), log
    page = static / "notion" / "index.html"
    assert page.is_file(), log
    html = page.read_text(encoding="utf-8")
    assert HEADING in html
    assert 'class="katex"' in html

    routes = json.loads((output / "config.json").read_text(encoding="utf-8"))["routes"]
    cached = [
        route
        for route in routes
        if route.get("headers", {}).get("Cache-Control") == IMMUTABLE and "src" in route
    ]
    assert cached, f"no route sends {IMMUTABLE!r}: {routes}"
    assets = sorted(p for p in (static / "assets").rglob("*") if p.is_file())
    assert assets, "the build wrote no content-hashed assets"
    for asset in assets:
        url = "/" + asset.relative_to(static).as_posix()
        assert any(re.match(route["src"], url) for route in cached), url
    assert not any(re.match(route["src"], "/notion/") for route in cached)
    # cleanUrls and trailingSlash: every page has one address, /notion/.
    assert config["cleanUrls"] is True and config["trailingSlash"] is True
    assert _redirect(routes, "/notion") == "/notion/", routes
    assert _redirect(routes, "/notion/index.html") == "/notion/", routes
    assert _redirect(routes, "/notion/") is None, routes
    assert _redirect(routes, "/" + assets[0].relative_to(static).as_posix()) is None, routes

    # A second deploy of the same checkout finds the first one's cache where Vercel keeps it
    # (node_modules/, which survives the install step) and runs no cell again.
    assert (project / "node_modules" / ".cache" / "hortus" / "cells").is_dir()
    again = _vercel_build(cli, project, env, tmp_path / "vercel-global")
    assert re.search(r"cells run for 0 notes, [1-9]\d* from cache", again), again
    assert "files kept from the last build" in again or "unchanged since" in again, again
    assert page.read_text(encoding="utf-8") == html


def _vercel_build(cli: Path, project: Path, env: dict[str, str], config: Path) -> str:
    """`vercel build` in `project`; its log, once it has succeeded."""
    node = shutil.which("node")
    assert node is not None
    started = time.monotonic()
    done = subprocess.run(
        [node, str(cli), "build", "--yes", "--global-config", str(config)],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=900,
    )
    print(f"vercel build took {time.monotonic() - started:.1f} s")
    log = f"--- stdout\n{done.stdout[-6000:]}\n--- stderr\n{done.stderr[-6000:]}"
    assert done.returncode == 0, f"vercel build failed:\n{log}"
    return log


def test_readme_build_command_is_what_vercel_runs() -> None:
    """A new user and Vercel run the same commands, so a green deploy means a working README."""
    config = json.loads((ROOT / "vercel.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"<!-- build-command -->\n```sh\n(.+)\n```", readme)
    assert command is not None
    assert command.group(1) == f"{config['installCommand']} && {config['buildCommand']}"
