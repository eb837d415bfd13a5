"""Markdown links into the vault: `[text](Note.md)`, `[text](My%20Note.md#Heading)`.

Token contract: markdown-it's ``link_open`` tokens are kept as they are; a
link whose destination has no URL scheme and does not start with `//` (so not
`https:`, `mailto:` nor `//host`) also gets::

    meta["internal"] = {
        "target": "folder/My Note.md",  # URL-decoded path, no `#...` or `?...`;
                                        # `.md` kept when written, "" for `#Heading`;
                                        # a leading `/` (from the vault root) kept
        "heading": "Heading" | None,    # last heading of `#A#B`
        "headings": ["A", "B"],         # the whole chain
        "block": "id" | None,           # from `#^id`
        "line": 0,                      # 0-based source line of the `[`
    }

Links to other local files (`a.pdf`) are marked too: the link stage decides
what a target is. Reference-style links (`[text][ref]`) are marked the same
way, with the line of the link text.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from hortus.markdown.plugins.common import (
    InlineRule,
    has_scheme,
    install_line_rule,
    parse_href,
    registered_rule,
    relative_line,
)

__all__ = ["internal_meta", "mdlinks_plugin"]


def mdlinks_plugin(md: MarkdownIt) -> None:
    link_rule = registered_rule(md, "link")
    if getattr(link_rule, "marks_internal", False):
        return  # already installed: a second wrapper would mark each link twice
    # Wrap markdown-it's link rule: it alone knows where a link starts in the
    # source, which a core rule walking tokens afterwards could not recover
    # exactly (code spans and HTML lose or keep newlines unpredictably).
    md.inline.ruler.at("link", _marking(link_rule))
    install_line_rule(md)


def internal_meta(href: str) -> dict | None:
    """`meta["internal"]` for a normalised href, or None for an external link."""
    # A single leading `/` is a vault-root path in Obsidian, so it stays internal.
    if not href or has_scheme(href) or href.startswith("//"):
        return None
    link = parse_href(href)
    if link.empty:  # `[x](#)`: nothing to resolve
        return None
    return {
        "target": link.target,
        "heading": link.heading,
        "headings": list(link.headings),
        "block": link.block,
        "line": 0,
    }


def _marking(link_rule: InlineRule) -> InlineRule:
    def link(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not link_rule(state, silent):
            return False
        if not silent:
            # pushing link_open may first flush pending text, so search for it
            for token in state.tokens[count:]:
                if token.type == "link_open":
                    internal = internal_meta(str(token.attrGet("href") or ""))
                    if internal is not None:
                        # relative to the block; the line rule adds the block's line
                        internal["line"] = relative_line(state.src, start)
                        token.meta["internal"] = internal
                    break
        return True

    link.marks_internal = True  # type: ignore[attr-defined]
    return link
