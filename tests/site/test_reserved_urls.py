"""A note never takes the place of a page the site makes itself (the tag index, the garden
graph, the claims page) nor of its search index: a note whose path gives it such a URL is
published at a variant, as when two notes' paths give one URL, and the build says so. A
permalink may still choose `/tags/`, as documented."""

from __future__ import annotations

from conftest import article, run_hortus, visible_text
from hortus.cache import short_digest
from search_harness import searchable

P = "---\ndg-publish: true\n---\n"


def test_a_note_named_tags_or_graph_leaves_those_pages_to_the_site(build_vault) -> None:
    run = build_vault(
        {
            "Tags.md": P + "my own tag notes #plants\n",
            "Graph.md": P + "a note about graphs\n",
            "Links.md": P + "[[Tags]] and [[Graph]]\n",
        }
    )
    assert run.code == 0, run.stderr
    tags, graph = f"/tags-{short_digest('Tags.md', 6)}/", f"/graph-{short_digest('Graph.md', 6)}/"
    index = run.page("/tags/")
    assert "plants" in visible_text(index)
    assert 'href="plants/"' in index
    assert "my own tag notes" not in index
    assert "my own tag notes" in article(run.page(tags))
    assert "a note about graphs" not in run.page("/graph/")
    assert "a note about graphs" in article(run.page(graph))
    assert (
        f"Tags.md: warning: URL /tags/ is the site's tag index; published at {tags} "
        "(a `permalink:` chooses another)"
    ) in run.stderr
    assert f"Graph.md: warning: URL /graph/ is the site's garden graph; published at {graph}" in (
        run.stderr
    )
    links = article(run.page("/links/"))
    assert f'href="../{tags[1:]}"' in links and f'href="../{graph[1:]}"' in links


def test_a_permalink_may_still_own_the_tag_index(build_vault) -> None:
    run = build_vault({"Mine.md": "---\ndg-publish: true\npermalink: /tags/\n---\nmine #x\n"})
    assert run.code == 0, run.stderr
    assert "mine" in article(run.page("/tags/"))
    assert " 0 warnings" in run.stderr


def test_a_folder_named_claims_leaves_the_claims_page_to_the_site(build_vault) -> None:
    run = build_vault(
        {"Claims/One.md": "Checked: `{python} claim('one is one', 1, 1)`.\n"},
        settings='publish = "all"',
    )
    assert run.code == 0, run.stderr
    assert "one is one" in visible_text(run.page("/claims/"))
    assert "Checked" in article(run.page("/claims/one/"))


def test_a_vault_folder_named_pagefind_is_published_beside_the_search_index(
    build_vault,
) -> None:
    run = build_vault(
        {
            "pagefind/Setup.md": P + "zebrafinch notes on setting up search\n\n![[shot.png]]\n",
            "pagefind/shot.png": b"\x89PNG\r\n\x1a\n",
            "Home.md": P + "[[Setup]]\n",
        }
    )
    assert run.code == 0, run.stderr
    folder = f"/pagefind-{short_digest('pagefind', 6)}/"
    assert "zebrafinch" in article(run.page(folder + "setup/"))
    assert (run.out / folder.strip("/") / "shot.png").is_file()
    assert f'href="{folder[1:]}setup/"' in article(run.page("/"))
    assert (
        "pagefind/: warning: the folder's notes would be published inside /pagefind/, the "
        f"site's search index; they are published inside {folder} "
        "(a `permalink:` chooses another)"
    ) in run.stderr
    # The search index's folder holds the index alone, and finds the moved note.
    assert not (run.out / "pagefind" / "index.html").exists()
    assert not (run.out / "pagefind" / "feed.xml").exists()
    assert "zebrafinch" in searchable(run.out)[folder + "setup/"]["content"]


def test_neither_a_permalink_nor_an_alias_reaches_into_the_search_index(build_vault) -> None:
    run = build_vault(
        {
            "A.md": "---\ndg-publish: true\npermalink: /pagefind/a/\n---\nthe a note\n",
            "B.md": "---\ndg-publish: true\naliases:\n  - pagefind\n---\nthe b note\n",
        }
    )
    assert run.code == 0, run.stderr
    assert (
        "A.md:3: warning: permalink '/pagefind/a/' is inside /pagefind/, the site's search "
        "index; ignored"
    ) in run.stderr
    assert "the a note" in article(run.page("/a/"))
    assert (
        "B.md:4: warning: alias 'pagefind' would redirect from /pagefind/, inside the site's "
        "search index; no redirect made"
    ) in run.stderr
    assert not (run.out / "pagefind" / "index.html").exists()


def test_a_strict_build_fails_on_a_note_moved_off_a_site_page(tmp_path) -> None:
    root = tmp_path / "site"
    (root / "notes").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.hortus]\n", encoding="utf-8")
    (root / "notes" / "Graph.md").write_text(P + "graphs\n", encoding="utf-8")
    run = run_hortus("build", "--strict", cwd=root)
    assert run.returncode == 1
    assert "Graph.md: error: URL /graph/ is the site's garden graph" in run.stderr
    assert not (root / "public").exists()
