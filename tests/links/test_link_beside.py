"""A build that links many notes links half of them in a second process: the site and its
warnings are those of one process linking them all, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_harness import make_project, outputs
from hortus.config import load_settings
from hortus.pipeline import BuildResult, build_site

# Twelve notes: links into headings and blocks, embeds, property links, broken and private
# links, and two attachments that want one output file (`My Pic.png`, `my-pic.png`), one
# reached from each half: the one reached first in path order keeps the plain name.
NOTES = {
    "Alpha.md": "# Alpha\n\n## Method\n\nA line. ^quote\n\nSee [[Beta#Result]].\n",
    "Beta.md": "# Beta\n\n## Result\n\n![[Alpha#^quote]] and [[Nowhere]].\n",
    "Gamma.md": '---\nrelated: "[[Alpha]]"\ntags: [x]\n---\n# Gamma\n\n[[Alpha#Missing]]\n',
    "Delta.md": "# Delta\n\n#x #y/z [[Secret]] ![[Gamma]]\n",
    "Secret.md": "---\npublish: false\n---\n# Secret\n",
    "Epsilon.md": "# Epsilon\n\n[[Alpha#^nope]] [[Delta]]\n",
    "Zeta.md": "# Zeta\n\n![[my-pic.png]] [[Eta]]\n",
    "Eta.md": "# Eta\n\n![[My Pic.png]] [[Zeta#Eta]]\n",
    "Theta.md": "# Theta\n\n[[Beta#Result|the result]] #y\n",
    "Iota.md": "# Iota\n\n![[Theta]] [[Kappa]]\n",
    "Kappa.md": "# Kappa\n\n[[Iota]] ^end\n",
    "Lambda.md": "# Lambda\n\n[[Kappa#^end]] [[my-pic.png]]\n",
}


def _build(root: Path, notes: Path, out: str) -> BuildResult:
    result = build_site(
        load_settings(root), notes, root / out, strict=False, use_cache=False, jobs=2
    )
    assert result.built, [str(d) for d in result.diagnostics.items]
    return result


def test_two_processes_link_as_one_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notes = make_project(tmp_path, NOTES)
    (notes / "My Pic.png").write_bytes(b"\x89PNG one")
    (notes / "my-pic.png").write_bytes(b"\x89PNG two")
    monkeypatch.setattr("hortus.links.stage.PARALLEL_LINK_MIN", 4)
    two = _build(tmp_path, notes, "two")
    monkeypatch.setattr("hortus.links.stage.PARALLEL_LINK_MIN", 10**9)
    one = _build(tmp_path, notes, "one")
    assert outputs(tmp_path / "two") == outputs(tmp_path / "one")
    said = [str(d) for d in two.diagnostics.items]
    assert said == [str(d) for d in one.diagnostics.items]
    assert any("broken" in s or "no note" in s for s in said)
