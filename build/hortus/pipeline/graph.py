"""The published pages' link graph (render.Garden), made as soon as the link stage has linked
them: as the last build kept it while no page, title or link changed, else made anew. A new
garden's layout, which only /graph/ draws and which costs more than any other of its pages,
is then started in a process of its own (see _lay_out_beside), on the core the stages after
linking leave idle."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from hortus.cache import GraphStore
from hortus.links import LinkGraph
from hortus.markdown import ParsedNote
from hortus.parallel import ForkedWork, can_fork
from hortus.pipeline.context import BuildContext, Mode, is_edit
from hortus.render import Garden, GraphNode, build_graph, garden_from_plain, garden_key

if TYPE_CHECKING:
    from hortus.vault import Vault

# Pages: a smaller garden is laid out in less time than a new interpreter takes to start.
LAYOUT_BESIDE_MIN = 300


def page_garden(
    context: BuildContext, vault: Vault, parsed: list[ParsedNote], graph: LinkGraph
) -> tuple[Garden, ForkedWork[Any] | None]:
    """The garden's graph, and the process making its layout, if one was started."""
    pages = [p.note for p in parsed if p.note.page]
    nodes = [GraphNode(str(n.path), n.title, n.url) for n in pages]
    if context.cache is None or not graph.structure:
        garden = build_graph(nodes, _link_pairs(graph))
        return garden, _lay_out_beside(context, vault, garden)
    key = garden_key(graph.structure, nodes)
    store = GraphStore(context.cache.folder, key)
    kept = store.load().get("garden")
    if kept is not None:
        try:
            return garden_from_plain(nodes, kept, key), None
        except (ValueError, TypeError):
            pass  # cut short or damaged: made again below
    garden = build_graph(nodes, _link_pairs(graph), key)
    store.save({"garden": garden.plain()})
    return garden, _lay_out_beside(context, vault, garden)


def _link_pairs(graph: LinkGraph) -> list[tuple[str, str]]:
    """(source, target) of every backlink, by path."""
    pairs = []
    for dst, sources in graph.backlinks.items():
        target = str(dst)
        pairs.extend((str(src.path), target) for src in sources)
    return pairs


def _lay_out_beside(context: BuildContext, vault: Vault, garden: Garden) -> ForkedWork[Any] | None:
    """Start making `garden`'s layout in a new interpreter, where that pays: a build that
    writes the site and makes its pages anew (not an edit's, whose few pages leave the
    graph page to a process of its own), of a garden large enough, on more than one core;
    not in `hortus serve`, which starts no process beside its server. A new interpreter
    rather than a fork: a fork would hold the build's pipes to the typesetter open, and
    come to hold copies of its memory. Only this process can wait for it: a process forked
    from this one later makes the layout itself."""
    if (
        context.mode is not Mode.PUBLISH
        or context.jobs < 2
        or len(garden.nodes) < LAYOUT_BESIDE_MIN
        or is_edit(vault)
        or not can_fork()
    ):
        return None
    work: ForkedWork[Any] = ForkedWork(garden.layout_task(), fresh=True)
    owner = os.getpid()
    garden.laid_out_by(lambda: work.result() if os.getpid() == owner else None)
    return work
