"""A page of the site changed or removed by hand is made again by the next build, whether
the last build's output is checked in the build's own process (a small site) or in a child
beside the look at the inputs (a large one): an edit of another note, and a build with no
change at all, both put it back as a build without a cache makes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_harness import build_as_cold, make_project
from hortus.config import load_settings
from hortus.pipeline import build_site, unchanged

NOTES = {
    "hub.md": "# Hub\n\nSee [[alpha]] and [[beta]].\n",
    "alpha.md": "---\naliases: [first]\n---\n# Alpha\n\nThe first page.\n",
    "beta.md": "# Beta\n\nThe second page, linking [[alpha]].\n",
    **{f"n{i}.md": f"# Note {i}\n\nQuiet words of note {i}.\n" for i in range(6)},
}


@pytest.fixture(params=["in the build", "in a child"])
def checked_where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "in a child":
        monkeypatch.setattr(unchanged, "FORKED_CHECK_MIN", 1)
    return str(request.param)


def test_an_edit_puts_back_a_page_changed_by_hand(tmp_path: Path, checked_where: str) -> None:
    notes = make_project(tmp_path, NOTES)
    _, cold = build_as_cold(tmp_path, notes)
    page = tmp_path / "public" / "beta" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<p>scribbled</p>", encoding="utf-8")
    (tmp_path / "public" / "n2" / "index.html").unlink()
    (notes / "n4.md").write_text("# Note 4\n\nNew words of note 4.\n", encoding="utf-8")
    result, after = build_as_cold(tmp_path, notes)  # the same bytes as a cold build
    assert "scribbled" not in page.read_text(encoding="utf-8")
    assert after["beta/index.html"] == cold["beta/index.html"]
    assert after["n2/index.html"] == cold["n2/index.html"]
    assert result.reused > 0  # the other pages were kept, not made again


def test_a_build_with_no_change_puts_back_a_page_changed_by_hand(
    tmp_path: Path, checked_where: str
) -> None:
    notes = make_project(tmp_path, NOTES)
    _, cold = build_as_cold(tmp_path, notes)
    page = tmp_path / "public" / "alpha" / "index.html"
    page.write_text("<p>replaced</p>", encoding="utf-8")
    again = build_site(load_settings(tmp_path), notes, tmp_path / "public", strict=False)
    assert again.built and not again.unchanged
    assert page.read_bytes() == cold["alpha/index.html"]
    last = build_site(load_settings(tmp_path), notes, tmp_path / "public", strict=False)
    assert last.unchanged  # and then the output is as the record says
