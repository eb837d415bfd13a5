"""How a build's files reach the output folder: an edit moves the few files it made into
the output and removes those gone, leaving the rest as they were; a build that remakes
most of the site, or whose files do not fit the old folders, swaps the whole folder."""

from __future__ import annotations

from pathlib import Path

from hortus.site import SiteWriter


def first_build(out: Path) -> dict[str, list]:
    writer = SiteWriter(out)
    writer.write("a/index.html", "<p>a</p>")
    writer.write("b/index.html", "<p>b</p>")
    writer.write("old/deep/index.html", "<p>old</p>")
    writer.commit()
    return writer.record


def test_an_edit_moves_what_it_made_and_removes_what_is_gone(tmp_path: Path) -> None:
    out = tmp_path / "public"
    record = first_build(out)
    kept = (out / "a" / "index.html").stat().st_ino
    folder = out.stat().st_ino
    writer = SiteWriter(out, previous=record)
    writer.write("a/index.html", "<p>a</p>")  # unchanged: left where it is
    writer.write("b/index.html", "<p>b, edited</p>")
    writer.write("new/index.html", "<p>new</p>")
    writer.commit()
    assert (out / "a" / "index.html").stat().st_ino == kept
    assert out.stat().st_ino == folder  # changed in place, not swapped
    assert (out / "b" / "index.html").read_text() == "<p>b, edited</p>"
    assert (out / "new" / "index.html").read_text() == "<p>new</p>"
    assert not (out / "old").exists()  # its file gone, and its emptied folders with it
    assert not writer.staging.exists()
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == ["a/index.html", "b/index.html", "new/index.html"]


def test_a_file_where_a_folder_was_swaps_the_whole_site(tmp_path: Path) -> None:
    out = tmp_path / "public"
    record = first_build(out)
    folder = out.stat().st_ino
    writer = SiteWriter(out, previous=record)
    writer.write("a/index.html", "<p>a</p>")
    writer.write("old", "now a file")  # `old/` is a folder in the output
    writer.commit()
    assert out.stat().st_ino != folder  # the staging folder became the output
    assert (out / "old").read_text() == "now a file"
    assert (out / "a" / "index.html").read_text() == "<p>a</p>"
    assert not (out / "b").exists()


def test_a_build_that_remakes_most_files_swaps_the_whole_site(tmp_path: Path) -> None:
    out = tmp_path / "public"
    writer = SiteWriter(out)
    for i in range(1200):
        writer.write(f"p{i}/index.html", f"<p>{i}</p>")
    writer.commit()
    folder = out.stat().st_ino
    again = SiteWriter(out, previous=writer.record)
    again.write("p0/index.html", "<p>0</p>")  # one kept, 1,199 made again
    for i in range(1, 1200):
        again.write(f"p{i}/index.html", f"<p>{i}, edited</p>")
    again.commit()
    assert out.stat().st_ino != folder
    assert (out / "p0" / "index.html").read_text() == "<p>0</p>"
    assert (out / "p7" / "index.html").read_text() == "<p>7, edited</p>"
