"""What is wrong in a canvas card is reported on that card's line of the `.canvas` file."""

from __future__ import annotations

import json

from hortus.vault import canvas_markdown

# As Obsidian writes a canvas: one node a line; the third card, read last, is on line 5.
BOARD = (
    '{\n\t"nodes":[\n'
    '\t\t{"id":"a","type":"text","text":"first","x":0,"y":0,"width":250,"height":60},\n'
    '\t\t{"id":"b","type":"text","text":"second","x":0,"y":100,"width":250,"height":60},\n'
    '\t\t{"id":"c","type":"text","text":"see [[Missing]]","x":0,"y":200,"width":250,"height":60}\n'
    '\t],\n\t"edges":[]\n}\n'
)
HOME = "Home ![[Board.canvas]]\n"


def test_broken_link_in_a_card_names_its_line_of_the_canvas(build_vault) -> None:
    run = build_vault({"Home.md": HOME, "Board.canvas": BOARD}, settings='publish = "all"')
    assert run.code == 0, run.stderr
    assert "Board.canvas:5: warning: no note or file named 'Missing'" in run.stderr
    page = run.page("/")
    assert "data-line" not in page and 'class="broken-link">Missing<' in page


def test_pretty_printed_canvas_reports_the_line_of_the_field(build_vault) -> None:
    nodes = [
        # Read first (highest on the board), written last in the file.
        {"id": "m", "type": "text", "x": 0, "y": 0, "text": "a\n\nsee [Gone](Gone.md)"},
        {"id": "f", "type": "file", "y": -50, "x": 0, "file": "Nowhere.md"},
    ]
    board = json.dumps({"nodes": nodes[::-1], "edges": []}, indent=2)
    lines = board.split("\n")
    file_line = lines.index('      "file": "Nowhere.md"') + 1
    text_line = next(n for n, line in enumerate(lines, 1) if '"text":' in line)
    run = build_vault({"Home.md": HOME, "Board.canvas": board}, settings='publish = "all"')
    assert run.code == 0, run.stderr
    assert f"Board.canvas:{file_line}: warning: no note or file named 'Nowhere.md'" in run.stderr
    assert f"Board.canvas:{text_line}: warning: no note or file named 'Gone.md'" in run.stderr


def test_each_card_says_its_line_and_a_group_label_is_no_card() -> None:
    board = json.dumps(
        {
            "nodes": [
                {"id": "g", "type": "group", "label": "G", "x": 0, "y": 0},
                {"id": "t", "type": "text", "text": "hello", "x": 0, "y": 10},
                "not a node",
                {"id": "u", "type": "link", "url": "https://example.org", "x": 0, "y": 20},
            ]
        },
        indent=1,
    )
    markdown = canvas_markdown(board)
    assert '<p class="canvas-group">G</p>' in markdown
    assert '<div class="canvas-card" data-card="0" data-line="13">\n\nhello' in markdown
    assert '<div class="canvas-card" data-card="1" data-line="21">' in markdown
