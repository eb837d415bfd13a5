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
    listed = re.findall(r'<li><a href="[^"]*"[^>]*>(Note \d+)<', explorer)
    assert len(listed) == EXPLORER_WINDOW
    assert "Note 0200" in listed
    assert '<a href="./" aria-current="page">Note 0200</a>' in explorer
    # Before and after the window, a link to the folder's page says how many are left out.
    before, after = re.findall(r'class="explorer-more"><a href="([^"]*)">… ([\d,]+)<', explorer)
    assert before[0] == after[0] == "../"
    assert int(before[1]) + int(after[1]) + EXPLORER_WINDOW == BIG
    # The other folder is listed, closed (a link to its page); the folder's page lists every
    # note of it...
    assert '<li class="explorer-shut"><a href="../../small/">Small</a></li>' in explorer
    # ... on pages of a bounded size, the first at the folder's URL.
    folder = run.page("/big/") + run.page("/big/page/2/")
    assert all(f"Note {i:04d}" in folder for i in range(BIG))
    assert "Note 0000" not in run.page("/big/page/2/").split("<main")[1]


def test_the_explorer_does_not_grow_with_the_garden(build_vault, tmp_path) -> None:
    run = build_vault(_garden(), settings='publish = "all"')
    first = len(_explorer(run.page("/big/note-0000/")))
    more = build_vault(_garden(extra=600), settings='publish = "all"')
    assert more.code == 0, more.stderr
    assert len(_explorer(more.page("/big/note-0000/"))) <= first + 16  # the wider count only
    assert first < 4000


def test_the_more_links_go_to_the_page_of_the_folder_that_lists_what_is_left_out(
    build_vault,
) -> None:
    run = build_vault(_garden(), settings='publish = "all"')
    explorer = _explorer(run.page("/big/note-0400/"))
    before, after = re.findall(r'class="explorer-more"><a href="([^"]*)">… ([\d,]+)<', explorer)
    # Note 0393, just before the window, is on the listing's second page; so is Note 0406.
    assert before[0] == after[0] == "../page/2/"
    listing = run.page("/big/page/2/").split("<main")[1]
    assert "Note 0393" in listing and "Note 0406" in listing


def test_a_folder_note_lists_its_whole_folder_so_the_more_links_go_to_it(build_vault) -> None:
    files = {**_garden(), "Big/Big.md": "The folder's own note.\n"}
    run = build_vault(files, settings='publish = "all"')
    explorer = _explorer(run.page("/big/note-0400/"))
    before, after = re.findall(r'class="explorer-more"><a href="([^"]*)">… ([\d,]+)<', explorer)
    assert before[0] == after[0] == "../"
    assert "The folder's own note." in run.page("/big/") and "Note 0459" in run.page("/big/")
    assert not (run.out / "big" / "page").exists()
