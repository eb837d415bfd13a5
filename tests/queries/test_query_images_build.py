"""Images in a Dataview query's text values (`"![|60](" + cover + ")"`) as a reader sees
them: an `<img>` at Obsidian's size, from the web or the site's own copy of an attachment; a
file the site does not publish, or an address that is not a web address, as its text."""

from __future__ import annotations

import re

import pytest

from conftest import article
from hortus.queries import Markdown
from hortus.queries.display import with_links
from hortus.queries.values import Link
from hortus.render.query_text import text_html

PUBLISH = "---\ndg-publish: true\n{}---\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
# The gallery embeds the cover, so the site publishes it; `secret.png` no note embeds.
GALLERY = PUBLISH.format("") + "![[cover.png]]\n"


def _shelf(cover: str, column: str) -> dict[str, str | bytes]:
    return {
        "Books/Dune.md": PUBLISH.format(f"cover: {cover}\n"),
        "Shelf.md": PUBLISH.format("")
        + f'```dataview\nTABLE WITHOUT ID {column} AS Cover FROM "Books"\n```\n',
        "Gallery.md": GALLERY,
        "Assets/cover.png": PNG,
        "Assets/secret.png": PNG,
    }


def _cell(run) -> str:
    assert run.code == 0, run.stderr
    page = article(run.page("/shelf/"))
    cells = re.findall(r"<td>(.*?)</td>", page)
    assert len(cells) == 1, page
    return cells[0]


SIZED = '"![|60](" + cover + ")"'


def test_a_web_image_shows_at_its_obsidian_size(build_vault) -> None:
    cell = _cell(build_vault(_shelf("https://example.com/dune.jpg", SIZED)))
    assert cell == '<img src="https://example.com/dune.jpg" alt="" width="60" loading="lazy">'


def test_alt_text_and_both_sizes_are_kept(build_vault) -> None:
    column = '"![Dune cover|60x90](" + cover + ")"'
    cell = _cell(build_vault(_shelf("https://example.com/dune.jpg", column)))
    assert 'alt="Dune cover" width="60" height="90"' in cell


def test_a_vault_path_shows_the_sites_copy_of_the_attachment(build_vault) -> None:
    run = build_vault(_shelf("Assets/cover.png", SIZED))
    cell = _cell(run)
    src = re.fullmatch(r'<img src="([^"]+)" alt="" width="60" loading="lazy">', cell)
    assert src is not None, cell
    assert (run.out / "shelf" / src[1]).resolve().read_bytes() == PNG


def test_an_embedded_attachment_shows_at_its_size(build_vault) -> None:
    run = build_vault(_shelf("cover.png", '"![[" + cover + "|60]]"'))
    cell = _cell(run)
    src = re.fullmatch(r'<img src="([^"]+)" alt="cover" width="60" loading="lazy">', cell)
    assert src is not None, cell
    assert (run.out / "shelf" / src[1]).resolve().read_bytes() == PNG


@pytest.mark.parametrize(
    ("cover", "column", "shown"),
    [
        ("Assets/missing.png", SIZED, "missing.png"),
        ("Assets/secret.png", SIZED, "secret.png"),
        ("Assets/secret.png", '"![Secret|60](" + cover + ")"', "Secret"),
        ("secret.png", '"![[" + cover + "|60]]"', "secret.png"),
        ("missing.png", '"![[" + cover + "|60]]"', "missing.png"),
    ],
)
def test_a_file_the_site_does_not_publish_shows_as_text(
    build_vault, cover: str, column: str, shown: str
) -> None:
    cell = _cell(build_vault(_shelf(cover, column)))
    assert cell == shown


def test_a_script_address_never_becomes_an_image(build_vault) -> None:
    cell = _cell(build_vault(_shelf('"javascript:alert(1)"', SIZED)))
    assert "<img" not in cell and "href" not in cell
    assert "alert(1)" in cell  # shown as the text it is


def test_other_schemes_show_their_alt_text(build_vault) -> None:
    column = '"![Cover|60](" + cover + ")"'
    cell = _cell(build_vault(_shelf("ftp://example.com/dune.jpg", column)))
    assert cell == "Cover"


def _html(text: str, files: dict[str, str]) -> str:
    value = with_links(Markdown(text), lambda t: Link(t), files.get)
    assert isinstance(value, Markdown)
    return text_html(value, "/shelf/")


def test_resolved_attachments_render_relative_to_the_page() -> None:
    files = {"Assets/my cover.png": "/assets/my-cover.png", "cover.png": "/assets/cover.png"}
    assert _html("![|60](<Assets/my cover.png>)", files) == (
        '<img src="../assets/my-cover.png" alt="" width="60" loading="lazy">'
    )
    assert _html("![Dune|60x90](Assets/my%20cover.png)", files) == (
        '<img src="../assets/my-cover.png" alt="Dune" width="60" height="90" loading="lazy">'
    )
    assert _html("**Dune** ![[cover.png|60]]", files) == (
        '<strong>Dune</strong> <img src="../assets/cover.png" alt="cover" width="60" '
        'loading="lazy">'
    )
    assert _html("![[cover.png|60]]", {}) == "cover.png"
    assert _html("![[Some note|alias]]", files) == "alias"
