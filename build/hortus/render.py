"""Stage 5: tokens and results to HTML, through the Jinja2 templates of the theme."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.config import Settings
from hortus.katex import MathResult
from hortus.parse import ParsedNote


def relative_url(from_url: str, to_url: str) -> str:
    """A site URL relative to the page at `from_url`, so the output also reads from file://."""
    if "://" in to_url or to_url.startswith(("#", "mailto:", "data:")):
        return to_url
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    target = posixpath.relpath(to_url, base)
    if to_url.endswith("/") and target != ".":
        target += "/"
    return "./" if target == "." else target


def _math_html(result: MathResult | None, tex: str, display: bool) -> str:
    if result is not None and result.html is not None:
        return result.html
    # Shown as Obsidian shows a formula its renderer rejects: the source, in an error style.
    message = result.error if result is not None else "formula was not rendered"
    tag = "div" if display else "span"
    return (
        f'<{tag} class="math-error" title="{escape(message or "")}">'
        f"<code>{escape(tex)}</code></{tag}>"
    )


def _render_math_inline(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    tex = tokens[idx].content
    return _math_html(env.get("math", {}).get((tex, False)), tex, False)


def _render_math_block(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    tex = tokens[idx].content
    inner = _math_html(env.get("math", {}).get((tex, True)), tex, True)
    return f'<div class="math-display">{inner}</div>\n'


def install_render_rules(md: MarkdownIt) -> None:
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_block", _render_math_block)
    md.add_render_rule("math_inline_double", _render_math_block)


def render_body(md: MarkdownIt, parsed: ParsedNote, math: Mapping[tuple[str, bool], MathResult]) -> str:
    env = dict(parsed.env)
    env["math"] = math
    return md.renderer.render(parsed.tokens, md.options, env)


class Theme:
    """The Jinja2 templates of theme/templates; everything a note supplies is autoescaped."""

    def __init__(self, theme_dir: Path, settings: Settings) -> None:
        templates = theme_dir / "templates"
        if not templates.is_dir():
            from hortus.diagnostics import BuildError

            raise BuildError(f"theme not found: {templates} is not a folder")
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates), encoding="utf-8"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["rel"] = lambda target, page_url: relative_url(page_url, target)
        self.settings = settings

    def render(self, template: str, **context: Any) -> str:
        site = {
            "title": self.settings.title,
            "language": self.settings.language,
            "base_url": self.settings.base_url,
        }
        return self.env.get_template(template).render(site=site, **context)
