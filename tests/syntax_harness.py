"""What the tests of the Obsidian syntax plugins share: the base parser, every plugin in
order, and fixture files read as parametrized cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from hortus.markdown.plugins import (
    blockids_plugin,
    callouts_plugin,
    comments_plugin,
    mark_plugin,
    tags_plugin,
)

ALL = (comments_plugin, callouts_plugin, mark_plugin, tags_plugin, blockids_plugin)
FIXTURE_DIR = Path(__file__).parent / "fixtures"


def parser(*plugins: Callable[[MarkdownIt], None]) -> MarkdownIt:
    """The project's base Markdown, with the given Obsidian plugins in that order."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin)
    for plugin in plugins:
        md.use(plugin)
    return md


def fixtures(name: str) -> list[tuple[int, str, str, str]]:
    return read_fixture_file(FIXTURE_DIR / name)


def fixture_cases(name: str, mode: str) -> list[pytest.ParameterSet]:
    """Fixtures titled `[all] ...` need every plugin; `[alone] ...` only this one."""
    skip = "[all]" if mode == "alone" else "[alone]"
    return [
        pytest.param(text, expected, id=f"{line}-{title}")
        for line, title, text, expected in fixtures(name)
        if not title.startswith(skip)
    ]
