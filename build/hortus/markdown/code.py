"""Code blocks highlighted at build time with Pygments: no script needed to read them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from html import escape

from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"
_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def load_highlighters(infos: Iterable[str]) -> None:
    """The highlighter of each fence info's language made ready now (its module loaded, its
    patterns compiled: 40 ms for Python), before the page workers are forked, so that each
    of them does not do it again."""
    for language in {code_language(info) for info in infos}:
        if language:
            _lexer(language)


def code_language(info: str) -> str:
    """`python`, `{python}` (a cell) and `python title=x` all name Python."""
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    return word.strip("{}").lower()


def highlight_code(code: str, info: str, _attrs: object = None) -> str:
    return _highlight(code, info)


@lru_cache(maxsize=4096)  # vaults repeat snippets; Pygments is the costly part of a page
def _highlight(code: str, info: str) -> str:
    """markdown-it's `highlight` hook: a whole `<pre>` block, so the renderer uses it as is."""
    language = code_language(info)
    lexer = _lexer(language) if language else None
    body = pygments_highlight(code, lexer, _FORMATTER) if lexer else escape(code)
    lang_class = f' class="language-{escape(language)}"' if language else ""
    return f'<pre class="highlight"><code{lang_class}>{body}</code></pre>\n'


def pygments_css() -> str:
    """Token colours for light mode, and for dark mode both by system preference and by toggle."""
    light = HtmlFormatter(style=LIGHT_STYLE).get_style_defs(".highlight")
    dark = HtmlFormatter(style=DARK_STYLE).get_style_defs(":root[data-theme=dark] .highlight")
    dark_auto = HtmlFormatter(style=DARK_STYLE).get_style_defs(
        ":root:not([data-theme=light]) .highlight"
    )
    return f"{light}\n{dark}\n@media (prefers-color-scheme: dark) {{\n{dark_auto}\n}}\n"
