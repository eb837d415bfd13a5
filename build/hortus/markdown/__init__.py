"""Stage 2, markdown: each published note's text to markdown-it tokens, and what it declares.

make_parser builds the one markdown-it parser of a build (CommonMark, tables, footnotes,
task lists and a plugin per Obsidian syntax, see hortus.markdown.plugins); parse_note gives
a ParsedNote: the tokens, markdown-it's env (block ids, footnotes) and the formulas. Its
headings, the source line of a token and its links come from the functions here: each link
token carries its place among the note's links (link_index), by which later stages find
what the link stage decided for it. Code blocks are highlighted with Pygments while
parsing (highlight_code; pygments_css is their stylesheet). A note's properties are read as
Obsidian's properties view reads them, with the links they hold (properties)."""

from hortus.markdown.code import highlight_code, load_highlighters, pygments_css
from hortus.markdown.parser import (
    Heading,
    ParsedNote,
    headings,
    make_parser,
    note_from_tokens,
    parse_note,
)
from hortus.markdown.plugins import CODE_ONLY, FIELDS, InlineField, wikilink_label
from hortus.markdown.properties import (
    PropertyLink,
    is_hortus_key,
    property_links,
    property_strings,
    text_parts,
)
from hortus.markdown.summary import (
    MathRef,
    code_kinds,
    fence_language,
    link_index,
    link_tokens,
    token_line,
    walk_tokens,
)

__all__ = [
    "CODE_ONLY",
    "FIELDS",
    "Heading",
    "InlineField",
    "MathRef",
    "ParsedNote",
    "PropertyLink",
    "code_kinds",
    "fence_language",
    "headings",
    "highlight_code",
    "is_hortus_key",
    "link_index",
    "link_tokens",
    "load_highlighters",
    "make_parser",
    "note_from_tokens",
    "parse_note",
    "property_links",
    "property_strings",
    "pygments_css",
    "text_parts",
    "token_line",
    "walk_tokens",
    "wikilink_label",
]
