"""Stage 6, render: tokens and results to HTML, through the Jinja2 theme.

BodyRenderer renders a note's body for one page URL with the rules install_render_rules adds
to the parser: links and embeds as the link stage resolved them (looked up by each token's
link_index; an embedded note is expanded in place, within TRANSCLUSION_DEPTH and EMBED_LIMIT),
formulas typeset beforehand by typeset_math (KaTeX, one batch per build), code cells with
their outputs. Theme renders the theme's templates (LABELS are the words it says itself);
the folder tree and breadcrumbs (navigation) and the link graph's SVG drawings (graph)
are the rest of a page."""

from hortus.render.body import (
    EMBED_LIMIT,
    TRANSCLUSION_DEPTH,
    BodyRenderer,
    install_render_rules,
)
from hortus.render.graph import (
    Garden,
    GraphNode,
    build_graph,
    garden_graph_svg,
    local_graph_inputs,
    local_graph_svg,
)
from hortus.render.math import (
    KatexError,
    KatexRenderer,
    MathResult,
    katex_dist_dir,
    load_preamble,
    math_macros,
    typeset_math,
)
from hortus.render.navigation import FolderTree, breadcrumbs, build_tree
from hortus.render.theme import LABELS, Theme

__all__ = [
    "EMBED_LIMIT",
    "LABELS",
    "TRANSCLUSION_DEPTH",
    "BodyRenderer",
    "FolderTree",
    "Garden",
    "GraphNode",
    "KatexError",
    "KatexRenderer",
    "MathResult",
    "Theme",
    "breadcrumbs",
    "build_graph",
    "build_tree",
    "garden_graph_svg",
    "install_render_rules",
    "katex_dist_dir",
    "load_preamble",
    "local_graph_inputs",
    "local_graph_svg",
    "math_macros",
    "typeset_math",
]
