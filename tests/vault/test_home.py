"""The home page of a vault not written for hortus: its root README (or index, or Home), else
a list of its top level. Through the command line."""

from __future__ import annotations

import pytest

from conftest import article

P = "---\ndg-publish: true\n---\n"


def listing(html: str) -> str:
    """What the home page lists (not the explorer beside it, which shows every note)."""
    return html[html.index('<ul class="note-list">') : html.index("</main>")]


def test_a_root_readme_is_the_home_page(build_vault) -> None:
    run = build_vault(
        {
            "README.md": P + "# Welcome\n\nStart with [[Guide]].\n",
            "Docs/Guide.md": P + "Back to [[README]].\n",
        }
    )
    assert run.code == 0, run.stderr
    assert "Start with" in article(run.page("/"))
    assert not (run.out / "readme").exists()
    assert 'href="../../"' in article(run.page("/docs/guide/"))  # a link to it goes to `/`
    assert "home page README.md (at the vault root; tag a note gardenEntry to choose)" in run.stderr


@pytest.mark.parametrize(
    ("names", "home"),
    [
        (["README.md", "Home.md", "index.md"], "index.md"),
        (["README.md", "HOME.md"], "HOME.md"),
        (["readme.md", "Other.md"], "readme.md"),
    ],
)
def test_index_then_home_then_readme(build_vault, names: list[str], home: str) -> None:
    run = build_vault({name: P + f"this is {name}\n" for name in names})
    assert run.code == 0, run.stderr
    assert f"this is {home}" in article(run.page("/"))


def test_a_garden_entry_comes_first(build_vault) -> None:
    run = build_vault(
        {
            "README.md": P + "the readme\n",
            "Start.md": "---\ndg-publish: true\ntags: [gardenEntry]\n---\nthe entry\n",
        }
    )
    assert "the entry" in article(run.page("/"))
    assert "the readme" in run.page("/readme/")
    assert "home page Start.md (tagged gardenEntry)" in run.stderr


def test_an_unpublished_or_nested_readme_is_not_the_home_page(build_vault) -> None:
    run = build_vault(
        {
            "README.md": "SECRET-README\n",
            "Sub/README.md": P + "nested readme\n",
            "Top.md": P + "top\n",
        }
    )
    assert run.code == 0, run.stderr
    home = listing(run.page("/"))
    assert "nested readme" not in home and 'href="sub/readme/"' not in home
    assert 'href="sub/">Sub/</a>' in home and 'href="top/">Top</a>' in home
    everything = b"".join(p.read_bytes() for p in run.out.rglob("*") if p.is_file())
    assert b"SECRET-README" not in everything


def test_without_an_entrance_home_lists_the_top_level_only(build_vault) -> None:
    run = build_vault(
        {
            "Top.md": P + "top\n",
            "Area/One.md": P + "one\n",
            "Area/Two.md": P + "two\n",
            "Deep/Er/Three.md": P + "three\n",
        }
    )
    assert run.code == 0, run.stderr
    home = listing(run.page("/"))
    assert 'href="area/">Area/</a> <span class="count">2</span>' in home
    assert 'href="deep/">Deep/</a> <span class="count">1</span>' in home
    assert 'href="top/">Top</a>' in home
    assert "one/" not in home and "three/" not in home  # not every note of the garden
    assert "home page a list of the top-level folders and notes" in run.stderr
