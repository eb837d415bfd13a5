"""The link graph, laid out at build time and drawn as SVG: each note's neighbourhood and the
whole garden. build_graph makes a Garden from the published notes and their links."""

from hortus.render.graph.model import (
    Garden,
    GraphNode,
    build_graph,
    garden_from_plain,
    garden_key,
)
from hortus.render.graph.rings import local_graph_inputs
from hortus.render.graph.svg import garden_graph_svg, local_graph_svg

__all__ = [
    "Garden",
    "GraphNode",
    "build_graph",
    "garden_from_plain",
    "garden_graph_svg",
    "garden_key",
    "local_graph_inputs",
    "local_graph_svg",
]
