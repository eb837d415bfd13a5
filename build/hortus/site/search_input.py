"""What Pagefind is shown of a note page: the part the theme marks for search (not the
explorer, graph and other furniture around it), without the typeset parts of its formulas
that search leaves out."""

from __future__ import annotations

import re
from pathlib import Path

# A theme marks the part of a note page that search needs (the `data-pagefind-body` element);
# Pagefind is shown only that part and the page's title, not the explorer, graph and other
# furniture around it: that is most of a page's bytes, and Pagefind holds what it reads in
# memory (1.75 GB against 1.05 GB for 10,000 pages here) and takes longer over it.
VIEW_START = b"<!--search-view-->"
VIEW_END = b"<!--/search-view-->"
_HTML_OPEN = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(rb"<title\b[^>]*>.*?</title>", re.IGNORECASE | re.DOTALL)


def search_view(html: bytes) -> bytes | None:
    """What Pagefind reads of a page, or None when the theme marks no part (all is read)."""
    start = html.find(VIEW_START)
    end = html.rfind(VIEW_END)  # the template's own marker comes after the note's text
    if start < 0 or end < start:
        return None
    opening = _HTML_OPEN.search(html, 0, start)
    title = _TITLE.search(html, 0, start)
    return b"".join(
        [
            b"<!DOCTYPE html>\n",
            opening.group(0) if opening else b"<html>",
            b'<head><meta charset="utf-8">',
            title.group(0) if title else b"",
            b"</head><body>",
            html[start + len(VIEW_START) : end],
            b"</body></html>\n",
        ]
    )


def page_view(path: Path) -> str:
    """What Pagefind is shown of the page file at `path`."""
    html = path.read_bytes()
    return without_math_markup((search_view(html) or html).decode("utf-8", "replace"))


# The typeset parts of a formula that search.EXCLUDE_SELECTORS leave out, cut before Pagefind reads
# them: KaTeX's HTML is most of a page's text markup, and Pagefind parses all it is shown
# (a third of its time) before it drops them. The index comes out the same byte for byte.
_MATH_PARTS = re.compile(r'<math\b[^>]*><semantics>|<span class="katex-html"')
_SPAN_TAGS = re.compile(r"<span\b|</span>")
_TEX_ANNOTATION = '<annotation encoding="application/x-tex">'


def without_math_markup(html: str) -> str:
    """`html` without what search leaves out of each formula: KaTeX's HTML, and the MathML
    before the TeX annotation (only the TeX source is searched)."""
    if "<semantics>" not in html and "katex-html" not in html:
        return html
    kept: list[str] = []
    pos = 0
    while (found := _MATH_PARTS.search(html, pos)) is not None:
        if found.group(0)[1] == "m":  # MathML: its semantics up to the annotation go
            end = html.find("</semantics>", found.end())
            if end < 0:
                break
            annotation = html.find(_TEX_ANNOTATION, found.end(), end)
            kept.append(html[pos : found.end()])
            pos = annotation if annotation >= 0 else end
        else:
            end = _katex_html_end(html, found.start())
            if end < 0:
                break
            kept.append(html[pos : found.start()])
            pos = end
    kept.append(html[pos:])
    return "".join(kept)


# A formula's KaTeX MathML part -> its KaTeX HTML element: a garden writes the same formula on
# many pages, and finding where an element ends means reading all its spans.
_KATEX_HTML: dict[str, str] = {}
_KATEX_HTML_MAX = 20_000
_MATHML_OPEN = '<span class="katex-mathml">'
_MATHML_REACH = 50_000  # characters back from a KaTeX HTML element to look for its MathML


def _katex_html_end(html: str, start: int) -> int:
    """Where the KaTeX HTML element at `start` ends; -1: never."""
    mathml = html.rfind(_MATHML_OPEN, max(0, start - _MATHML_REACH), start)
    key = html[mathml:start] if mathml >= 0 else ""
    element = _KATEX_HTML.get(key)
    if element is not None and html.startswith(element, start):
        return start + len(element)  # a whole element, spans balanced: it ends there
    end = _span_end(html, start + 1)
    if end >= 0 and key:
        if len(_KATEX_HTML) >= _KATEX_HTML_MAX:
            _KATEX_HTML.clear()
        _KATEX_HTML[key] = html[start:end]
    return end


def _span_end(html: str, start: int) -> int:
    """Where the span opened just before `start` ends (after its `</span>`); -1: never."""
    depth = 1
    while depth:
        tag = _SPAN_TAGS.search(html, start)
        if tag is None:
            return -1
        depth += 1 if tag.group(0) == "<span" else -1
        start = tag.end()
    return start
