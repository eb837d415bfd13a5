"""Mermaid diagrams drawn as SVG at build time, so a page shows them with no script.

merman (a Rust port of Mermaid's parsers and layouts, installed from PyPI) draws every
```` ```mermaid ```` block of the published notes once per theme, light and dark; the page
holds both and the stylesheet shows the one of the reader's theme. A diagram merman cannot
draw for a reason other than its source (a capability its wheel lacks, or no wheel for this
platform) is left to the official mermaid script, which the pages that need it load: the
source is in the page as preformatted text, readable without JavaScript. A diagram whose
source does not parse is shown as an error box with its source, and reported at its line."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.cache import DiagramStore, short_digest
from hortus.diagnostics import Diagnostics
from hortus.markdown import ParsedNote, code_kinds, token_line

THEMES = {"light": "default", "dark": "dark"}  # hortus's theme -> Mermaid's
# SVG text rather than HTML labels: merman measures text itself, and HTML labels sized by its
# estimate are cut off where the reader's font is wider.
_SITE_CONFIG = {"htmlLabels": False, "flowchart": {"htmlLabels": False}}
FALLBACK_CLASS = "mermaid"  # what the mermaid script looks for
MERMAID_SCRIPT = "mermaid.min.js"


@dataclass(frozen=True)
class Diagram:
    """A Mermaid block as drawn at build time."""

    light: str | None  # SVG in the light theme; None when not drawn at build time
    dark: str | None  # SVG in the dark theme
    error: str | None  # why the source does not parse, as the renderer says it
    error_line: int | None = None  # the source line (0-based) the error is on, when known

    @property
    def in_browser(self) -> bool:
        """Left to the mermaid script: neither drawn nor refused at build time."""
        return self.light is None and self.error is None


# A fence whose info string may start with `mermaid`, any case (or a letter as an entity);
# each pattern starts with a literal, which `re` finds fast.
_MAY_DRAW = (re.compile(r"```[ \t]*[mM&]"), re.compile(r"~~~[ \t]*[mM&]"))


def is_mermaid(token: Token) -> bool:
    words = token.info.strip().split(maxsplit=1)
    return token.type == "fence" and bool(words) and words[0].lower() == "mermaid"


def mermaid_blocks(parsed: ParsedNote) -> Iterator[tuple[str, int]]:
    """Each Mermaid block of a note: its source, and the line of its opening fence."""
    kinds = code_kinds(parsed.env)  # what its parse recorded: no scan of its text
    if kinds is not None and "mermaid" not in kinds:
        return  # its tokens need not be read
    source, (ticks, tildes) = parsed.note.source, _MAY_DRAW
    if kinds is None and not (ticks.search(source) or ("~~~" in source and tildes.search(source))):
        return
    for token in parsed.tokens:
        if is_mermaid(token):
            yield token.content, token_line(token)


def draw_diagrams(
    parsed: Sequence[ParsedNote], diagnostics: Diagnostics, cache_dir: Path | None = None
) -> dict[str, Diagram]:
    """Every distinct Mermaid source of the notes drawn once per theme; with `cache_dir`,
    drawings an earlier build made with the same renderer are taken from there. A source that
    does not parse is reported at its line in every note that holds it."""
    sources = sorted({source for p in parsed for source, _ in mermaid_blocks(p)})
    if not sources:
        return {}
    store = DiagramStore(cache_dir, _options("", "")) if cache_dir is not None else None
    kept = store.load() if store is not None else {}
    wanted = [(source, theme) for source in sources for theme in THEMES]
    missing = [item for item in wanted if item not in kept]
    drawn = {item: kept[item] for item in wanted if item in kept}
    drawn.update((item, _draw(*item)) for item in missing)
    if store is not None and (missing or store.stale(len(drawn))):
        store.save(drawn)
    diagrams = {
        source: Diagram(
            drawn[(source, "light")][0],
            drawn[(source, "dark")][0],
            drawn[(source, "light")][1],
            drawn[(source, "light")][2],
        )
        for source in sources
    }
    for p in parsed:
        for source, line in mermaid_blocks(p):
            diagram = diagrams[source]
            if diagram.error is not None:
                at = line + 1 + (diagram.error_line or 0)
                diagnostics.warn(
                    str(p.note.path), at, "diagram",
                    f"Mermaid cannot draw this diagram: {diagram.error}",
                )  # fmt: skip
    return diagrams


def _options(source: str, theme: str) -> dict[str, Any]:
    config = {**_SITE_CONFIG, "theme": THEMES.get(theme, "default")} if theme else _SITE_CONFIG
    options: dict[str, Any] = {"site_config": config}
    if source:
        # Ids scope each drawing's styles and markers: unique per source and theme.
        options["svg"] = {"diagram_id": f"mermaid-{short_digest(source)}-{theme}"}
    return options


def _draw(source: str, theme: str) -> tuple[str | None, str | None, int | None]:
    """(SVG, None, None) when drawn; (None, message, line) when the source does not parse;
    (None, None, None) when it is left to the browser."""
    merman = _merman()
    if merman is None:
        return None, None, None
    try:
        svg = _client().render_svg(source, json.dumps(_options(source, theme)))
    except merman.MermanError as exc:
        if getattr(exc, "code_name", "") not in ("MERMAN_PARSE_ERROR", "MERMAN_NO_DIAGRAM"):
            return None, None, None  # not the source's fault: the browser draws it
        return None, str(getattr(exc, "message", exc)), _error_line(source, exc)
    return svg, None, None


@functools.cache
def _merman() -> Any:
    """merman, imported when a diagram is first drawn (a build without one, or whose
    diagrams are all cached, never loads it); None where it has no wheel: there the
    browser draws the diagrams."""
    try:
        import merman
    except ImportError:  # pragma: no cover - depends on the platform
        return None
    return merman


@functools.cache
def _client() -> Any:
    """One merman client per process: it keeps no state between drawings."""
    return _merman().Merman()


def _error_line(source: str, exc: Exception) -> int | None:
    span = getattr(getattr(exc, "diagnostic", None), "span", None)
    start = getattr(span, "start", None)
    if not isinstance(start, int):
        return None
    line = source.encode("utf-8")[:start].count(b"\n")  # merman counts bytes
    return min(line, max(source.rstrip("\n").count("\n"), 0))  # the end: its last line


def diagram_html(source: str, diagram: Diagram | None) -> str:
    """A Mermaid block as the page shows it: both drawings, the error box, or the source for
    the mermaid script (readable as it is without JavaScript)."""
    if diagram is None:  # a block the build did not see (an edit previewed alone)
        diagram = Diagram(*_drawn_now(source))
    if diagram.error is not None:
        return (
            f'<div class="mermaid-error" role="note"><p>Mermaid cannot draw this diagram: '
            f"{escape(diagram.error)}</p><pre><code>{escape(source)}</code></pre></div>\n"
        )
    if diagram.in_browser or diagram.dark is None:
        return f'<pre class="{FALLBACK_CLASS}">{escape(source)}</pre>\n'
    return (
        f'<figure class="mermaid-diagram"><div class="mermaid-light">{diagram.light}</div>'
        f'<div class="mermaid-dark">{diagram.dark}</div></figure>\n'
    )


def _drawn_now(source: str) -> tuple[str | None, str | None, str | None, int | None]:
    light, error, line = _draw(source, "light")
    dark = _draw(source, "dark")[0] if light is not None else None
    return light, dark, error, line


def install_diagram_rules(md: MarkdownIt) -> None:
    """Mermaid blocks drawn from env["diagrams"]; every other code block as before."""
    previous = md.renderer.rules["fence"]

    def render_fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if not is_mermaid(token):
            return previous(tokens, idx, options, env)
        diagrams: Mapping[str, Diagram] = env.get("diagrams", {})
        return diagram_html(token.content, diagrams.get(token.content))

    md.add_render_rule("fence", render_fence)


def needs_mermaid_script(html: str) -> bool:
    """Whether a page holds a diagram left to the mermaid script."""
    return f'<pre class="{FALLBACK_CLASS}">' in html


def mermaid_script_path(search_from: Path | None = None) -> Path | None:
    """node_modules/mermaid/dist/mermaid.min.js of the project being built (or of the checkout
    hortus runs from), as `npm ci` installs it; None when it is not there."""
    env = os.environ.get("HORTUS_MERMAID_DIR")
    starts = [Path(env)] if env else []
    starts += [search_from or Path.cwd(), Path(__file__).parent]
    for start in starts:
        start = start.resolve()
        for folder in (start, *start.parents):
            script = folder / "node_modules" / "mermaid" / "dist" / MERMAID_SCRIPT
            if script.is_file():
                return script
    return None
