"""A canvas drawn as a board: cards where the canvas puts them, groups, colours, arrows with
labels, text cards as Markdown, file cards as links (an unpublished note's as a placeholder
that does not name it), and the outline of the cards kept for narrow screens."""

from __future__ import annotations

import json
import re

from conftest import article

P = "---\ndg-publish: true\n---\n"
BOARD = {
    "nodes": [
        {"id": "g", "type": "group", "label": "阅读小组", "x": -40, "y": -60,
         "width": 720, "height": 380, "color": "4"},
        {"id": "a", "type": "text", "text": "# Card A\nFormula $e^{i\\pi}+1=0$ and [[Target]]",
         "x": 0, "y": 0, "width": 260, "height": 140, "color": "1"},
        {"id": "b", "type": "file", "file": "Target.md", "x": 360, "y": 0,
         "width": 260, "height": 100},
        {"id": "s", "type": "file", "file": "private-canvas-card.md", "x": 360, "y": 160,
         "width": 260, "height": 100, "color": "#8a2be2"},
        {"id": "c", "type": "link", "url": "https://example.org", "x": 0, "y": 420,
         "width": 260, "height": 80, "color": "5"},
    ],
    "edges": [
        {"id": "e1", "fromNode": "a", "toNode": "b", "label": "链接",
         "fromSide": "right", "toSide": "left"},
        {"id": "e2", "fromNode": "a", "toNode": "c", "fromEnd": "arrow", "color": "2"},
        {"id": "e3", "fromNode": "b", "toNode": "gone"},
    ],
}  # fmt: skip
FILES = {
    "Page.md": P + "# Page\n\n![[board.canvas]]\n",
    "board.canvas": json.dumps(BOARD),
    "Target.md": P + "The target.\n",
    "private-canvas-card.md": "not published\n",
}


def foreign_objects(html: str) -> list[tuple[str, str, str, str, str]]:
    """(x, y, width, height, the card's HTML) of each card on the board."""
    return re.findall(
        r'<foreignObject x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)">(.*?)'
        r"</foreignObject>",
        html,
        re.S,
    )


def test_cards_groups_and_edges_are_drawn_where_the_canvas_puts_them(build_vault) -> None:
    run = build_vault(FILES)
    assert run.code == 0, run.stderr
    html = article(run.page("/page/"))
    board = html[
        html.index('<div class="canvas-board"') : html.index('<div class="canvas-outline"')
    ]
    cards = foreign_objects(board)
    assert [c[:4] for c in cards] == [
        ("0", "0", "260", "140"), ("360", "0", "260", "100"), ("360", "160", "260", "100"),
        ("0", "420", "260", "80"),
    ]  # fmt: skip
    text, file_card, private, link = (c[4] for c in cards)
    assert "canvas-color-1" in text and 'class="katex"' in text
    assert '<a class="internal" href="../target/">Target</a>' in text
    assert '<a class="internal" href="../target/">Target</a>' in file_card
    assert "This content is not published." in private and "--canvas-color: #8a2be2" in private
    assert 'href="https://example.org"' in link and "canvas-color-5" in link
    assert re.search(r'<g class="canvas-group-box canvas-color canvas-color-4"><rect x="-40" '
                     r'y="-60" width="720" height="380"', board)  # fmt: skip
    assert ">阅读小组</text>" in board
    # Two edges: the third names a node that is not there.
    assert board.count('<g class="canvas-edge') == 2
    assert 'marker-end="url(#' in board and 'marker-start="url(#' in board
    assert ">链接</text>" in board
    assert re.search(r'viewBox="-64 -114 768 638"', board)


def test_an_unpublished_note_on_the_board_is_not_named_anywhere(build_vault) -> None:
    run = build_vault(FILES)
    everything = b"".join(p.read_bytes() for p in run.out.rglob("*") if p.is_file())
    assert b"private-canvas-card" not in everything and b"not published\n" not in everything


def test_the_outline_of_the_cards_is_kept_in_reading_order(build_vault) -> None:
    run = build_vault(FILES)
    html = article(run.page("/page/"))
    outline = html[html.index('<div class="canvas-outline"') :]
    assert outline.index("阅读小组") < outline.index("Card A") < outline.index("../target/")
    assert outline.count('class="canvas-card') == 4
    page = run.page("/page/")
    assert re.search(r'<link rel="stylesheet" href="[^"]*canvas\.[0-9a-f]{10}\.css">', page)
    assert re.search(r'<script src="[^"]*canvas\.[0-9a-f]{10}\.js" defer>', page)


def test_every_canvas_is_a_page_when_every_note_is_published(build_vault) -> None:
    files = {**FILES, "private-canvas-card.md": "---\npublish: false\n---\nnot published\n"}
    run = build_vault(files, settings='publish = "all"')
    assert run.code == 0, run.stderr
    page = run.page("/board/")
    assert "<title>board · " in page and 'class="canvas-board"' in page
    # Its links count as a page's do.
    assert re.search(r'class="backlinks".*href="../board/"', run.page("/target/"), re.S)
    opt_in = build_vault(FILES)
    assert not (opt_in.out / "board").exists()


def test_moving_a_card_redraws_the_board_on_a_cached_build(build_vault) -> None:
    run = build_vault(FILES)
    assert foreign_objects(run.page("/page/"))[0][:2] == ("0", "0")
    moved = json.loads(FILES["board.canvas"])
    moved["nodes"][1]["x"] = 40  # card A, its text unchanged
    run = build_vault({**FILES, "board.canvas": json.dumps(moved)})
    assert "files kept from the last build" in run.stderr.splitlines()[-1]
    assert foreign_objects(run.page("/page/"))[0][:2] == ("40", "0")
