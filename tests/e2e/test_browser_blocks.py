"""Diagrams, a canvas board, properties and the local graph in real Chromium: light and dark,
desktop and phone, with and without JavaScript. Screenshots land in tests/screenshots/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_hortus

SHOTS = Path(__file__).parents[1] / "screenshots"
P = "---\ndg-publish: true\n---\n"
FLOW = (
    "flowchart TD\n  A[开始] --> B{是否登录?}\n  B -- 是 --> C[进入主页]\n"
    "  B -- 否 --> D[登录页面]\n"
)
SEQUENCE = "sequenceDiagram\n  用户->>服务器: 请求页面\n  服务器-->>用户: 返回 HTML\n"
BOARD = {
    "nodes": [
        {"id": "g", "type": "group", "label": "阅读小组", "x": -40, "y": -60,
         "width": 720, "height": 380, "color": "4"},
        {"id": "a", "type": "text", "text": "# 卡片 A\n公式 $e^{i\\pi}+1=0$，见 [[Props]]",
         "x": 0, "y": 0, "width": 260, "height": 140, "color": "1"},
        {"id": "b", "type": "file", "file": "Diagrams.md", "x": 360, "y": 0,
         "width": 260, "height": 100},
        {"id": "s", "type": "file", "file": "Private.md", "x": 360, "y": 160,
         "width": 260, "height": 100, "color": "#8a2be2"},
        {"id": "c", "type": "link", "url": "https://example.org", "x": 0, "y": 420,
         "width": 260, "height": 80, "color": "5"},
        {"id": "d", "type": "text", "text": "Plain **card**", "x": 400, "y": 420,
         "width": 200, "height": 80},
    ],
    "edges": [
        {"id": "e1", "fromNode": "a", "toNode": "b", "label": "链接",
         "fromSide": "right", "toSide": "left"},
        {"id": "e2", "fromNode": "a", "toNode": "c", "fromEnd": "arrow", "color": "2"},
        {"id": "e3", "fromNode": "b", "toNode": "d", "label": "next"},
    ],
}  # fmt: skip
PROPS = """---
dg-publish: true
aliases: [Reading list, 书单]
related: "[[Diagrams|the diagrams]]"
up:
  - "[[Board page]]"
  - https://example.org
rating: 4.5
done: true
due: 2024-05-01
cover: https://m.media-amazon.com/images/M/MV5BNzQzMzJhZTEtOWM4NS00MTdhLTg0YjgtMjM4MDRkZjUwZDBlXkEyXkFqcGdeQXVyNjU0OTQ0OTY@._V1_SX300.jpg
tags: [books]
---
Text under the properties.
"""
FILES = {
    "Diagrams.md": P + f"# Diagrams\n\n```mermaid\n{FLOW}```\n\n```mermaid\n{SEQUENCE}```\n",
    "Fallback.md": P + '```mermaid\nflowchart LR\n  A["$$x^2$$"] --> B[终点]\n```\n',
    "Board page.md": P + "# Board page\n\n![[board.canvas]]\n",
    "board.canvas": json.dumps(BOARD),
    "Props.md": PROPS,
    "Private.md": "not published\n",
    "Hub.md": P + " ".join(f"[[N{i}]]" for i in range(14)) + "\n",
    "Pair.md": P + "[[Hub]]\n",
    **{f"N{i}.md": P + f"note {i}\n" for i in range(14)},
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, serve_dir) -> str:
    project = tmp_path_factory.mktemp("blocks-site")
    notes = project / "notes"
    notes.mkdir()
    (project / "pyproject.toml").write_text('[tool.hortus]\nlanguage = "zh-CN"\n', "utf-8")
    for name, text in FILES.items():
        (notes / name).write_text(text, encoding="utf-8")
    proc = run_hortus("build", cwd=project)
    assert proc.returncode == 0, proc.stderr
    return serve_dir(project / "public")


@pytest.fixture(scope="module")
def serve_dir():  # the conftest fixture, for a module-wide site
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(Quiet, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def shot(page, name: str, selector: str | None = None) -> None:
    SHOTS.mkdir(exist_ok=True)
    target = page.locator(selector).first if selector else page
    if selector:
        target.screenshot(path=str(SHOTS / name))
    else:
        page.screenshot(path=str(SHOTS / name), full_page=True)


def shown(page, selector: str) -> list[bool]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.offsetParent !== null)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_diagrams_show_the_drawing_of_the_readers_theme(page, base: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{base}/diagrams/")
    light, dark = shown(page, ".mermaid-light"), shown(page, ".mermaid-dark")
    assert light == [scheme == "light"] * 2 and dark == [scheme == "dark"] * 2
    box = page.locator(f".mermaid-{scheme} svg").first.bounding_box()
    assert box["width"] > 150 and box["height"] > 150
    shot(page, f"diagrams-{scheme}.png")
    # The theme toggle switches the drawing too.
    page.click(".theme-toggle")
    other = "dark" if scheme == "light" else "light"
    assert shown(page, f".mermaid-{other}") == [True, True]


def test_a_diagram_left_to_the_script_is_drawn_by_it(page, base: str) -> None:
    page.goto(f"{base}/fallback/")
    page.wait_for_selector("pre.mermaid[data-processed] svg", timeout=20_000)
    assert "终点" in page.inner_text("pre.mermaid")
    shot(page, "diagram-script.png", "pre.mermaid")


def test_a_diagram_left_to_the_script_reads_as_its_source_without_javascript(
    browser, base: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{base}/fallback/")
    assert "flowchart LR" in tab.inner_text("pre.mermaid")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_board_is_drawn_and_zooms(page, base: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{base}/board-page/")
    board = page.locator(".canvas-board")
    assert board.is_visible() and not page.locator(".canvas-outline").is_visible()
    cards = page.eval_on_selector_all(
        ".canvas-node", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert len(cards) == 5 and all(w > 60 for w in cards)
    assert "This content is not published." in page.inner_text(".canvas-board")
    shot(page, f"board-{scheme}.png", ".canvas-board")
    before = page.get_attribute(".canvas-view", "viewBox")
    page.click(".canvas-controls button >> nth=0")  # zoom in
    assert page.get_attribute(".canvas-view", "viewBox") != before


def test_the_board_reads_without_javascript_and_a_phone_gets_the_outline(
    browser, base: str
) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.goto(f"{base}/board-page/")
    width = tab.eval_on_selector(".canvas-view", "e => e.getBoundingClientRect().width")
    assert width >= 0.6 * 768 - 1
    assert "卡片 A" in tab.inner_text(".canvas-board")
    context.close()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = phone.new_page()
    tab.goto(f"{base}/board-page/")
    assert not tab.locator(".canvas-board").is_visible()
    outline = tab.inner_text(".canvas-outline")
    assert outline.index("阅读小组") < outline.index("卡片 A") < outline.index("Plain")
    tab.screenshot(path=str(SHOTS / "board-phone.png"), full_page=True)
    phone.close()


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 390)])
def test_properties_are_shown_at_the_top(browser, base: str, scheme: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    tab = context.new_page()
    tab.goto(f"{base}/props/")
    view = tab.locator("details.properties")
    assert view.is_visible()
    text = view.inner_text()
    for shown_text in ("aliases", "书单", "the diagrams", "4.5", "2024-05-01"):
        assert shown_text in text
    assert tab.locator(".property input[type=checkbox]").is_checked()
    top = tab.eval_on_selector("details.properties", "e => e.getBoundingClientRect().top")
    body = tab.eval_on_selector(".note-body", "e => e.getBoundingClientRect().top")
    assert top < body
    # A long URL breaks inside its column instead of running over the page's side.
    right = tab.eval_on_selector("details.properties", "e => e.getBoundingClientRect().right")
    link = tab.locator(".property a.external", has_text="media-amazon")
    assert link.evaluate("e => e.getBoundingClientRect().right") <= right + 1
    view.screenshot(path=str(SHOTS / f"properties-{scheme}-{width}.png"))
    context.close()


def test_local_graph_labels_keep_one_size(page, base: str) -> None:
    sizes = []
    for url in ("/pair/", "/hub/"):
        page.goto(f"{base}{url}")
        sizes.append(
            page.eval_on_selector(
                ".graph-box svg.graph text", "e => e.getBoundingClientRect().height"
            )
        )
    assert sizes[0] == pytest.approx(sizes[1], rel=0.05)
    shot(page, "graph-many.png", ".graph-box")
