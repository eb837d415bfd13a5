"""Stage 3, links: every link, embed and image of the published notes resolved against the
vault the way Obsidian does, reported when broken, ambiguous, private or leaving the vault.

link_notes gives a LinkGraph: per note, a ResolvedLink for each of its links in the order of
their link_index (the renderer finds a token's by that index; nothing is written into the
tokens), backlinks, tag listings and the site URL of every attachment reached. Embed cycles
are reported here; section_tokens is the part of a note an embed shows, and
is_transclusion / link_of tell the renderer which embeds are notes shown in place.

The stage works from each note's NoteSummary (summarize: its links, headings, block ids and
tags), never from other notes' tokens; given a LinkStore, a note whose text, vault and link
targets are unchanged since the last build keeps its summary and its resolved links."""

from hortus.links.index import VaultIndex, heading_key
from hortus.links.records import UNRESOLVED, LinkGraph, Relinker, ResolvedLink
from hortus.links.resolve import DRAWING_SUFFIXES, Linker, output_file
from hortus.links.stage import link_notes
from hortus.links.summary import NoteSummary, summarize
from hortus.links.transclusion import (
    Section,
    is_transclusion,
    link_of,
    repeats_embed,
    report_embed_cycles,
    section_tokens,
)

__all__ = [
    "DRAWING_SUFFIXES",
    "UNRESOLVED",
    "LinkGraph",
    "Linker",
    "NoteSummary",
    "Relinker",
    "ResolvedLink",
    "Section",
    "VaultIndex",
    "heading_key",
    "is_transclusion",
    "link_notes",
    "link_of",
    "output_file",
    "repeats_embed",
    "report_embed_cycles",
    "section_tokens",
    "summarize",
]
