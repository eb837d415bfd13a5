"""Dataview switched off in the vault (`.obsidian/community-plugins.json` does not list it):
Obsidian then shows a ```` ```dataview ```` block as code, a `` `= expr` `` span as code and
`key:: value` as text. A parser for such a vault leaves the inline fields plugin out and uses
this one instead.

Tokens: a `dataview` or `dataviewjs` fence gets meta `{"code_only": True}`: no stage reads
it as a query, and it renders as any other fence."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from hortus.markdown.summary import fence_language

__all__ = ["CODE_ONLY", "plaindataview_plugin"]

CODE_ONLY = "code_only"  # token meta: a fence shown as code, whatever its language
_DATAVIEW_LANGUAGES = ("dataview", "dataviewjs")


def plaindataview_plugin(md: MarkdownIt) -> None:
    """Mark Dataview's fences as code."""
    md.core.ruler.push("plain_dataview", _mark_fences)


def _mark_fences(state: StateCore) -> None:
    for token in state.tokens:  # block tokens, nested ones included, are one flat list
        if token.type == "fence" and fence_language(token) in _DATAVIEW_LANGUAGES:
            token.meta[CODE_ONLY] = True
