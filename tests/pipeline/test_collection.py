"""A build, and the look at whether anything changed, run without Python's cycle collector:
their tables and records are made of many objects that live to the build's end."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import TypeVar

import pytest

from hortus.config import load_settings
from hortus.pipeline import BuildResult, Checked, build_if_unchanged, build_site

T = TypeVar("T")


def _in_hortus(frame: FrameType | None) -> bool:
    while frame is not None:
        if f"{os.sep}hortus{os.sep}" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations the cycle collector went over while hortus code ran, during the test;
    every new object asks for a collection, so a build with the collector on makes many.
    Those the test's own calls set off (the arguments of a call, before the build has
    paused the collector) are not the build's, and are not counted."""
    seen: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and _in_hortus(sys._getframe(1)):
            seen.append(info["generation"])

    threshold, enabled = gc.get_threshold(), gc.isenabled()
    gc.enable()
    gc.set_threshold(1)
    gc.callbacks.append(count)
    try:
        yield seen
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)
        if not enabled:
            gc.disable()


def test_a_build_and_its_look_for_changes_collect_no_cycles(
    tmp_path: Path, collections: list[int]
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(30):
        text = f"---\ndg-publish: true\ntags: [t{i % 3}]\n---\n# N{i}\n\nSee [[n{(i + 1) % 30}]].\n"
        (notes / f"n{i}.md").write_text(text, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    settings, out = load_settings(tmp_path), tmp_path / "public"

    def run(call: Callable[[], T]) -> T:
        before = len(collections)
        made = call()
        assert collections[before:] == []
        assert gc.isenabled()  # as it was before
        return made

    first = run(lambda: build_site(settings, notes, out, strict=False, jobs=1))
    assert first.built
    (notes / "n0.md").write_text("---\ndg-publish: true\n---\n# N0 again\n", encoding="utf-8")
    found = run(lambda: build_if_unchanged(settings, notes, out, strict=False))
    assert isinstance(found, Checked)
    edit = run(lambda: build_site(settings, notes, out, strict=False, jobs=1, checked=found))
    assert edit.built and "N0 again" in (out / "n0" / "index.html").read_text(encoding="utf-8")
    same = run(lambda: build_if_unchanged(settings, notes, out, strict=False))
    assert isinstance(same, BuildResult) and same.unchanged
    before = len(collections)
    load_settings(tmp_path)  # hortus code outside a build: the collector runs, and is seen
    assert collections[before:]
