"""A large garden's pages carry a bounded explorer: the way to the page and a window of its
folder, with the rest on the folder's page."""

from __future__ import annotations

import re

from hortus.render import EXPLORER_WINDOW

BIG = 460  # notes in one folder, past the size at which the explorer is bounded


def _garden(extra: int = 0) -> dict[str, str]:
    files = {f"Big/Note {i:04d}.md": f"Text of note {i}.\n" for i in range(BIG + extra)}
    files["Small/Alone.md"] = "Alone.\n"
    return files


def _explorer(html: str) -> str:
    match = re.search(r'<nav class="explorer".*?</nav>', html, re.S)
    assert match, "the page has no explorer"
    return match.group(0)


def test_a_page_lists_a_window_of_its_folder_and_links_the_rest(build_vault) -> None:
    run = build_vault(_garden(), settings='publish = "all"')
    assert run.code == 0, run.stderr
    explorer = _explorer(run.page("/big/note-0200/"))
    listed = re.findall(r'class="explorer-note"><a href="[^"]*"[^>]*>(Note \d+)<', explorer)
    assert len(listed) == EXPLORER_WINDOW
    assert "Note 0200" in listed
    assert '<a href="./" aria-current="page">Note 0200</a>' in explorer
    # Before and after the window, a link to the folder's page says how many are left out.
    before, after = re.findall(r'class="explorer-more"><a href="([^"]*)">… ([\d,]+)<', explorer)
    assert before[0] == after[0] == "../"
    assert int(before[1]) + int(after[1]) + EXPLORER_WINDOW == BIG
    # The other folder is listed, closed; the folder's page lists every note of it.
    assert re.search(r"<details><summary><a href=\"../../small/\">Small</a>", explorer)
    folder = run.page("/big/")
    assert all(f"Note {i:04d}" in folder for i in range(BIG))


def test_the_explorer_does_not_grow_with_the_garden(build_vault, tmp_path) -> None:
    run = build_vault(_garden(), settings='publish = "all"')
    first = len(_explorer(run.page("/big/note-0000/")))
    more = build_vault(_garden(extra=600), settings='publish = "all"')
    assert more.code == 0, more.stderr
    assert len(_explorer(more.page("/big/note-0000/"))) <= first + 16  # the wider count only
    assert first < 4000
