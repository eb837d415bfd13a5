"""What the README says a machine needs is what hortus and its locked packages need: the
Python that pyproject.toml requires, and a Node that every package `npm ci` installs accepts,
so that `npm ci` gives no EBADENGINE warning on any Node the README names."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from conftest import REPO

NEEDS = re.search(
    r"You need Python (\d+)\.(\d+) or newer and Node\.js (\d+) or newer",
    (REPO / "README.md").read_text(encoding="utf-8"),
)
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is needed to read npm's ranges")


def readme_python() -> tuple[int, int]:
    assert NEEDS is not None, "README's Set up no longer says which Python and Node it needs"
    return int(NEEDS.group(1)), int(NEEDS.group(2))


def readme_node() -> int:
    assert NEEDS is not None, "README's Set up no longer says which Python and Node it needs"
    return int(NEEDS.group(3))


def test_the_python_named_is_the_one_pyproject_requires() -> None:
    major, minor = readme_python()
    with (REPO / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    assert project["requires-python"] == f">={major}.{minor}"
    assert sys.version_info >= (major, minor)


# npm's own range semantics (the semver package `npm ci` installs): which locked packages
# do not accept every Node from the minimum on.
REFUSING = """
const semver = require("semver");
const lock = require("./package-lock.json");
const from = `>=${process.argv[1]}.0.0`;
const refusing = Object.entries(lock.packages)
  .filter(([name, p]) => name && p.engines && typeof p.engines.node === "string")
  .filter(([, p]) => !semver.subset(from, p.engines.node))
  .map(([name, p]) => `${name} ${p.version} wants node ${p.engines.node}`);
console.log(JSON.stringify(refusing));
"""


@needs_node
def test_every_locked_package_accepts_the_node_named() -> None:
    assert NODE is not None
    if not (REPO / "node_modules" / "semver").is_dir():
        pytest.fail("node_modules/semver is missing: run `npm ci` (the README's set-up step)")
    done = subprocess.run(
        [NODE, "-e", REFUSING, str(readme_node())],
        cwd=REPO, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert json.loads(done.stdout) == []


@needs_node
def test_the_node_here_is_one_the_readme_names() -> None:
    assert NODE is not None
    version = subprocess.run(
        [NODE, "--version"], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert int(version.lstrip("v").split(".")[0]) >= readme_node(), version


def test_the_lock_pins_what_package_json_asks_for() -> None:
    package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    locked = lock["packages"]
    for name, version in {**package["dependencies"], **package["devDependencies"]}.items():
        assert locked[f"node_modules/{name}"]["version"] == version, name
