"""Around the note pages: a redirect at each alias, a feed per tag and per folder, folder
notes as their folder's page, and a title shown once."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from conftest import article

P = "---\ndg-publish: true\n---\n"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_each_alias_redirects_to_its_note(build_vault) -> None:
    note = "---\ndg-publish: true\naliases: [Old name, 旧名字, old/path]\n---\nText.\n"
    run = build_vault({"New name.md": note}, settings='base-url = "https://ex.org"')
    assert run.code == 0, run.stderr
    for url, back in (("/old-name/", "../new-name/"), ("/旧名字/", "../new-name/"),
                      ("/old/path/", "../../new-name/")):  # fmt: skip
        page = run.page(url)
        assert '<link rel="canonical" href="https://ex.org/new-name/">' in page
        assert f'<meta http-equiv="refresh" content="0; url={back}">' in page
        assert f'<a href="{back}">New name</a>' in page
    sitemap = (run.out / "sitemap.xml").read_text(encoding="utf-8")
    assert "old-name" not in sitemap


def test_an_alias_never_overwrites_another_page(build_vault) -> None:
    run = build_vault(
        {
            "A.md": "---\ndg-publish: true\naliases:\n  - Other\n  - x\n---\nA.\n",
            "Other.md": P + "The other note.\n",
            "Tagged.md": "---\ndg-publish: true\ntags: [x]\naliases: [tags]\n---\nT.\n",
        }
    )
    assert run.code == 0, run.stderr
    assert "The other note." in run.page("/other/")
    assert "A.md:4: warning: alias 'Other' would redirect from /other/" in run.stderr
    assert "Tagged.md:4: warning: alias 'tags' would redirect from /tags/" in run.stderr
    assert "#x" in run.page("/tags/x/") and "refresh" not in run.page("/tags/")
    assert "refresh" in run.page("/x/")  # nothing else was at /x/
    strict = build_vault({"A.md": "---\ndg-publish: true\naliases: [Other]\n---\nA.\n",
                          "Other.md": P + "O.\n"}, "--strict")  # fmt: skip
    assert strict.code == 1 and "alias 'Other'" in strict.stderr


def test_aliases_of_one_url_warn_only_across_notes(build_vault) -> None:
    run = build_vault(
        {
            "os/linux/README.md": "---\ndg-publish: true\naliases: [Linux, linux]\n---\nL.\n",
            "tools/Shells.md": "---\ndg-publish: true\naliases:\n  - LINUX\n---\nS.\n",
        }
    )
    assert run.code == 0, run.stderr
    assert "../os/linux/readme/" in run.page("/linux/")  # the first in path order keeps it
    assert run.stderr.count("warning: alias") == 1  # not for `Linux` and `linux` of one note
    assert (
        "tools/Shells.md:4: warning: alias 'LINUX' would redirect from /linux/, where an alias "
        "of os/linux/README.md already redirects; no redirect made" in run.stderr
    )


def test_a_feed_per_tag_and_per_folder_linked_from_its_page(build_vault) -> None:
    run = build_vault(
        {
            "Top.md": "---\ndg-publish: true\ntags: [maths]\n---\nTop.\n",
            "Algebra/Groups.md": "---\ndg-publish: true\ntags: [maths/algebra]\n---\nG.\n",
            "Algebra/Deep/Rings.md": P + "R.\n",
            "Algebra/Secret.md": "---\ntags: [maths]\n---\nprivate\n",
        }
    )
    assert run.code == 0, run.stderr

    def titles(path: str) -> list[str]:
        feed = ET.parse(run.out / path).getroot()
        return sorted(e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry"))

    assert titles("tags/maths/feed.xml") == ["Groups", "Top"]
    assert titles("tags/maths/algebra/feed.xml") == ["Groups"]
    assert titles("algebra/feed.xml") == ["Groups", "Rings"]
    assert titles("algebra/deep/feed.xml") == ["Rings"]
    assert titles("feed.xml") == ["Groups", "Rings", "Top"]
    alternate = re.compile(
        r'<link rel="alternate" type="application/atom\+xml" [^>]*href="feed.xml">'
    )
    assert alternate.search(run.page("/tags/maths/"))
    assert alternate.search(run.page("/algebra/"))
    assert not alternate.search(run.page("/top/"))


def test_a_folder_note_is_its_folders_page_with_the_listing_under_it(build_vault) -> None:
    run = build_vault(
        {
            "Projects/Projects.md": P + "# Projects\n\nAll my projects.\n",
            "Projects/Alpha.md": P + "alpha\n",
            "Projects/Sub/index.md": P + "The sub folder.\n",
            "Projects/Sub/Beta.md": P + "beta\n",
            "Both/Both.md": P + "The folder note.\n",
            "Both/index.md": P + "An index beside it.\n",
        }
    )
    assert run.code == 0, run.stderr
    projects = article(run.page("/projects/"))
    assert "All my projects." in projects
    listing = projects[projects.index('class="folder-listing"') :]
    assert 'href="alpha/"' in listing and 'href="sub/"' in listing
    assert "Projects.md" not in listing and 'href="./"' not in listing
    sub = article(run.page("/projects/sub/"))
    assert "The sub folder." in sub and 'href="beta/"' in sub
    assert "The folder note." in run.page("/both/")
    assert "An index beside it." in run.page("/both/index/")
    assert not (run.out / "projects" / "projects").exists()


def test_a_note_that_opens_with_its_title_shows_it_once(build_vault) -> None:
    run = build_vault(
        {
            "Same.md": P + "# Same\n\nText, and [[#Same|a link to the title]].\n",
            "Other.md": P + "# A different heading\n\nText.\n",
            "Later.md": P + "Intro.\n\n# Later\n",
        }
    )
    same = article(run.page("/same/"))
    assert same.count(">Same</h1>") == 1
    assert '<h1 class="note-title" id="same">Same</h1>' in same
    assert 'href="./#same"' in same  # the link to the heading still lands on it
    assert article(run.page("/other/")).count("<h1") == 2
    assert article(run.page("/later/")).count(">Later</h1>") == 2  # not where it opens
