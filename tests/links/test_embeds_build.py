"""Every embed Obsidian shows, and the paths users write, through the whole build."""

from __future__ import annotations

import json
from urllib.parse import quote

from conftest import article

P = "---\ndg-publish: true\n---\n"


def test_canvas_embeds_as_an_outline_with_links(build_vault) -> None:
    canvas = {
        "nodes": [
            {"id": "b", "type": "text", "text": "Second card with [[Target]]", "x": 0, "y": 200},
            {"id": "a", "type": "text", "text": "First **card**", "x": 0, "y": 0},
            {"id": "c", "type": "file", "file": "Secret.md", "x": 300, "y": 0},
            {"id": "d", "type": "link", "url": "https://example.org", "x": 0, "y": 400},
        ],
        "edges": [],
    }
    run = build_vault(
        {
            "S.md": P + "![[board.canvas]]\n",
            "board.canvas": json.dumps(canvas),
            "Target.md": P + "t\n",
            "Secret.md": "secret-canvas-canary\n",
        }
    )
    assert run.code == 0, run.stderr
    html = run.page("/s/")
    assert html.index("First <strong>card</strong>") < html.index("Second card")
    assert '<a class="internal" href="../target/">Target</a>' in html
    assert 'href="https://example.org"' in html
    assert not list(run.out.rglob("*.canvas"))
    assert not (run.out / "board").exists()
    everything = b"".join(p.read_bytes() for p in run.out.rglob("*") if p.is_file())
    assert b"secret-canvas-canary" not in everything


def test_excalidraw_shows_export_or_placeholder_never_json(build_vault) -> None:
    drawing = '---\nexcalidraw-plugin: parsed\n---\n# Drawing\n```json\n{"elements": "RAW"}\n```\n'
    run = build_vault(
        {
            "S.md": P + "![[Sketch.excalidraw]]\n\n![[Bare.excalidraw]]\n",
            "Sketch.excalidraw.md": drawing,
            "Sketch.excalidraw.svg": "<svg xmlns='http://www.w3.org/2000/svg'></svg>",
            "Bare.excalidraw.md": drawing,
        },
        settings='publish = "all"',
    )
    assert run.code == 0, run.stderr
    html = run.page("/s/")
    assert '<img src="../sketch.excalidraw.svg"' in html
    assert 'class="embed-drawing"' in html
    assert "Bare.excalidraw.md has no exported SVG or PNG beside it; a placeholder" in run.stderr
    everything = b"".join(p.read_bytes() for p in run.out.rglob("*") if p.is_file())
    assert b"RAW" not in everything


def test_a_link_to_a_drawing_without_export_says_it_is_plain_text(build_vault) -> None:
    drawing = '---\nexcalidraw-plugin: parsed\n---\n# Drawing\n```json\n{"elements": "RAW"}\n```\n'
    run = build_vault(
        {"S.md": "Read [[Bare.excalidraw]] first.\n", "Bare.excalidraw.md": drawing},
        settings='publish = "all"',
    )
    assert run.code == 0, run.stderr
    html = article(run.page("/s/"))
    assert "Read <span" in html and "Bare.excalidraw</span> first." in html
    assert (
        "S.md:1: warning: Bare.excalidraw.md has no exported SVG or PNG beside it; the link is "
        "shown as plain text" in run.stderr
    )


def test_paths_as_users_write_them(build_vault) -> None:
    run = build_vault(
        {
            "笔记/S.md": P
            + f"[a](../{quote('其他/“引号”（笔记）.md')})"
            + " [b](../其他/Empty) [[“引号”（笔记）]] ![[pic.png|center]] ![]()\n",
            "其他/“引号”（笔记）.md": P + "q\n",
            "其他/Empty.md": b"",
            "pic.png": b"\x89PNG",
        },
        settings='publish = "all"',
    )
    assert run.code == 0, run.stderr
    html = article(run.page("/笔记/s/"))
    assert html.count('href="../../%E5%85%B6%E4%BB%96/%E5%BC%95%E5%8F%B7%E7%AC%94%E8%AE%B0/"') == 2
    assert 'href="../../%E5%85%B6%E4%BB%96/empty/"' in html
    assert '<img src="../../pic.png" alt="center"' in html
    assert (run.out / "其他" / "empty" / "index.html").is_file()
    assert "S.md:4: warning: image with an empty URL" in run.stderr


def test_a_link_inside_an_embedded_note_has_one_class_on_every_page(build_vault) -> None:
    """The embedded note's tokens are rendered for each page that embeds it (and for its own
    page): its Markdown links keep one `internal` class however often they are shown."""
    run = build_vault(
        {
            "Shared.md": P + "See [the target](Target.md).\n",
            "Target.md": P + "t\n",
            "A.md": P + "![[Shared]]\n",
            "B.md": P + "![[Shared]]\n\n![[Shared]]\n",
        },
        settings='publish = "all"',
    )
    assert run.code == 0, run.stderr
    for url in ("/a/", "/b/", "/shared/"):
        html = article(run.page(url))
        assert 'class="internal"' in html, url
        assert "internal internal" not in html, url


def test_a_note_with_an_empty_excalidraw_property_is_a_note(build_vault) -> None:
    """The Excalidraw plugin opens a note as a drawing only when `excalidraw-plugin` is set."""
    run = build_vault(
        {
            "S.md": "See [[Market Economy]].\n",
            "Market Economy.md": "---\nexcalidraw-plugin:\n---\n# Market Economy\n\nPrices.\n",
        },
        settings='publish = "all"',
    )
    assert run.code == 0, run.stderr
    assert "Prices." in run.page("/market-economy/")
    assert '<a class="internal" href="../market-economy/">Market Economy</a>' in run.page("/s/")
    assert "drawing" not in run.stderr
