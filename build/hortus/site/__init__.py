"""The site: every output file of a build, written through one SiteWriter.

The writer (`SiteWriter`) collects the output in a staging folder beside the output folder
and puts it into place only when the build succeeded (`commit`); a file whose key is
unchanged since the last build is kept in the output instead of made again. An edit's few
files are moved in one by one; a build that remakes much of the site swaps the whole folder.
A note page no change can reach (`affected_notes`) is kept without its key being computed.

What is written is a list of emitters with one interface (`Emitter`: `emit(site, writer)`
over one `SiteState`): the note pages first (`emit_note_pages`, `NotePages`: each page keyed
on everything it is made from), then `EMITTERS` in order: home, garden graph, tags, claims
(before the folders: a vault folder `Claims/` must not take it), folders, feeds (the site's,
and one per tag and per folder), sitemap and robots.txt, 404, attachments, and a redirect
page at each alias of a published note. A note's permalink may
own a URL an emitter would write (`/tags/`): an emitter asks `writer.has_page` first. Assets
are written with content-hashed names (`emit_assets`, `emit_figures`, and the mermaid script
when a diagram is left to it: `emit_mermaid_script`); `page_extras` names the stylesheets and
scripts a page's features need. Search is Pagefind over the written note pages
(`SearchIndexing`, fed through Pagefind's service while the other pages are written; shards
kept from build to build, with the pages edited since in a small index of their own;
`index_site` for a site already built).

Names are loaded on first use, so that a build that finds nothing changed loads only the
writer (`clear_leftovers`), not the emitters, templates or search.
"""

from __future__ import annotations

from hortus.facade import lazy_names

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from hortus.site.assets import emit_assets
    from hortus.site.emitters import (
        EMITTERS,
        emit_attachments,
        emit_claims_page,
        emit_folders,
        emit_garden_graph,
        emit_home,
        emit_not_found,
        emit_note_pages,
        emit_tags,
    )
    from hortus.site.extras import emit_mermaid_script, page_extras
    from hortus.site.feeds import (
        emit_feed,
        emit_section_feeds,
        emit_sitemap,
        write_feed,
        write_sitemap,
    )
    from hortus.site.outputs import emit_claims, emit_figures
    from hortus.site.pages import NotePages, PreviousPages
    from hortus.site.redirects import alias_url, emit_alias_redirects
    from hortus.site.search import (
        BUNDLE_DIR,
        SearchStats,
        Shard,
        index_shard,
        index_site,
        pagefind_binary,
        plan_shards,
        run_pagefind,
    )
    from hortus.site.search_index import SearchIndexing
    from hortus.site.search_input import VIEW_END, VIEW_START, page_view, search_view
    from hortus.site.state import Emitter, SiteState
    from hortus.site.writer import (
        ASSET_DIR,
        SiteWriter,
        WrittenPart,
        clear_leftovers,
        content_hash,
        hashed_name,
        url_to_file,
        url_to_name,
    )

_MODULES = {
    "emit_assets": "assets",
    "EMITTERS": "emitters",
    "emit_attachments": "emitters",
    "emit_claims_page": "emitters",
    "emit_folders": "emitters",
    "emit_garden_graph": "emitters",
    "emit_home": "emitters",
    "emit_not_found": "emitters",
    "emit_note_pages": "emitters",
    "emit_tags": "emitters",
    "emit_mermaid_script": "extras",
    "page_extras": "extras",
    "emit_feed": "feeds",
    "emit_section_feeds": "feeds",
    "emit_sitemap": "feeds",
    "write_feed": "feeds",
    "write_sitemap": "feeds",
    "emit_claims": "outputs",
    "emit_figures": "outputs",
    "NotePages": "pages",
    "PreviousPages": "pages",
    "alias_url": "redirects",
    "emit_alias_redirects": "redirects",
    "BUNDLE_DIR": "search",
    "VIEW_END": "search_input",
    "VIEW_START": "search_input",
    "SearchStats": "search",
    "Shard": "search",
    "index_shard": "search",
    "index_site": "search",
    "pagefind_binary": "search",
    "plan_shards": "search",
    "run_pagefind": "search",
    "search_view": "search_input",
    "page_view": "search_input",
    "SearchIndexing": "search_index",
    "Emitter": "state",
    "SiteState": "state",
    "ASSET_DIR": "writer",
    "SiteWriter": "writer",
    "WrittenPart": "writer",
    "clear_leftovers": "writer",
    "content_hash": "writer",
    "hashed_name": "writer",
    "url_to_file": "writer",
    "url_to_name": "writer",
}

__all__ = [
    "ASSET_DIR",
    "BUNDLE_DIR",
    "EMITTERS",
    "VIEW_END",
    "VIEW_START",
    "Emitter",
    "NotePages",
    "PreviousPages",
    "SearchIndexing",
    "SearchStats",
    "Shard",
    "SiteState",
    "SiteWriter",
    "WrittenPart",
    "alias_url",
    "clear_leftovers",
    "content_hash",
    "emit_alias_redirects",
    "emit_assets",
    "emit_attachments",
    "emit_claims",
    "emit_claims_page",
    "emit_feed",
    "emit_figures",
    "emit_folders",
    "emit_garden_graph",
    "emit_home",
    "emit_mermaid_script",
    "emit_not_found",
    "emit_note_pages",
    "emit_section_feeds",
    "emit_sitemap",
    "emit_tags",
    "hashed_name",
    "index_shard",
    "index_site",
    "page_extras",
    "page_view",
    "pagefind_binary",
    "plan_shards",
    "run_pagefind",
    "search_view",
    "url_to_file",
    "url_to_name",
    "write_feed",
    "write_sitemap",
]


__getattr__, __dir__ = lazy_names(__name__, _MODULES, __all__)
