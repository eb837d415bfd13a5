"""Links and embeds resolved the way Obsidian resolves them, through the real CLI."""

from __future__ import annotations

import re
from html import unescape

P = "---\ndg-publish: true\n---\n"


def hrefs(html: str) -> dict[str, str]:
    """Link text -> href of the note body's internal links."""
    found = re.findall(r'<a class="internal" href="([^"]*)">([^<]*)</a>', html)
    return {unescape(text): unescape(href) for href, text in found}


def md_hrefs(html: str) -> dict[str, str]:
    """Link text -> href of the note body's Markdown links to notes."""
    found = re.findall(r'<a href="([^"]*)" class="internal">([^<]*)</a>', html)
    return {unescape(text): unescape(href) for href, text in found}


def test_wikilinks_by_name_case_insensitive_alias_and_path(build_vault) -> None:
    run = build_vault(
        {
            "a/Source.md": P + "[[target note]] [[Other|shown]] [[Nick]] [[b/Deep]] [[./Near]]\n",
            "a/Near.md": P + "near\n",
            "Target Note.md": P + "t\n",
            "Other.md": P + "o\n",
            "Aliased.md": "---\ndg-publish: true\naliases: [Nick]\n---\nx\n",
            "b/Deep.md": P + "deep\n",
        }
    )
    assert run.code == 0, run.stderr
    links = hrefs(run.page("/a/source/"))
    assert links == {
        "target note": "../../target-note/",
        "shown": "../../other/",
        "Nick": "../../aliased/",
        "b/Deep": "../../b/deep/",
        "./Near": "../near/",
    }


def test_clashing_names_prefer_same_folder_then_shortest_path(build_vault) -> None:
    run = build_vault(
        {
            "x/Page.md": P + "[[Dup]]\n",
            "x/Dup.md": P + "beside\n",
            "Dup.md": P + "root\n",
            "y/Page.md": P + "[[Dup]]\n",
            "y/z/w/Dup.md": P + "deep\n",
        }
    )
    assert run.code == 0, run.stderr
    assert hrefs(run.page("/x/page/")) == {"Dup": "../dup/"}
    assert hrefs(run.page("/y/page/")) == {"Dup": "../../dup/"}
    assert "y/Page.md:4: warning: 'Dup' matches 3 files; linking to Dup.md" in run.stderr


def test_heading_links_match_loosely_and_keep_chinese(build_vault) -> None:
    run = build_vault(
        {
            "Src.md": P
            + "[[Doc#3. 两者何时等价？【关键点】]] [[Doc#what is this]] [[#Local Part]]\n\n"
            + "## Local: Part\n",
            "Doc.md": P + "### 3. 两者何时等价？【关键点】\n\n## What *is* this?\n",
        }
    )
    assert run.code == 0, run.stderr
    links = hrefs(run.page("/src/"))
    assert links["Doc > 3. 两者何时等价？【关键点】"] == "../doc/#3-两者何时等价关键点".replace(
        "两者何时等价关键点",
        "%E4%B8%A4%E8%80%85%E4%BD%95%E6%97%B6%E7%AD%89%E4%BB%B7%E5%85%B3%E9%94%AE%E7%82%B9",
    )
    assert links["Doc > what is this"] == "../doc/#what-is-this"
    assert links["Local Part"] == "./#local-part"
    doc = run.page("/doc/")
    assert 'id="3-两者何时等价关键点"' in doc


def test_unknown_heading_warns_but_links_to_note(build_vault) -> None:
    run = build_vault({"S.md": P + "line\n[[T#Nowhere]]\n", "T.md": P + "# Here\n"})
    assert run.code == 0
    assert "S.md:5: warning: T.md has no heading 'Nowhere'" in run.stderr
    assert hrefs(run.page("/s/")) == {"T > Nowhere": "../t/"}


def test_broken_links_warn_with_line_and_strict_fails(build_vault) -> None:
    files = {"S.md": P + "ok\n\n- item [[Missing Note]]\n- ![[gone.png]]\n"}
    run = build_vault(files)
    assert run.code == 0
    assert "S.md:6: warning: no note or file named 'Missing Note'" in run.stderr
    assert "S.md:7: warning: no note or file named 'gone.png'" in run.stderr
    html = run.page("/s/")
    assert '<span class="broken-link">Missing Note</span>' in html
    assert build_vault(files, "--strict").code == 1


def test_markdown_links_to_notes_with_encoded_paths(build_vault) -> None:
    run = build_vault(
        {
            "S.md": P
            + "[one](My%20Note.md) [two](<My Note.md#Sec>) [three](%E7%AC%94%E8%AE%B0.md) "
            + "[four](sub/Leaf) [web](https://example.com)\n",
            "My Note.md": P + "## Sec\n",
            "笔记.md": P + "zh\n",
            "sub/Leaf.md": P + "leaf\n",
        }
    )
    assert run.code == 0, run.stderr
    html = run.page("/s/")
    assert '<a href="../my-note/" class="internal">one</a>' in html
    assert '<a href="../my-note/#sec" class="internal">two</a>' in html
    assert '<a href="../%E7%AC%94%E8%AE%B0/" class="internal">three</a>' in html
    assert '<a href="../sub/leaf/" class="internal">four</a>' in html
    assert '<a href="https://example.com">web</a>' in html


def test_embeds_images_with_size_pdf_audio_video(build_vault) -> None:
    png = b"\x89PNG\r\n\x1a\nfake"
    run = build_vault(
        {
            "S.md": P
            + "![[pic.png|300]] ![[pic.png|300x200]] ![[doc.pdf]] ![[a.mp3]] ![[v.mp4]]\n",
            "att/pic.png": png,
            "doc.pdf": b"%PDF-1.4",
            "a.mp3": b"ID3",
            "v.mp4": b"\0\0\0 ftyp",
            "unused.png": b"\x89PNGunused",
        }
    )
    assert run.code == 0, run.stderr
    html = run.page("/s/")
    assert '<img src="../att/pic.png" alt="pic" width="300" loading="lazy">' in html
    assert 'width="300" height="200"' in html
    assert '<iframe src="../doc.pdf"' in html
    assert '<audio class="embed-audio" controls preload="metadata" src="../a.mp3">' in html
    assert '<video class="embed-video" controls preload="metadata" src="../v.mp4">' in html
    assert (run.out / "att" / "pic.png").read_bytes() == png
    assert not (run.out / "unused.png").exists()


def test_note_and_section_transclusion_and_cycles(build_vault) -> None:
    run = build_vault(
        {
            "Host.md": P + "![[Part#Second]]\n\n![[Loop]]\n",
            "Part.md": P
            + "## First\n\nfirst text\n\n## Second\n\nsecond text\n\n## Third\n\nthird\n",
            "Loop.md": P + "loop body\n\n![[Loop]]\n",
        }
    )
    assert run.code == 0, run.stderr
    html = run.page("/host/")
    assert "second text" in html and "first text" not in html and "third" not in html
    assert html.count("loop body") == 1
    assert "embeds itself" in html


def test_backlinks_and_tag_pages(build_vault) -> None:
    run = build_vault(
        {
            "A.md": "---\ndg-publish: true\ntags: [math/algebra]\n---\nsee [[B]] #topic/sub\n",
            "B.md": P + "b\n",
        }
    )
    assert run.code == 0, run.stderr
    b = run.page("/b/")
    assert re.search(r'class="backlinks".*href="../a/">A</a>', b, re.S)
    assert "A" in run.page("/tags/math/algebra/") and "A" in run.page("/tags/math/")
    assert 'href="../tags/topic/sub/"' in run.page("/a/")
    tags = run.page("/tags/")
    assert "#math/algebra" in tags and "#topic" in tags


def test_links_out_of_the_vault_are_refused(build_vault, tmp_path) -> None:
    (tmp_path / "secret.png").write_bytes(b"outside")
    run = build_vault({"S.md": P + "![[../../secret.png]] [x](../../secret.png)\n"})
    assert run.code == 0
    assert "leaves the vault" in run.stderr
    assert not any(p.read_bytes() == b"outside" for p in run.out.rglob("*") if p.is_file())


def test_a_heading_link_may_hold_the_markup_of_the_heading(build_vault) -> None:
    # Obsidian's completion writes a heading as it is written, link and all.
    link = "[snooping](Port%20security.md#[DHCP](DHCP.md)%20Snooping)"
    run = build_vault(
        {
            "Source.md": P + f"{link} [[Port security#DHCP Snooping|plain]]\n",
            "Port security.md": P + "# Port security\n\n## [DHCP](DHCP.md) Snooping\n\nOn.\n",
            "DHCP.md": P + "dhcp\n",
        }
    )
    assert run.code == 0, run.stderr
    assert "has no heading" not in run.stderr
    links = hrefs(run.page("/source/"))
    assert links == {"plain": "../port-security/#dhcp-snooping"}
    assert md_hrefs(run.page("/source/")) == {"snooping": links["plain"]}


def test_a_path_climbing_above_the_vault_stops_at_its_root(build_vault) -> None:
    # `../` once too often, as in notes moved a folder up: a browser stops at the root too.
    text = "[DHCP](../../../net/DHCP.md) and [gone](../../../net/Gone.md)\n"
    run = build_vault({"a/b/Source.md": P + text, "net/DHCP.md": P + "dhcp\n"})
    assert run.code == 0, run.stderr
    assert md_hrefs(run.page("/a/b/source/")) == {"DHCP": "../../../net/dhcp/"}
    assert "link to '../../../net/Gone.md' leaves the vault" in run.stderr
    assert "DHCP.md" not in run.stderr
