"""The stylesheets and scripts only some pages need (diagrams, boards, properties), and the
mermaid script, written only when a diagram is left to it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hortus.diagnostics import Diagnostics
from hortus.render import Diagram, mermaid_script_path, needs_mermaid_script
from hortus.site.writer import SiteWriter

MERMAID_ASSET = "mermaid.js"

# What marks a page as needing a stylesheet or script of the theme (by its asset name).
_STYLES = {
    '<figure class="mermaid-diagram"': "diagrams.css",
    'class="mermaid-error"': "diagrams.css",
    '<pre class="mermaid">': "diagrams.css",
    'class="canvas-board"': "canvas.css",
}
_SCRIPTS = {'class="canvas-board"': "canvas.js"}


def emit_mermaid_script(
    writer: SiteWriter, diagrams: Mapping[str, Diagram], diagnostics: Diagnostics, root: Path
) -> dict[str, str]:
    """The official mermaid script as a content-hashed asset, when some diagram was not drawn
    at build time; logical name -> site URL."""
    waiting = sum(1 for d in diagrams.values() if d.in_browser)
    if not waiting:
        return {}
    script = mermaid_script_path(root)
    if script is None:
        diagnostics.warn(
            "node_modules/mermaid", None, "diagram",
            f"the mermaid script is not installed (run `npm ci`); {waiting} diagram(s) that "
            "were not drawn at build time are shown as their source",
        )  # fmt: skip
        return {}
    return {MERMAID_ASSET: writer.write_asset(MERMAID_ASSET, script.read_bytes())}


def feed_url(section_url: str) -> str:
    """The Atom feed of a tag's or folder's page: `feed.xml` beside its `index.html`."""
    return section_url + "feed.xml"


def page_extras(
    html: str, assets: Mapping[str, str], *, properties: bool = False
) -> dict[str, list[str]]:
    """The asset names of the stylesheets and scripts a page's HTML needs (and its
    properties view, when it has one), in a fixed order: `styles` for its head, `scripts`
    for its end."""
    styles = {name for mark, name in _STYLES.items() if mark in html and name in assets}
    if properties and "properties.css" in assets:
        styles.add("properties.css")
    scripts = sorted({name for mark, name in _SCRIPTS.items() if mark in html and name in assets})
    if needs_mermaid_script(html) and MERMAID_ASSET in assets and "mermaid-init.js" in assets:
        scripts += [MERMAID_ASSET, "mermaid-init.js"]  # the library, then what starts it
    return {"styles": sorted(styles), "scripts": scripts}
