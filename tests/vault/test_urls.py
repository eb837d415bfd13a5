"""Links between pages are relative, so the site reads from any sub-path and from file://."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import quote, unquote, urljoin

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hortus.vault import relative_url, tag_url

plain = st.sampled_from(["a", "b", "笔记", "x y", "a.png", "index.html"])
dotted = st.sampled_from(["a", "笔记", "", "..", "."])


def site_paths(segment: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(segment, max_size=4).map(lambda parts: "/" + "/".join(parts))


@settings(max_examples=500, deadline=None)
@given(site_paths(plain), site_paths(plain), st.booleans(), st.booleans())
def test_relative_url_reaches_the_target_from_the_page(page, target, page_dir, target_dir):
    page = page.rstrip("/") + "/" if page_dir else page
    target = target.rstrip("/") + "/" if target_dir else target
    # A file cannot be named like a folder the page is in.
    assume(target_dir or not (page.rstrip("/") + "/").startswith(target.rstrip("/") + "/"))
    link = relative_url(page, target)
    base = page if page.endswith("/") else posixpath.dirname(page) + "/"
    # What a browser does with the link: resolve it against the page's folder.
    resolved = unquote(urljoin("https://x.test" + base, link)).removeprefix("https://x.test")
    assert posixpath.normpath(resolved) == posixpath.normpath(target)
    assert resolved.endswith("/") == (target.endswith("/") or target.strip("/") == "")


@settings(max_examples=500, deadline=None)
@given(site_paths(dotted), site_paths(dotted))
def test_relative_url_agrees_with_posixpath(path, base):
    # Site paths, dotted or not, take the short way; posixpath.relpath is the reference.
    base = base.rstrip("/") + "/"
    expected = posixpath.relpath(path, base)
    if path.endswith("/") and expected != ".":
        expected += "/"
    assert unquote(relative_url(base, path)) == ("./" if expected == "." else expected)


def test_relative_url_examples():
    assert relative_url("/a/b/", "/a/c/") == "../c/"
    assert relative_url("/a/b/", "/a/b/") == "./"
    assert relative_url("/a/b/", "/assets/s.css") == "../../assets/s.css"
    assert relative_url("/", "/notion/#mse") == "notion/#mse"
    assert relative_url("/a/", "/a/b/../c/") == "c/"  # dotted paths still resolve
    assert relative_url("", "/a/") == "/a/"  # the 404 page links site-absolute
    # Quoted as one path would be, whichever side shares the segments.
    assert relative_url("/笔记/a/", "/笔记/x y/#h") == "../x%20y/#h"
    assert relative_url("/a/", "/笔记/50%/") == "../%E7%AC%94%E8%AE%B0/50%/"


def test_tag_url_is_case_insensitive_and_keeps_letters_of_any_script():
    assert tag_url("Nested/Tag") == "/tags/nested/tag/"
    assert tag_url("标签") == "/tags/标签/"
    assert tag_url("🌱") == "/tags/🌱/"


# Pages and targets from few segments, so that pages of one folder ask for the same targets
# and relative_url answers from what it worked out for another page.
memo_segment = st.sampled_from(["a", "b", "ab", "笔记", "x y", "", ".", "..", "n.html"])
memo_url = st.lists(memo_segment, max_size=4).map(lambda parts: "/" + "/".join(parts)) | (
    st.sampled_from(["", "a/b", "#h", "x", "https://x.test/a", "/a/#h", "/a/b#h", "/a/b/c/"])
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(memo_url, memo_url, st.booleans(), st.booleans()), max_size=30))
def test_relative_url_answers_as_if_worked_out_for_each_page(asks):
    for page, target, page_dir, target_dir in asks:
        page = page.rstrip("/") + "/" if page_dir and page else page
        target = target.rstrip("/") + "/" if target_dir and target.startswith("/") else target
        assert _outcome(relative_url, page, target) == _outcome(worked_out, page, target)


def worked_out(page: str, target: str) -> str:
    """The link from `page` to `target` worked out alone, by posixpath.relpath: what a page
    must get, whatever other pages asked before it."""
    if not page or "://" in target or target.startswith(("#", "mailto:", "data:")):
        return target
    path, hash_, fragment = target.partition("#")
    base = page if page.endswith("/") else posixpath.dirname(page) + "/"
    link = posixpath.relpath(path, base)
    if path.endswith("/") and link != ".":
        link += "/"
    return quote("./" if link == "." else link, safe="/.-_~%") + hash_ + fragment


def _outcome(relative: Callable[[str, str], str], page: str, target: str) -> str:
    try:
        return relative(page, target)
    except ValueError as error:  # an empty target, as posixpath.relpath says
        return repr(error)


def test_relative_url_from_a_folder_note_into_its_folder():
    # Pages of one parent folder share answers, but not for a target below the page itself.
    assert relative_url("/a/b/", "/a/c/") == "../c/"
    assert relative_url("/a/c/", "/a/c/") == "./"
    assert relative_url("/a/c/", "/a/c/d/#h") == "d/#h"
    assert relative_url("/a/b/", "/a/c/d/#h") == "../c/d/#h"
    assert relative_url("/a/cd/", "/a/c/d/#h") == "../c/d/#h"
    assert relative_url("/a/c/", "/a/c") == "./"
    # A target with `..` or an empty segment may be the page itself, written otherwise.
    for target in ("/a/q/../c/", "/a//c/"):
        assert relative_url("/a/b/", target) == "../c/"
        assert relative_url("/a/c/", target) == "./"
