"""The search index comes out the same wherever Pagefind is driven from: a thread of the
build (an edit's few pages), a forked process (a cold build's hundreds) or a new
interpreter (a large garden's thousands, whose fork would copy the build's memory)."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_harness import make_project
from hortus.config import load_settings
from hortus.pipeline import build_site
from search_harness import searchable

NOTES = {
    "bootstrap.md": "# Bootstrap\n\nA quokkaphant estimate is read off the replicates.\n",
    "prior.md": "# Prior\n\n先验分布描述参数的不确定性。\n",
    "kernel.md": "# Kernel\n\nSee [[prior]] and [[bootstrap]].\n",
}
NEVER = 10**9


@pytest.mark.parametrize(
    ("fork_min", "fresh_min"),
    [(NEVER, NEVER), (1, NEVER), (1, 1)],
    ids=["thread", "fork", "new interpreter"],
)
def test_the_index_is_the_same_from_a_thread_a_fork_or_a_new_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork_min: int, fresh_min: int
) -> None:
    monkeypatch.setattr("hortus.site.search_index.FORK_MIN_PAGES", fork_min)
    monkeypatch.setattr("hortus.site.search_index.FRESH_MIN_PAGES", fresh_min)
    folder = make_project(tmp_path, NOTES)
    result = build_site(load_settings(tmp_path), folder, tmp_path / "public", strict=False)
    assert result.built, [str(d) for d in result.diagnostics.items]
    found = searchable(tmp_path / "public")
    assert sorted(found) == ["/bootstrap/", "/kernel/", "/prior/"]
    assert "quokkaphant" in found["/bootstrap/"]["content"]
    assert "先验分布" in found["/prior/"]["content"]
