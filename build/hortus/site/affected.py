"""Which notes' pages an edit can reach, found without computing every page's key.

While the garden's names are unchanged (every note's path, title, URL and aliases, every
attachment: the site key), a page changes only through its own note's facet (text, dates,
the notes linking to it), a linked note's facet, an embedded note, or what its cells and
queries found. A link added or removed changes the facets of both ends; a node's degree in
a local graph changes only with its own facet, and its neighbours are the pages drawing it."""

from __future__ import annotations

import itertools
import operator

from hortus.cells import note_result
from hortus.links import LinkGraph
from hortus.markdown import ParsedNote
from hortus.queries import note_queries


def affected_notes(
    parsed: list[ParsedNote],
    graph: LinkGraph,
    previous: dict[str, str],
    facets: dict[str, str],
) -> set[str]:
    """The notes whose pages may differ from the last build's, by path: those whose facet
    changed, the notes linked to or from them, every note with cells or queries (their
    results are read afresh), and, however deep, the notes embedding any of these."""
    names = {name for name, facet in facets.items() if previous.get(name) != facet}
    reached = set(names)
    # Every linking note, not only the pages among backlinks: a canvas linking to a
    # heading shows it wherever the canvas is embedded. An edit changes a note or two: a
    # look along each note's few targets for each (no hash of every target, as a set
    # test would make), by map and compress (no Python step per note), is the quicker then.
    reaching = graph.reaching
    if len(names) > 4:
        reached.update(s for s, targets in reaching.items() if not names.isdisjoint(targets))
    else:
        for name in names:
            links = map(operator.contains, reaching.values(), itertools.repeat(name))
            reached.update(itertools.compress(reaching.keys(), links))
    for name in names:
        reached.update(graph.reaching.get(name, ()))
    for p in parsed:
        if note_result(p.env) is not None or note_queries(p.env) is not None:
            reached.add(str(p.note.path))
    embedding: dict[str, list[str]] = {}  # note -> the notes embedding it
    for source, embedded in graph.embeds.items():
        for target in embedded:
            embedding.setdefault(target, []).append(source)
    stack = list(reached)
    while stack:
        for embedder in embedding.get(stack.pop(), ()):
            if embedder not in reached:
                reached.add(embedder)
                stack.append(embedder)
    return reached
