"""The link graph (graph.py) and the reading aids around it: link previews and the SVG graph
in a browser, with and without JavaScript."""

from __future__ import annotations

import pickle
import posixpath
import random
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hortus.render import (
    GraphNode,
    build_graph,
    garden_from_plain,
    garden_graph_svg,
    local_graph_inputs,
    local_graph_svg,
)

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "tests" / "screenshots"
SVG = "{http://www.w3.org/2000/svg}"


def node(name: str, title: str | None = None) -> GraphNode:
    return GraphNode(f"{name}.md", title or name, f"/{name}/")


def hrefs(svg: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)"', svg)


def resolve(page_url: str, href: str) -> str:
    """Where a relative href leads from `page_url`, as a browser resolves it."""
    target = posixpath.normpath(posixpath.join(page_url, href))
    return target if target == "/" else target + "/"


def star() -> list[GraphNode]:
    return [node(n) for n in ("hub", "a", "b", "c", "far", "alone")]


STAR_EDGES = [("hub.md", "a.md"), ("b.md", "hub.md"), ("hub.md", "c.md"), ("c.md", "far.md")]


# -- graph.py --------------------------------------------------------------------------------


def test_duplicates_self_loops_and_unpublished_targets_are_dropped() -> None:
    garden = build_graph(
        [node("a"), node("b"), node("a", "again")],
        [("a.md", "b.md"), ("a.md", "b.md"), ("a.md", "a.md"), ("a.md", "private.md")],
    )
    assert [n.key for n in garden.nodes] == ["a.md", "b.md"]
    assert garden.nodes[0].title == "a"  # the first of two with one key
    assert garden.edges == [(0, 1)]


def test_local_graph_holds_the_note_and_its_neighbours_only() -> None:
    garden = build_graph(star(), STAR_EDGES)
    svg = local_graph_svg(garden, "hub.md", "/hub/")
    # In- and outgoing links both count; `far` is two links away and `alone` unlinked.
    assert sorted(resolve("/hub/", h) for h in hrefs(svg)) == ["/a/", "/b/", "/c/", "/hub/"]
    assert svg.count('aria-current="page"') == 1
    assert re.search(r'<a href="./" class="current" aria-current="page">', svg)
    two = local_graph_svg(garden, "hub.md", "/hub/", depth=2)
    assert "/far/" in {resolve("/hub/", h) for h in hrefs(two)}
    assert "/alone/" not in {resolve("/hub/", h) for h in hrefs(two)}


def test_local_graph_is_empty_for_a_note_without_links() -> None:
    garden = build_graph(star(), STAR_EDGES)
    assert local_graph_svg(garden, "alone.md", "/alone/") == ""
    assert local_graph_svg(garden, "not-a-note.md", "/x/") == ""
    assert garden_graph_svg(build_graph([], []), "/graph/") == ""


def test_urls_are_relative_to_the_page() -> None:
    nodes = [
        GraphNode("deep/x.md", "X", "/deep/er/x/"),
        GraphNode("y.md", "Y", "/y/"),
        GraphNode("笔记.md", "笔记", "/笔记/"),
    ]
    garden = build_graph(nodes, [("deep/x.md", "y.md"), ("y.md", "笔记.md")])
    for page_url in ("/deep/er/x/", "/", "/graph/"):
        svg = garden_graph_svg(garden, page_url)
        links = hrefs(svg)
        assert not any(h.startswith(("/", "http")) for h in links)
        targets = {resolve(page_url, h.replace("%E7%AC%94%E8%AE%B0", "笔记")) for h in links}
        assert targets == {"/deep/er/x/", "/y/", "/笔记/"}
    assert 'href="../../../y/"' in local_graph_svg(garden, "deep/x.md", "/deep/er/x/")


def test_titles_are_escaped_and_the_svg_is_well_formed() -> None:
    evil = '<script>alert("x")</script> & <b>'
    garden = build_graph([node("a", evil), node("b", "B")], [("a.md", "b.md")])
    for svg in (local_graph_svg(garden, "b.md", "/b/"), garden_graph_svg(garden, "/graph/")):
        assert "<script>" not in svg and "<b>" not in svg
        root = ET.fromstring(svg)  # escaping mistakes would break XML parsing
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img" and root.get("aria-label")
        texts = ["".join(a.itertext()) for a in root.iter(f"{SVG}a")]
        assert any(evil in t or evil[:8] in t for t in texts)


def test_same_input_gives_the_same_bytes_in_any_order() -> None:
    rng = random.Random(7)
    nodes = [node(f"n{i:03d}", f"笔记 {i}") for i in range(400)]
    edges = [(f"n{rng.randrange(400):03d}.md", f"n{rng.randrange(400):03d}.md") for _ in range(900)]
    first = build_graph(nodes, edges)
    shuffled = nodes[:]
    rng.shuffle(shuffled)
    second = build_graph(shuffled, list(reversed(edges)))
    assert garden_graph_svg(first, "/graph/") == garden_graph_svg(second, "/graph/")
    for key in ("n000.md", "n123.md"):
        assert local_graph_svg(first, key, f"/{key[:-3]}/") == local_graph_svg(
            second, key, f"/{key[:-3]}/"
        )


def test_a_page_key_and_drawing_agree_in_any_order() -> None:
    # The garden keeps the last neighbourhood made: asking for another in between, or in the
    # other order, gives the same inputs and the same drawing.
    rng = random.Random(11)
    nodes = [node(f"n{i:02d}") for i in range(60)]
    edges = [(f"n{rng.randrange(60):02d}.md", f"n{rng.randrange(60):02d}.md") for _ in range(150)]
    expected = {  # each made first thing in a garden of its own
        n.key: (
            local_graph_inputs(build_graph(nodes, edges), n.key),
            local_graph_svg(build_graph(nodes, edges), n.key, n.url),
        )
        for n in nodes
    }
    garden = build_graph(nodes, edges)
    for n in reversed(nodes):
        svg = local_graph_svg(garden, n.key, n.url)
        local_graph_svg(garden, "n00.md", "/n00/", depth=2)
        assert (local_graph_inputs(garden, n.key), svg) == expected[n.key]


def test_local_graph_keeps_at_most_forty_nodes() -> None:
    nodes = [node("hub"), *(node(f"leaf{i:03d}") for i in range(120))]
    edges = [("hub.md", f"leaf{i:03d}.md") for i in range(120)]
    svg = local_graph_svg(build_graph(nodes, edges), "hub.md", "/hub/")
    assert len(hrefs(svg)) == 40


def test_layout_keeps_nodes_apart_and_linked_notes_close() -> None:
    rng = random.Random(3)
    clusters = 6
    nodes = [node(f"c{c}n{i}") for c in range(clusters) for i in range(50)]
    edges = []
    for c in range(clusters):
        for i in range(50):
            for _ in range(2):
                edges.append((f"c{c}n{i}.md", f"c{c}n{rng.randrange(50)}.md"))
    edges += [(f"c{c}n0.md", f"c{(c + 1) % clusters}n0.md") for c in range(clusters)]
    garden = build_graph(nodes, edges)
    root = ET.fromstring(garden_graph_svg(garden, "/graph/"))
    points = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    assert len(points) == 300
    nearest = min(
        (ax - bx) ** 2 + (ay - by) ** 2
        for i, (ax, ay) in enumerate(points)
        for bx, by in points[i + 1 :]
    )
    assert nearest > 4.0**2  # no two notes drawn on top of each other

    def mean_distance(pairs: list[tuple[int, int]]) -> float:
        return sum(
            ((points[a][0] - points[b][0]) ** 2 + (points[a][1] - points[b][1]) ** 2) ** 0.5
            for a, b in pairs
        ) / len(pairs)

    same = [(a, b) for a in range(300) for b in range(a + 1, 300) if a // 50 == b // 50]
    other = [(a, b) for a in range(300) for b in range(a + 1, 300) if a // 50 != b // 50]
    assert mean_distance(same) < 0.6 * mean_distance(other)  # clusters stay together


def test_ten_thousand_notes() -> None:
    """Not a timed test: the figures are printed (pytest -s) for the record."""
    rng = random.Random(1)
    n = 10_000
    nodes = [node(f"n{i:05d}", f"Note {i}") for i in range(n)]
    edges = [
        (f"n{i:05d}.md", f"n{int(rng.random() ** 2 * n):05d}.md")
        for i in range(n)
        for _ in range(rng.randint(0, 4))
    ]
    started = time.perf_counter()
    garden = build_graph(nodes, edges)
    svg = garden_graph_svg(garden, "/graph/")
    laid_out = time.perf_counter() - started
    started = time.perf_counter()
    for nd in nodes[:1000]:
        local_graph_svg(garden, nd.key, nd.url)
    local = (time.perf_counter() - started) / 1000
    print(
        f"\ngraph: {n} notes, {len(garden.edges)} links: whole garden {laid_out:.2f} s, "
        f"{len(svg) / 1e6:.1f} MB of SVG; local graph {local * 1000:.2f} ms a page"
    )
    assert svg.count("<a href=") == n


# -- in the browser --------------------------------------------------------------------------

LONG = "\n\n".join(f"Filler paragraph {i} about estimators and samples." for i in range(40))
VAULT = {
    "Start.md": (
        "# Start\n\nRead [[Target]] first, then [[Target#Deep heading|the deep part]].\n\n"
        "A link to [[Other]] too.\n"
    ),
    "Target.md": (
        f"# Target\n\nThe target note says maximum likelihood 极大似然 here.\n\n{LONG}\n\n"
        "## Deep heading\n\nText under the deep heading, far down.\n"
    ),
    "Other.md": "# Other\n\nAnother note, linking back to [[Start]].\n",
}


@pytest.fixture
def site(build_vault, serve_dir) -> str:
    run = build_vault(VAULT, settings='publish = "all"')
    assert run.code == 0, run.stderr
    return serve_dir(run.out)


def shot(tab, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / name))


def test_hovering_a_link_previews_the_target(page, site: str) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{site}/start/")
    page.locator("article a.internal", has_text="Target").first.hover()
    popover = page.locator(".popover")
    popover.wait_for(state="visible")
    assert "maximum likelihood 极大似然" in popover.inner_text()
    assert popover.locator("script").count() == 0
    shot(page, "popover.png")
    page.mouse.move(1, 1)
    popover.wait_for(state="hidden")
    page.locator("article a.internal", has_text="Target").first.hover()
    popover.wait_for(state="visible")
    # Cached: the target page was fetched once, however often it is previewed.
    assert sum(1 for u in requests if u.rstrip("/").endswith("/target")) == 1


def test_preview_of_a_heading_link_scrolls_to_the_heading(page, site: str) -> None:
    page.goto(f"{site}/start/")
    page.locator("article a.internal", has_text="the deep part").hover()
    page.locator(".popover").wait_for(state="visible")
    heading = page.locator(".popover .popover-target")
    assert "Deep heading" in heading.inner_text()
    box = page.locator(".popover-inner").bounding_box()
    where = heading.bounding_box()
    assert box and where
    assert box["y"] <= where["y"] < box["y"] + box["height"]  # scrolled into view
    shot(page, "popover-heading.png")


def test_keyboard_focus_previews_but_a_tap_does_not(browser, site: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(f"{site}/start/")
    link = tab.locator("article a.internal", has_text="Target").first
    for _ in range(60):  # Tab through the page to the link
        tab.keyboard.press("Tab")
        if link.evaluate("a => a === document.activeElement"):
            break
    else:
        pytest.fail("the link never got keyboard focus")
    tab.locator(".popover").wait_for(state="visible")
    tab.keyboard.press("Escape")
    tab.locator(".popover").wait_for(state="hidden")
    context.close()

    phone = browser.new_context(viewport={"width": 375, "height": 800}, has_touch=True)
    tab = phone.new_page()
    tab.goto(f"{site}/start/")
    tab.evaluate("document.addEventListener('click', e => e.preventDefault())")
    tab.locator("article a.internal", has_text="Target").first.tap()
    tab.wait_for_timeout(800)
    assert tab.locator(".popover:visible").count() == 0
    phone.close()


def test_graph_svg_shows_without_javascript(browser, tmp_path: Path) -> None:
    """The drawing alone, in the theme's stylesheets: visible, sized, links in place."""
    garden = build_graph(star(), STAR_EDGES)
    css = "".join(
        (REPO / "theme" / "static" / name).read_text(encoding="utf-8")
        for name in ("style.css", "graph.css")
    )
    local = local_graph_svg(garden, "hub.md", "/hub/")
    html = (
        f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><style>{css}</style>'
        f'<div class="page"><main class="note"><p>Text</p></main><aside class="sidebar">'
        f'<nav class="graph-box"><div class="graph-frame">{local}</div></nav></aside></div>'
    )
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    tab = context.new_page()
    tab.goto((tmp_path / "index.html").as_uri())
    box = tab.locator("svg.graph-local").bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    label = tab.locator("svg.graph-local a.current text").bounding_box()
    assert label and label["width"] > 10
    context.close()


def test_built_pages_draw_the_graph_without_javascript(browser, build_vault, serve_dir) -> None:
    run = build_vault(VAULT, settings='publish = "all"')
    assert run.code == 0, run.stderr
    if "graph-local" not in run.page("/start/"):
        pytest.skip("build.py does not put the graph into pages yet")
    site = serve_dir(run.out)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.goto(f"{site}/start/")
    box = tab.locator("svg.graph-local").bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    assert tab.locator("svg.graph-local .graph-nodes > a").count() == 3
    shot(tab, "graph-local-nojs.png")
    tab.goto(f"{site}/graph/")
    box = tab.locator(".garden-graph svg.graph").bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50
    shot(tab, "graph-garden-nojs.png")
    context.close()


def test_a_kept_garden_draws_as_the_garden_it_was_kept_from() -> None:
    rng = random.Random(1)
    nodes = [node(f"n{i}") for i in range(300)]
    links = [(f"n{rng.randrange(300)}.md", f"n{rng.randrange(300)}.md") for _ in range(900)]
    built = build_graph(nodes, links, "key")
    kept = garden_from_plain(list(reversed(nodes)), built.plain(), "key")
    assert list(kept.edges) == built.edges and len(kept.edges) == len(built.edges)
    assert list(kept.neighbours) == built.neighbours and kept.plain() == built.plain()
    assert garden_graph_svg(kept, "/graph/") == garden_graph_svg(built, "/graph/")
    for key in ("n1.md", "n5.md", "n77.md"):
        assert local_graph_inputs(kept, key) == local_graph_inputs(built, key)


DRAW_FROM_ELSEWHERE = """
import pickle, sys
from hortus.render import build_graph, garden_graph_svg
nodes, links, points = pickle.loads(sys.stdin.buffer.read())
garden = build_graph(nodes, links)
garden.laid_out_by(lambda: points)
svg = garden_graph_svg(garden, "/graph/")
print(len(svg), "numpy" in sys.modules)
sys.stdout.write(svg)
"""


def test_a_garden_laid_out_elsewhere_is_drawn_without_numpy() -> None:
    """The build draws /graph/ from a layout another process made (see hortus.pipeline's
    graph.py): drawn as from its own layout, without loading numpy, which a large garden's
    build would otherwise load for the graph page alone."""
    rng = random.Random(2)
    nodes = [node(f"n{i}", f"Note {i}") for i in range(200)]
    links = [(f"n{rng.randrange(200)}.md", f"n{rng.randrange(200)}.md") for _ in range(500)]
    garden = build_graph(nodes, links)
    made_here = garden_graph_svg(garden, "/graph/")
    points = garden.layout_task()()  # as the other process makes it
    run = subprocess.run(
        [sys.executable, "-c", DRAW_FROM_ELSEWHERE],
        input=pickle.dumps((nodes, links, points)),
        capture_output=True,
        check=True,
    )
    header, _, svg = run.stdout.decode("utf-8").partition("\n")
    assert header == f"{len(made_here)} False"
    assert svg == made_here
