"""A note's body as HTML: its tokens through markdown-it's renderer with hortus's rules, and
the notes and sections it embeds, each once, with limits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hortus.cache import short_digest
from hortus.diagnostics import Diagnostics
from hortus.links import ResolvedLink, Section, repeats_embed, section_tokens
from hortus.markdown import ParsedNote
from hortus.render.canvas import canvas_html
from hortus.render.cells import install_cell_rules
from hortus.render.diagrams import Diagram, install_diagram_rules
from hortus.render.links import install_link_rules, unwrap_transclusions
from hortus.render.math.katex import MathResult
from hortus.render.math.rules import install_math_rules
from hortus.render.queries import install_query_rules, render_base_embed
from hortus.vault import BASE_SUFFIX, relative_url

TRANSCLUSION_DEPTH = 4
# Notes and sections expanded on one page, counting those inside embedded notes.
EMBED_LIMIT = 200


def install_render_rules(md: MarkdownIt) -> None:
    """hortus's render rules: formulas, links and embeds, code cells and their outputs,
    diagrams."""
    install_math_rules(md)
    install_link_rules(md)
    install_cell_rules(md)
    install_diagram_rules(md)
    install_query_rules(md)  # last: it passes other fences to the rules above


@dataclass(frozen=True)
class SkippedEmbed:
    """The first embed a page did not expand, for the warning."""

    page_line: int | None  # in the page's note: the embed that led to it
    where: str  # `note.md:LINE` of the embed itself


@dataclass
class EmbedBudget:
    """Transclusions expanded so far on one page, and the first one that was not."""

    used: int = 0  # notes and sections expanded
    first_skipped: SkippedEmbed | None = None  # the first one shown as a notice instead


class BodyRenderer:
    """Renders a note's body for one page URL (links are relative to the page), and the notes
    and sections it embeds, with a depth limit, a limit on embeds per page, and a visible
    notice on a cycle."""

    def __init__(
        self,
        md: MarkdownIt,
        parsed: list[ParsedNote],
        math: Mapping[tuple[str, bool], MathResult],
        links: Mapping[PurePosixPath, Sequence[ResolvedLink]],
        diagrams: Mapping[str, Diagram] | None = None,
    ) -> None:
        self.md = md
        # By path as text: a path's text is kept once made, and every note's is by now,
        # while its hash would be made here for each of a large garden's notes.
        self.parsed = {str(p.note.path): p for p in parsed}
        self.math = math
        # The link stage's resolutions per note (read, not copied: an edited note's new
        # ones are found here as soon as it is linked again).
        self.links = links
        self.diagrams = diagrams or {}  # Mermaid source -> its drawings

    def render(
        self, parsed: ParsedNote, page_url: str, diagnostics: Diagnostics | None = None
    ) -> str:
        """The body's HTML; a page that embeds more than EMBED_LIMIT notes is reported to
        `diagnostics` (once per note: its other URLs render the same embeds)."""
        budget = EmbedBudget()
        env = self._env(parsed, page_url, ((parsed.note.path, None, None),), budget, None)
        html = self._canvas_or_text(parsed, parsed.tokens, env)
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

    def _render(self, tokens: list[Token], env: dict[str, Any]) -> str:
        shown = unwrap_transclusions(tokens, env["links"])
        return self.md.renderer.render(shown, self.md.options, env)

    def _env(
        self,
        parsed: ParsedNote,
        page_url: str,
        stack: tuple[Section, ...],  # what is being shown, the page's note first
        budget: EmbedBudget,
        page_line: int | None,
    ) -> dict[str, Any]:
        # `budget` is shared by every env of one page render: the limit is per page, and the
        # count lives in the render's env rather than here, so renders may run in any process.
        return {
            **parsed.env,
            "math": self.math,
            "diagrams": self.diagrams,
            "links": self.links.get(parsed.note.path, ()),
            "page_url": page_url,
            "body": self,
            "stack": stack,
            "embeds": budget,
            "embed_page_line": page_line,
        }

    def render_inline(self, path: str, index: int, env: dict[str, Any]) -> str | None:
        """The inline token at `index` of the note at `path` (a task's text, shown by a
        query), its links resolved as in that note; None when it is not at hand."""
        parsed = self.parsed.get(str(PurePosixPath(path)))
        if parsed is None or not 0 <= index < len(parsed.tokens):
            return None
        token = parsed.tokens[index]
        children = [c for c in token.children or () if "task-list-item-checkbox" not in c.content]
        inner = self._env(parsed, env["page_url"], env["stack"], env["embeds"], None)
        return self.md.renderer.renderInline(children, self.md.options, inner).strip()

    def transclude(self, found: ResolvedLink, env: dict[str, Any], line: int | None = None) -> str:
        """`found`'s note or section, embedded at `line` (1-based) of the note on top of
        env["stack"]."""
        note = found.note
        assert note is not None
        if note.suffix.lower() == BASE_SUFFIX:  # a base's view, evaluated for this note
            return render_base_embed(found, env)
        stack = env["stack"]
        title = escape(found.title or "")
        if found.page and found.url is not None:
            source = f'<a href="{escape(relative_url(env["page_url"], found.url))}">{title}</a>'
        else:
            source = title
        section: Section = (note, found.heading_id, found.block_id)
        repeated = repeats_embed(stack, section)
        if repeated or len(stack) > TRANSCLUSION_DEPTH:
            reason = "embeds itself" if repeated else "is embedded too deeply"
            return _stop_notice(f"{source} {reason}.")
        budget: EmbedBudget = env["embeds"]
        # The line in the page's own note that the outermost embed sits on.
        page_line = env["embed_page_line"] if len(stack) > 1 else line
        if budget.used >= EMBED_LIMIT:
            # Each embed may embed others: without a limit per page, ten embeds of a note that
            # embeds ten more, four levels deep, are ten thousand copies on one page.
            if budget.first_skipped is None:
                holder = stack[-1][0]
                where = f"{holder}:{line}" if line else str(holder)
                budget.first_skipped = SkippedEmbed(page_line, where)
            return _stop_notice(f"{source}: this page already embeds {EMBED_LIMIT} notes.")
        budget.used += 1
        target = self.parsed[str(note)]
        tokens = section_tokens(target.tokens, found.heading_id, found.block_id)
        inner_env = self._env(target, env["page_url"], (*stack, section), budget, page_line)
        inner = self._canvas_or_text(target, tokens, inner_env)
        return (
            f'<div class="transclusion"><div class="transclusion-source">'
            f"{source}</div>{inner}</div>"
        )

    def _canvas_or_text(self, target: ParsedNote, tokens: list[Token], env: dict[str, Any]) -> str:
        """A canvas as its board and outline; any other note (or a canvas without its
        layout) as its text."""
        layout = target.note.canvas
        if layout is None:
            return self._render(tokens, env)
        key = f"canvas-{short_digest(str(target.note.path))}"
        return canvas_html(
            layout, tokens, env["links"], lambda ts: self._render(ts, env), target.note.title, key
        )


def _stop_notice(text: str) -> str:
    return f'<div class="transclusion-stop" role="note">Not shown here: {text}</div>'
