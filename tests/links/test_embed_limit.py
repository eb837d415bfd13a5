"""A page expands at most EMBED_LIMIT embedded notes: a fan-out of embeds (a note embedding
another 20 times, which embeds another 20 times, ...) stays a page of bounded size."""

from __future__ import annotations

import re
import time
from pathlib import Path

from conftest import article
from hortus.config import load_settings
from hortus.diagnostics import Diagnostics
from hortus.links import link_notes
from hortus.markdown import make_parser, parse_note
from hortus.render import EMBED_LIMIT, TRANSCLUSION_DEPTH, BodyRenderer, install_render_rules
from hortus.vault import load_vault

P = "---\ndg-publish: true\n---\n"
FAN_OUT = 20


def fan_out_vault(fan_out: int = FAN_OUT) -> dict[str, str]:
    """L0 embeds L1 `fan_out` times, L1 embeds L2 as often, ... down to the depth limit.

    In L0..L3 the embeds stand on lines 6, 8, 10, ... (one paragraph each)."""
    levels = TRANSCLUSION_DEPTH + 1
    files = {}
    for level in range(levels):
        embeds = "" if level == levels - 1 else "\n\n".join([f"![[L{level + 1}]]"] * fan_out)
        files[f"L{level}.md"] = P + f"text of level {level}\n\n{embeds}\n"
    return files


def test_fan_out_of_embeds_builds_fast_and_small(build_vault) -> None:
    # Without the limit the page of L0 expands 20 + 400 + 8,000 + 160,000 embeds.
    started = time.monotonic()
    run = build_vault(fan_out_vault())
    assert time.monotonic() - started < 60
    assert run.code == 0, run.stderr
    html = run.page("/l0/")
    assert len(html.encode()) < 1_000_000
    body = article(html)
    assert body.count('<div class="transclusion">') == EMBED_LIMIT
    assert f"this page already embeds {EMBED_LIMIT} notes" in body
    assert body.count('class="transclusion-stop"') < 100  # one notice per embed left out
    # One warning a page, at the line of the page's own embed that led past the limit.
    assert re.findall(r"^(L\d\.md:\d+): warning: this page embeds more", run.stderr, re.M) == [
        "L0.md:6",
        "L1.md:6",
        "L2.md:24",
    ]
    # The limit is per page: L3's page embeds L4 twenty times, all of them shown.
    l3 = article(run.page("/l3/"))
    assert l3.count('<div class="transclusion">') == FAN_OUT
    assert "transclusion-stop" not in l3


def render_vault(tmp_path: Path, files: dict[str, str]) -> tuple[dict[str, str], Diagnostics]:
    """Every page's body through the real stages, and what rendering them reported."""
    project = tmp_path / "site"
    notes = project / "notes"
    notes.mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    for name, text in files.items():
        (notes / name).write_text(text, encoding="utf-8")
    settings = load_settings(project)
    vault = load_vault(notes, settings, Diagnostics())
    md = make_parser()
    install_render_rules(md)
    parsed = [parse_note(md, note) for note in vault.published]
    graph = link_notes(vault, parsed, Diagnostics())
    renderer = BodyRenderer(md, parsed, {}, graph.resolved)
    found = Diagnostics()
    pages = {}
    for p in parsed:
        for url in (p.note.url, *p.note.extra_urls):
            pages[url] = renderer.render(p, url, found)
    return pages, found


def test_one_warning_names_the_page_and_the_embed_that_led_there(tmp_path: Path) -> None:
    pages, found = render_vault(tmp_path, fan_out_vault())
    warnings = [(d.path, d.line, d.kind) for d in found.warnings]
    # Pages L0, L1 (20 + 400 + 8,000 embeds) and L2 (420) go over the limit; L3 (20) does not.
    # On L2's page each L3 costs 21: the tenth, on line 6 + 2 * 9, is where it runs out.
    assert warnings == [
        ("L0.md", 6, "embed-limit"),
        ("L1.md", 6, "embed-limit"),
        ("L2.md", 24, "embed-limit"),
    ]
    message = found.warnings[0].message
    assert f"more than {EMBED_LIMIT} notes" in message
    # Depth first: L1, L2, then nine L3s with their 20 L4s each (191), a tenth L3 and 8 of
    # its L4s make 200; its ninth embed, on line 6 + 2 * 8, is the first left out.
    assert "from L3.md:22 on" in message
    assert pages["/l0/"].count('<div class="transclusion">') == EMBED_LIMIT


def test_a_page_at_the_limit_shows_everything(tmp_path: Path) -> None:
    many = P + "\n\n".join(["![[Leaf]]"] * EMBED_LIMIT) + "\n"
    pages, found = render_vault(tmp_path, {"Many.md": many, "Leaf.md": P + "leaf text\n"})
    assert pages["/many/"].count("leaf text") == EMBED_LIMIT
    assert "transclusion-stop" not in pages["/many/"]
    assert not found.items
    one_more = many + "\n![[Leaf]]\n"
    pages, found = render_vault(tmp_path / "more", {"Many.md": one_more, "Leaf.md": P + "x\n"})
    assert pages["/many/"].count("transclusion-stop") == 1
    assert [(d.path, d.line) for d in found.warnings] == [("Many.md", 4 + 2 * EMBED_LIMIT)]


def test_strict_build_fails_on_the_embed_limit(build_vault) -> None:
    run = build_vault(fan_out_vault(), "--strict")
    assert run.code == 1, run.stderr
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert errors and all("embeds more than" in line for line in errors), run.stderr
    assert len(errors) == len(set(errors))  # each said once
    assert not run.out.exists()  # a failed build publishes nothing
