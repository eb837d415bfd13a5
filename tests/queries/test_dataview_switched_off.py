"""A vault whose Obsidian does not run Dataview (its `.obsidian/community-plugins.json`
lists other plugins) shows what Obsidian shows: the query blocks as code, `= expr` spans as
the code they are, `key:: value` as text; `dataview` in [tool.hortus] decides instead."""

from __future__ import annotations

import json
from pathlib import Path

from build_harness import build_as_cold, make_project
from conftest import article, visible_text

READING = (
    "# Reading\n\n```dataview\nTABLE rating FROM #book\n```\n\n"
    "Formula: `=SUM(A1:A3)` and `= this.file.name`.\n\n"
    "rating:: 5\n"
)
DUNE = "---\ntags: [book]\nrating: 4\n---\nDune.\n"


def plugins(*ids: str) -> str:
    return json.dumps(list(ids))


def test_without_dataview_its_syntax_is_shown_as_written(build_vault) -> None:
    run = build_vault(
        {
            ".obsidian/community-plugins.json": plugins("obsidian-git", "calendar"),
            "Reading.md": READING,
            "Dune.md": DUNE,
        },
        settings='publish = "all"',
    )
    assert run.code == 0, run.stderr
    page = article(run.page("/reading/"))
    assert "query-dataview" not in page and "query-inline" not in page
    assert "TABLE rating FROM #book" in visible_text(page)
    assert "<code>=SUM(A1:A3)</code>" in page and "<code>= this.file.name</code>" in page
    assert "rating:: 5" in visible_text(page)
    assert "query" not in run.stderr.lower()


def test_with_dataview_on_or_no_plugin_list_the_queries_run(build_vault) -> None:
    for files in ({".obsidian/community-plugins.json": plugins("dataview")}, {}):
        run = build_vault(
            {**files, "Reading.md": READING, "Dune.md": DUNE}, settings='publish = "all"'
        )
        assert run.code == 0, run.stderr
        page = article(run.page("/reading/"))
        assert 'class="query query-dataview"' in page and "<td>4</td>" in page
        assert '<span class="query-inline">Reading</span>' in page


def test_the_setting_decides_over_the_vaults_plugins(build_vault) -> None:
    files = {".obsidian/community-plugins.json": plugins(), "Reading.md": READING, "Dune.md": DUNE}
    run = build_vault(files, settings='publish = "all"\ndataview = true')
    assert 'class="query query-dataview"' in article(run.page("/reading/"))
    run = build_vault(
        {**files, ".obsidian/community-plugins.json": plugins("dataview")},
        settings='publish = "all"\ndataview = false',
    )
    assert "query-dataview" not in article(run.page("/reading/"))


def test_switching_dataview_off_and_on_builds_as_a_cold_build_does(tmp_path: Path) -> None:
    notes = make_project(tmp_path, {"Reading.md": READING, "Dune.md": DUNE})
    (notes / ".obsidian").mkdir()
    listing = notes / ".obsidian" / "community-plugins.json"
    shown = []
    for ids in (("dataview",), ("obsidian-git",), ("dataview",)):
        listing.write_text(plugins(*ids), encoding="utf-8")
        _, output = build_as_cold(tmp_path, notes)
        shown.append("query-dataview" in output["reading/index.html"].decode())
    assert shown == [True, False, True]
