"""The garden's layout, made in a process of its own beside a cold build of a large garden,
draws the same /graph/ page as one made in the build's own process."""

from __future__ import annotations

import random
from pathlib import Path

from build_harness import make_project
from hortus.config import load_settings
from hortus.pipeline import build_site
from hortus.pipeline.graph import LAYOUT_BESIDE_MIN


def garden(count: int) -> dict[str, str]:
    """`count` notes, each linking to the next and to two others picked at random."""
    rng = random.Random(7)
    notes = {}
    for i in range(count):
        links = {(i + 1) % count, rng.randrange(count), rng.randrange(count)} - {i}
        text = " ".join(f"[[Note {j}]]" for j in sorted(links))
        notes[f"Note {i}.md"] = f"# Note {i}\n\nSee {text}.\n"
    return notes


def test_a_large_garden_laid_out_beside_draws_as_laid_out_in_the_build(tmp_path: Path) -> None:
    notes = make_project(tmp_path, garden(LAYOUT_BESIDE_MIN + 20))
    settings = load_settings(tmp_path)
    beside = build_site(settings, notes, tmp_path / "beside", strict=False, jobs=2)
    alone = build_site(settings, notes, tmp_path / "alone", strict=False, jobs=1, use_cache=False)
    assert beside.built and alone.built
    drawn = (tmp_path / "beside" / "graph" / "index.html").read_bytes()
    assert drawn == (tmp_path / "alone" / "graph" / "index.html").read_bytes()
    assert drawn.count(b"<circle ") == LAYOUT_BESIDE_MIN + 20  # every note drawn
