"""Stage 6, render: tokens and results to HTML, through the Jinja2 theme.

BodyRenderer renders a note's body for one page URL with the rules install_render_rules adds
to the parser: links and embeds as the link stage resolved them (looked up by each token's
link_index; an embedded note is expanded in place, within TRANSCLUSION_DEPTH and EMBED_LIMIT),
formulas typeset beforehand by typeset_math (KaTeX, one batch per build), code cells with
their outputs. Theme renders the theme's templates (LABELS are the words it says itself);
the folder tree and breadcrumbs (navigation) and the link graph's SVG drawings (graph)
are the rest of a page. Mermaid diagrams are drawn as SVG by draw_diagrams (merman, one pass
per build, cached), those it leaves to the browser marked for the mermaid script. A note's
properties become the rows of its properties view (property_rows); a note that opens with its
title as a heading shows it once (without_title_heading); a canvas is drawn as a board
(canvas_html)."""

from hortus.render.body import (
    EMBED_LIMIT,
    TRANSCLUSION_DEPTH,
    BodyRenderer,
    install_render_rules,
)
from hortus.render.diagrams import (
    Diagram,
    draw_diagrams,
    mermaid_script_path,
    needs_mermaid_script,
)
from hortus.render.graph import (
    Garden,
    GraphNode,
    build_graph,
    garden_from_plain,
    garden_graph_svg,
    garden_key,
    local_graph_inputs,
    local_graph_svg,
)
from hortus.render.listing import LISTING_PAGE, ListingPage, listing_pages
from hortus.render.math import (
    KatexError,
    KatexRenderer,
    MathResult,
    katex_dist_dir,
    launch_typesetter,
    load_preamble,
    math_macros,
    record_math_keys,
    typeset_math,
    write_math_stylesheet,
)
from hortus.render.navigation import (
    EXPLORER_WINDOW,
    Entry,
    FolderTree,
    breadcrumbs,
    build_tree,
    kept_tree,
)
from hortus.render.properties import PropertyPart, PropertyRow, property_rows
from hortus.render.theme import LABELS, Theme
from hortus.render.titles import without_title_heading

__all__ = [
    "EMBED_LIMIT",
    "EXPLORER_WINDOW",
    "LABELS",
    "LISTING_PAGE",
    "TRANSCLUSION_DEPTH",
    "BodyRenderer",
    "Diagram",
    "Entry",
    "FolderTree",
    "Garden",
    "GraphNode",
    "KatexError",
    "KatexRenderer",
    "ListingPage",
    "MathResult",
    "PropertyPart",
    "PropertyRow",
    "Theme",
    "breadcrumbs",
    "build_graph",
    "build_tree",
    "draw_diagrams",
    "garden_from_plain",
    "garden_graph_svg",
    "garden_key",
    "install_render_rules",
    "katex_dist_dir",
    "kept_tree",
    "launch_typesetter",
    "listing_pages",
    "load_preamble",
    "local_graph_inputs",
    "local_graph_svg",
    "math_macros",
    "mermaid_script_path",
    "needs_mermaid_script",
    "property_rows",
    "record_math_keys",
    "typeset_math",
    "without_title_heading",
    "write_math_stylesheet",
]
