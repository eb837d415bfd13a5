"""Stage 5: tokens and results to HTML, through the Jinja2 templates of the theme."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from hortus.config import Settings
from hortus.diagnostics import Diagnostics
from hortus.links.linker import Resolution
from hortus.markdown.parser import ParsedNote
from hortus.render.cells import install_cell_rules
from hortus.render.links import (
    EMBED_LIMIT,
    TRANSCLUSION_DEPTH,
    install_link_rules,
    section_tokens,
)
from hortus.render.math.katex import MathResult
from hortus.render.navigation import FolderTree
from hortus.vault.urls import relative_url


def _math_html(result: MathResult | None, tex: str, display: bool, block: bool = True) -> str:
    if result is not None and result.html is not None:
        return result.html
    # Shown as Obsidian shows a formula its renderer rejects: the source, in an error style.
    message = result.error if result is not None else "formula was not rendered"
    tag = "div" if display and block else "span"  # never a <div> inside a <p> or <a>
    return (
        f'<{tag} class="math-error" title="{escape(message or "")}">'
        f"<code>{escape(tex)}</code></{tag}>"
    )


def _render_math_inline(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    tex = tokens[idx].content
    return _math_html(env.get("math", {}).get((tex, False)), tex, False)


def _render_math_block(self: Any, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
    token = tokens[idx]
    result = env.get("math", {}).get((token.content, True))
    inner = _math_html(result, token.content, True, token.block)
    if not token.block:  # `$$` nested in a heading, link or table cell: no <div> inside them
        return inner
    return f'<div class="math-display">{inner}</div>\n'


def install_render_rules(md: MarkdownIt) -> None:
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_block", _render_math_block)
    install_link_rules(md)
    install_cell_rules(md)


class BodyRenderer:
    """Renders a note's body for one page URL (links are relative to the page), and the notes
    and sections it embeds, with a depth limit, a limit on embeds per page, and a visible
    notice on a cycle."""

    def __init__(
        self,
        md: MarkdownIt,
        parsed: list[ParsedNote],
        math: Mapping[tuple[str, bool], MathResult],
    ) -> None:
        self.md = md
        self.parsed = {p.note.path: p for p in parsed}
        self.math = math

    def render(
        self, parsed: ParsedNote, page_url: str, diagnostics: Diagnostics | None = None
    ) -> str:
        """The body's HTML; a page that embeds more than EMBED_LIMIT notes is reported to
        `diagnostics` (once per note: its other URLs render the same embeds)."""
        budget = EmbedBudget()
        env = self._env(parsed, page_url, (parsed.note.path,), budget, None)
        html = self.md.renderer.render(parsed.tokens, self.md.options, env)
        skipped = budget.first_skipped
        if diagnostics is not None and skipped is not None and page_url == parsed.note.url:
            diagnostics.warn(
                str(parsed.note.path),
                skipped.page_line,
                "embed-limit",
                f"this page embeds more than {EMBED_LIMIT} notes, counting embeds inside "
                f"embeds; from {skipped.where} on they are shown as links",
            )
        return html

    def _env(
        self,
        parsed: ParsedNote,
        page_url: str,
        stack: tuple,
        budget: EmbedBudget,
        page_line: int | None,
    ) -> dict[str, Any]:
        # `budget` is shared by every env of one page render: the limit is per page, and the
        # count lives in the render's env rather than here, so renders may run in any process.
        return {
            **parsed.env,
            "math": self.math,
            "page_url": page_url,
            "body": self,
            "stack": stack,
            "embeds": budget,
            "embed_page_line": page_line,
        }

    def transclude(self, found: Resolution, env: dict[str, Any], line: int | None = None) -> str:
        """`found`'s note or section, embedded at `line` (1-based) of the note on top of
        env["stack"]."""
        note = found.note
        assert note is not None
        stack = env["stack"]
        title = escape(note.title)
        href = escape(relative_url(env["page_url"], found.url or note.url))
        source = f'<a href="{href}">{title}</a>' if note.page else title
        if note.path in stack or len(stack) > TRANSCLUSION_DEPTH:
            reason = "embeds itself" if note.path in stack else "is embedded too deeply"
            return _stop_notice(f"{source} {reason}.")
        budget: EmbedBudget = env["embeds"]
        # The line in the page's own note that the outermost embed sits on.
        page_line = env["embed_page_line"] if len(stack) > 1 else line
        if budget.used >= EMBED_LIMIT:
            # Each embed may embed others: without a limit per page, ten embeds of a note that
            # embeds ten more, four levels deep, are ten thousand copies on one page.
            if budget.first_skipped is None:
                holder = stack[-1]
                where = f"{holder}:{line}" if line else str(holder)
                budget.first_skipped = SkippedEmbed(page_line, where)
            return _stop_notice(f"{source}: this page already embeds {EMBED_LIMIT} notes.")
        budget.used += 1
        target = self.parsed[note.path]
        tokens = section_tokens(target.tokens, found.heading_id, found.block_id)
        inner_env = self._env(target, env["page_url"], (*stack, note.path), budget, page_line)
        inner = self.md.renderer.render(tokens, self.md.options, inner_env)
        return (
            f'<div class="transclusion"><div class="transclusion-source">'
            f"{source}</div>{inner}</div>"
        )


@dataclass(frozen=True)
class SkippedEmbed:
    page_line: int | None  # in the page's note: the embed that led to it
    where: str  # `note.md:LINE` of the embed itself


@dataclass
class EmbedBudget:
    """Transclusions expanded so far on one page, and the first one that was not."""

    used: int = 0
    first_skipped: SkippedEmbed | None = None


def _stop_notice(text: str) -> str:
    return f'<div class="transclusion-stop" role="note">Not shown here: {text}</div>'


# The few words the theme itself says, in the site's language.
LABELS = {
    "en": {
        "contents": "Contents",
        "backlinks": "Backlinks",
        "tags": "Tags",
        "all_tags": "All tags",
        "claims": "Claims",
        "claims_checked": "claims checked at build time",
        "claim": "Claim",
        "value": "Value",
        "expected": "Expected",
        "note": "Note",
        "explorer": "Notes",
        "updated": "Updated",
        "graph": "Graph",
        "garden_graph": "Whole garden",
        "graph_hint": "Point at a note to see its links; click to open it.",
    },
    "zh": {
        "contents": "目录",
        "backlinks": "反向链接",
        "tags": "标签",
        "all_tags": "全部标签",
        "claims": "断言",
        "claims_checked": "条断言在构建时检验",
        "claim": "断言",
        "value": "计算值",
        "expected": "期望值",
        "note": "笔记",
        "explorer": "笔记",
        "updated": "更新于",
        "graph": "关系图",
        "garden_graph": "全部笔记的关系图",
        "graph_hint": "悬停查看链接，点击打开笔记。",
    },
}


class Theme:
    """The Jinja2 templates of theme/templates; everything a note supplies is autoescaped."""

    def __init__(
        self,
        theme_dir: Path,
        settings: Settings,
        tree: FolderTree | None = None,
        has_claims: bool = False,
    ) -> None:
        self.tree = tree
        self.has_claims = has_claims
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

    def label(self, key: str) -> str:
        return self._labels[key]

    @property
    def _labels(self) -> dict[str, str]:
        return LABELS["zh" if self.settings.language.lower().startswith("zh") else "en"]

    def render(self, template: str, **context: Any) -> str:
        site = {
            "title": self.settings.title,
            "language": self.settings.language,
            "base_url": self.settings.base_url,
            "labels": self._labels,
            "explorer": Markup(self.tree.html(context["page"]["url"])) if self.tree else "",
            "claims_url": self.has_claims,
        }
        return self.env.get_template(template).render(site=site, **context)
