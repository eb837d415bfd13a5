"""A build with several broken notes runs them all, names each one (note:line, what went wrong),
then fails and leaves the previous site as it was."""

from __future__ import annotations

from pathlib import Path

from conftest import run_hortus

P = "---\ndg-publish: true\n---\n"
GOOD = P + "# Good\n\n```{python}\nprint('fine')\n```\n"
BROKEN = {
    "raises.md": P + "```{python}\nx = 1\nx / 0\n```\n",
    "claims.md": P + "```{python}\nclaim('two and two', 2 + 2, 5)\n```\n",
    "slow.md": "---\ndg-publish: true\ntimeout: 1\n---\n```{python}\nwhile True:\n    pass\n```\n",
    "kernel.md": "---\ndg-publish: true\njupyter: ir\n---\n```{python}\nprint(1)\n```\n",
    "sub/undefined.md": P + "Text.\n\n```{python, echo=FALSE}\nundefined_name\n```\n",
}


def site_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_every_failing_note_is_reported_and_the_site_is_kept(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    (notes / "sub").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    (notes / "good.md").write_text(GOOD, encoding="utf-8")
    first = run_hortus("build", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = site_bytes(tmp_path / "public")
    for name, text in BROKEN.items():
        (notes / name).write_text(text, encoding="utf-8")
    run = run_hortus("build", cwd=tmp_path)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert errors == [
        "claims.md:5: error: claim failed: two and two: expected 5, got 4",
        "kernel.md:3: error: the note asks for the Jupyter kernel 'ir', but hortus runs only "
        "Python cells; name a Python kernel (`jupyter: python3`) or remove the key",
        "raises.md:6: error: cell 1 (line 6): ZeroDivisionError: division by zero",
        "slow.md:6: error: timed out after 1 s in cell 1 (line 6)",
        "sub/undefined.md:7: error: cell 1 (line 7): NameError: name 'undefined_name' is not "
        "defined",
    ]
    assert site_bytes(tmp_path / "public") == before
