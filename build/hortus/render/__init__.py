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
(canvas_html).

Names are loaded on first use: a build that finds nothing changed loads none of them, and
a process that only lays out the garden's graph loads only that.
"""

from __future__ import annotations

from hortus.facade import lazy_names

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
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

_MODULES = {
    "EMBED_LIMIT": "body",
    "TRANSCLUSION_DEPTH": "body",
    "BodyRenderer": "body",
    "install_render_rules": "body",
    "Diagram": "diagrams",
    "draw_diagrams": "diagrams",
    "mermaid_script_path": "diagrams",
    "needs_mermaid_script": "diagrams",
    "Garden": "graph",
    "GraphNode": "graph",
    "build_graph": "graph",
    "garden_from_plain": "graph",
    "garden_graph_svg": "graph",
    "garden_key": "graph",
    "local_graph_inputs": "graph",
    "local_graph_svg": "graph",
    "LISTING_PAGE": "listing",
    "ListingPage": "listing",
    "listing_pages": "listing",
    "KatexError": "math",
    "KatexRenderer": "math",
    "MathResult": "math",
    "katex_dist_dir": "math",
    "launch_typesetter": "math",
    "load_preamble": "math",
    "math_macros": "math",
    "record_math_keys": "math",
    "typeset_math": "math",
    "write_math_stylesheet": "math",
    "EXPLORER_WINDOW": "navigation",
    "Entry": "navigation",
    "FolderTree": "navigation",
    "breadcrumbs": "navigation",
    "build_tree": "navigation",
    "kept_tree": "navigation",
    "PropertyPart": "properties",
    "PropertyRow": "properties",
    "property_rows": "properties",
    "LABELS": "theme",
    "Theme": "theme",
    "without_title_heading": "titles",
}

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


__getattr__, __dir__ = lazy_names(__name__, _MODULES, __all__)
