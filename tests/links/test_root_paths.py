"""Paths starting with `/` are vault-absolute in Obsidian: resolved from the vault root."""

from __future__ import annotations

from conftest import article
from hortus.markdown.plugins.mdlinks import internal_meta

ALL = 'publish = "all"'
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def test_root_image_and_link_resolve_from_the_vault_root(build_vault) -> None:
    run = build_vault(
        {
            "Sub/Page.md": (
                "![pic](/Assets/Img/pic.png)\n\n"
                "[other](/Sub/Other.md) and [bare](/Sub/Other) and [spaced](/My%20Note.md#Part)\n\n"
                "[[/Sub/Other|wiki]] and [lower](/sub/other.md)\n"
            ),
            "Sub/Other.md": "other\n",
            "My Note.md": "# Part\n\nx\n",
            "Assets/Img/pic.png": PNG,
        },
        settings=ALL,
    )
    assert run.code == 0, run.stderr
    assert (run.out / "assets/img/pic.png").read_bytes() == PNG
    html = article(run.page("/sub/page/"))
    assert 'src="../../assets/img/pic.png"' in html
    assert 'href="../other/"' in html and 'href="/Sub/' not in html
    assert '<a class="internal" href="../other/">wiki</a>' in html
    assert html.count('href="../other/"') == 4
    assert 'href="../../my-note/#part"' in html
    assert "warning:" not in run.stderr


def test_missing_root_paths_are_warned_with_file_and_line(build_vault) -> None:
    run = build_vault(
        {"Sub/Page.md": "text\n\n![gone](/Assets/gone.png)\n\n[gone](/Nowhere/Gone.md)\n"},
        settings=ALL,
    )
    assert run.code == 0, run.stderr
    assert "Sub/Page.md:3: warning:" in run.stderr
    assert "Sub/Page.md:5: warning:" in run.stderr
    assert "Gone.md" in run.stderr and "gone.png" in run.stderr


def test_a_root_link_to_an_unpublished_note_does_not_leak(build_vault) -> None:
    run = build_vault(
        {
            "Sub/Page.md": "See [the secret](/Private/Secret-Canary.md) here.\n",
            "Private/Secret-Canary.md": "---\npublish: false\n---\nSECRET-BODY\n",
        },
        settings=ALL,
    )
    assert run.code == 0, run.stderr
    html = article(run.page("/sub/page/"))
    assert "the secret" in html
    assert "<a " not in html.split("See", 1)[1].split("here.", 1)[0]
    everything = b"".join(p.read_bytes() for p in run.out.rglob("*") if p.is_file())
    assert b"SECRET-BODY" not in everything
    assert b"secret-canary" not in everything.lower()


def test_only_a_single_leading_slash_is_internal() -> None:
    meta = internal_meta("/Sub/My%20Note.md#Part")
    assert meta is not None and meta["target"] == "/Sub/My Note.md"
    assert meta["heading"] == "Part"
    assert internal_meta("//host/x.md") is None
    assert internal_meta("https://host/x.md") is None
