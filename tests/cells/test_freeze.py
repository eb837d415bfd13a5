"""Cell results keyed on what the cells depend on, `freeze`, and what the claims page says the
results were computed with: through the real CLI, with fake distributions on PYTHONPATH."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import run_hortus, visible_text
from hortus.cells import Step, run_note

P = "---\ndg-publish: true\n---\n"
NOTES = {
    # Imports the fake distribution `fakepkg`.
    "uses.md": P
    + '```{python}\nimport fakepkg\nclaim("fake value", fakepkg.VALUE, "fakepkg")\n```\n',
    # Imports nothing.
    "plain.md": P + '```{python}\nclaim("two", 1 + 1, 2)\n```\n',
    # Reads a file beside it.
    "reads.md": P
    + '```{python}\ntext = open("data.txt").read()\nclaim("data read", bool(text), True)\n```\n',
}
EPOCH = "1614859200"  # 2021-03-04 12:00:00 UTC


def install(site: Path, name: str, version: str) -> None:
    """A distribution `name` at `version` in the folder `site`, as pip would leave it."""
    package = site / name
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(f'VALUE = "{name}"\n', encoding="utf-8")
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    (info / "METADATA").write_text(metadata, encoding="utf-8")
    (info / "top_level.txt").write_text(f"{name}\n", encoding="utf-8")


def upgrade(site: Path, name: str, old: str, new: str) -> None:
    """`name` at version `new` instead of `old`, its code unchanged."""
    info = (site / f"{name}-{old}.dist-info").rename(site / f"{name}-{new}.dist-info")
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {new}\n"
    (info / "METADATA").write_text(metadata, encoding="utf-8")


def make_project(root: Path, settings: str = "", notes: dict[str, str] = NOTES) -> Path:
    project = root / "project"
    (project / "notes").mkdir(parents=True)
    (project / "pyproject.toml").write_text(f"[tool.hortus]\n{settings}\n", encoding="utf-8")
    for name, text in notes.items():
        (project / "notes" / name).write_text(text, encoding="utf-8")
    (project / "notes" / "data.txt").write_text("a\n", encoding="utf-8")
    return project


def build(project: Path, site: Path, **env: str) -> subprocess.CompletedProcess:
    proc = run_hortus("build", cwd=project, env={"PYTHONPATH": str(site), **env})
    assert proc.returncode == 0, proc.stderr
    return proc


def ran(proc: subprocess.CompletedProcess, notes: int, cached: int) -> bool:
    """Whether the build ran the cells of `notes` notes and took `cached` from the store."""
    return f"cells run for {notes} notes, {cached} from cache" in proc.stderr


def computed(project: Path) -> dict[str, dict]:
    """claims.json's `computed` of each note."""
    rows = json.loads((project / "public" / "claims.json").read_text(encoding="utf-8"))
    return {row["note"]: row["computed"] for row in rows}


def test_results_are_kept_until_a_distribution_they_imported_changes(tmp_path: Path) -> None:
    site = tmp_path / "fakes" / "site-packages"
    install(site, "fakepkg", "1.0")
    project = make_project(tmp_path)
    assert ran(build(project, site), 3, 0)

    install(site, "otherpkg", "1.0")  # imported by no note
    assert ran(build(project, site), 0, 3)

    upgrade(site, "fakepkg", "1.0", "1.1")
    assert ran(build(project, site), 1, 2)  # the note that imports it, only
    made = computed(project)
    assert made["uses.md"]["distributions"] == {"fakepkg": "1.1"}
    assert made["plain.md"]["distributions"] == {}
    assert made["uses.md"]["frozen"] is False
    assert made["uses.md"]["at"] is None  # this build's, and no SOURCE_DATE_EPOCH says when
    python = made["uses.md"]["python"]
    assert python.count(".") == 1 and python.replace(".", "").isdigit()
    page = visible_text((project / "public" / "claims" / "index.html").read_text("utf-8"))
    assert "fakepkg 1.1" in page and "in this build" in page and "frozen" not in page


def test_a_note_using_numpy_preloaded_by_the_worker_depends_on_it(tmp_path: Path) -> None:
    site = tmp_path / "fakes" / "site-packages"
    site.mkdir(parents=True)
    notes = {
        "np.md": P + '```{python}\nimport numpy as np\nclaim("sum", int(np.sum([1, 2])), 3)\n```\n'
    }
    project = make_project(tmp_path, notes=notes)
    build(project, site)
    assert "numpy" in computed(project)["np.md"]["distributions"]


def test_a_run_names_the_modules_its_code_imported_even_when_loaded_before(
    tmp_path: Path,
) -> None:
    import numpy  # noqa: F401 - loaded before the run, as the worker loads it

    steps = [Step("cell", 0, "import numpy as np\nimport json\nx = np.zeros(2)", 1, {})]
    assert run_note(steps, str(tmp_path), "n.md").modules == ["numpy"]  # not the stdlib's json
    plain = [Step("cell", 0, "x = [1, 2]\nsum(x)", 1, {})]
    assert run_note(plain, str(tmp_path), "n.md").modules == []  # hortus's own imports are not


def test_freeze_reuses_results_on_other_versions_until_sources_or_files_change(
    tmp_path: Path,
) -> None:
    site = tmp_path / "fakes" / "site-packages"
    install(site, "fakepkg", "1.0")
    project = make_project(tmp_path, 'freeze = true\ncells-dir = "cells"')
    assert ran(build(project, site, SOURCE_DATE_EPOCH=EPOCH), 3, 0)
    entries = sorted((project / "cells").glob("*.json"))
    assert len(entries) == 3
    for entry in entries:  # sorted, indented, with paths relative to the project: committable
        text = entry.read_text(encoding="utf-8")
        assert (
            text
            == json.dumps(json.loads(text), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
        )
        assert str(tmp_path) not in text

    # Another machine: another Python and another fakepkg than the results were computed with.
    upgrade(site, "fakepkg", "1.0", "1.1")
    for entry in entries:
        data = json.loads(entry.read_text(encoding="utf-8"))
        data["provenance"]["python"] = "3.99"
        entry.write_text(json.dumps(data, sort_keys=True, indent=1), encoding="utf-8")
    assert ran(build(project, site), 0, 3)
    made = computed(project)["uses.md"]
    assert made == {
        "at": "2021-03-04T12:00:00Z",
        "python": "3.99",
        "distributions": {"fakepkg": "1.0"},
        "frozen": True,
    }
    page = visible_text((project / "public" / "claims" / "index.html").read_text("utf-8"))
    assert "2021-03-04 12:00:00 UTC (frozen)" in page and "fakepkg 1.0" in page

    # Results pulled from elsewhere are new input, though nothing else changed.
    assert "unchanged since the last build" in build(project, site).stderr
    for entry in entries:
        text = entry.read_text(encoding="utf-8")
        entry.write_text(text.replace("2021-03-04T12:00:00Z", "2022-05-06T07:08:09Z"), "utf-8")
    assert ran(build(project, site), 0, 3)
    assert computed(project)["uses.md"]["at"] == "2022-05-06T07:08:09Z"

    plain = project / "notes" / "plain.md"
    plain.write_text(plain.read_text(encoding="utf-8").replace("1 + 1", "2"), encoding="utf-8")
    assert ran(build(project, site), 1, 2)  # a cell's source changed
    (project / "notes" / "data.txt").write_text("b\n", encoding="utf-8")
    assert ran(build(project, site), 1, 2)  # a file a cell read changed

    # Without freeze, results computed on another Python run again.
    (project / "pyproject.toml").write_text('[tool.hortus]\ncells-dir = "cells"\n', "utf-8")
    assert ran(build(project, site), 1, 2)  # uses.md, computed elsewhere; the others here
    assert computed(project)["uses.md"]["frozen"] is False


def test_freeze_in_a_note_freezes_that_note(tmp_path: Path) -> None:
    site = tmp_path / "fakes" / "site-packages"
    install(site, "fakepkg", "1.0")
    notes = {"uses.md": NOTES["uses.md"].replace("---\n```", "freeze: true\n---\n```", 1)}
    project = make_project(tmp_path, notes=notes)
    assert ran(build(project, site), 1, 0)
    upgrade(site, "fakepkg", "1.0", "1.1")
    assert ran(build(project, site), 0, 1)
    assert computed(project)["uses.md"]["distributions"] == {"fakepkg": "1.0"}
    page = (project / "public" / "uses" / "index.html").read_text(encoding="utf-8")
    assert "freeze" not in visible_text(page)  # a setting, not a property shown
