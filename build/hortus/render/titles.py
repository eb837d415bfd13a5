"""A note that opens with its title as a `# Heading` shows the title once: the page's title
takes the heading's place (and its id, so links to the heading still land on it)."""

from __future__ import annotations

import re
import unicodedata

from hortus.markdown import Heading

_LEADING_H1 = re.compile(r'\s*<h1 id="([^"<>]*)">(.*?)</h1>\s*', re.S)


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return norm(a) == norm(b)


def without_title_heading(
    content: str, title: str, headings: list[Heading]
) -> tuple[str, str | None]:
    """(the body without its opening `# Title`, that heading's id), when the body opens with
    a level-1 heading that says the title; else (the body, None)."""
    if not headings or headings[0].level != 1 or not _same(headings[0].text, title):
        return content, None
    match = _LEADING_H1.match(content)
    if match is None or match.group(1) != headings[0].id:
        return content, None
    return content[match.end() :], match.group(1)
