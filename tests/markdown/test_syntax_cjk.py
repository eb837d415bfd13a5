"""CJK-friendly emphasis: fixture cases, and the scanDelims contract."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.utils import read_fixture_file
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

try:
    from hortus.markdown.plugins import cjk_plugin, is_cjk, math_plugin
except ModuleNotFoundError:  # a checkout where hortus is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "build"))
    from hortus.markdown.plugins import cjk_plugin, is_cjk, math_plugin

FIXTURES = Path(__file__).parents[1] / "fixtures" / "cjk.md"
CASES = read_fixture_file(FIXTURES)


def make_md(*, cjk: bool = True) -> MarkdownIt:
    md = (
        MarkdownIt("commonmark")
        .enable(["table", "strikethrough"])
        .use(front_matter_plugin)
        .use(footnote_plugin)
    )
    if cjk:
        md.use(cjk_plugin)
    return md.use(math_plugin)


@pytest.mark.parametrize(
    ("line", "title", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_fixture(line: int, title: str, text: str, expected: str) -> None:
    assert make_md().render(text) == expected


ENGLISH = [c for c in CASES if c[1].startswith("English")]


@pytest.mark.parametrize(
    ("line", "title", "text", "expected"), ENGLISH, ids=[f"{c[0]}-{c[1]}" for c in ENGLISH]
)
def test_english_unchanged(line: int, title: str, text: str, expected: str) -> None:
    """Text without CJK next to a delimiter parses exactly as CommonMark says."""
    assert make_md(cjk=False).render(text) == expected


def test_fixtures_cover_cases_commonmark_gets_wrong() -> None:
    """Guard against a fixture file that would pass without the plugin."""
    plain = make_md(cjk=False)
    changed = [c[1] for c in CASES if plain.render(c[2]) != c[3]]
    assert len(changed) >= 10


@pytest.mark.parametrize(
    ("char", "expected"),
    [
        ("中", True),
        ("あ", True),
        ("カ", True),
        ("한", True),
        ("，", True),
        ("。", True),
        ("（", True),
        ("「", True),
        ("\u3000", True),  # ideographic space: CJK, but whitespace is checked first
        ("𠮷", True),  # U+20BB7, CJK extension B (a surrogate pair in UTF-16)
        ("𰻞", True),  # U+30EDE, extension G
        ("“", False),  # East Asian Width "A": only with U+FE01
        ("a", False),
        ("(", False),
        ("é", False),
        ("😀", False),  # wide, but an emoji
        ("𝜵", False),
    ],
)
def test_is_cjk(char: str, expected: bool) -> None:
    assert is_cjk(char) is expected


def _probe(state: StateInline, silent: bool) -> bool:
    """A stand-in for the highlight rule: records how an `==` run scans."""
    if silent or not state.src.startswith("==", state.pos):
        return False
    scanned = state.scanDelims(state.pos, True)
    state.env.setdefault("runs", []).append((scanned.can_open, scanned.can_close))
    state.pending += "=" * scanned.length
    state.pos += scanned.length
    return True


@pytest.mark.parametrize("probe_first", [False, True])
def test_other_rules_scanning_delimiters_get_the_cjk_rule(probe_first: bool) -> None:
    """`==highlight==` (another module) scans with state.scanDelims: it must be covered,
    whichever plugin is loaded first."""
    md = MarkdownIt("commonmark")
    if probe_first:
        md.inline.ruler.before("emphasis", "probe", _probe)
        md.use(cjk_plugin)
    else:
        md.use(cjk_plugin)
        md.inline.ruler.before("emphasis", "probe", _probe)
    env: dict[str, list[tuple[bool, bool]]] = {}
    md.parse("这是==“引号”==的", env)
    assert env["runs"] == [(True, True), (True, True)]

    plain = MarkdownIt("commonmark")
    plain.inline.ruler.before("emphasis", "probe", _probe)
    env = {}
    plain.parse("这是==“引号”==的", env)
    # Plain CommonMark: the first run cannot open and the second cannot close.
    assert env["runs"] == [(False, True), (True, False)]


def test_plugin_is_idempotent() -> None:
    md = MarkdownIt("commonmark").use(cjk_plugin).use(cjk_plugin)
    assert md.inline.ruler.get_all_rules().count("cjk_friendly") == 1
    assert md.render("**均方误差 (MSE)**还是") == "<p><strong>均方误差 (MSE)</strong>还是</p>\n"


def test_nested_inline_parses_are_covered() -> None:
    """Link and image labels are tokenized by nested parses; they must get the rule too."""
    md = MarkdownIt("commonmark").use(cjk_plugin)
    html = md.render("[这是**（粗体）**的](u) ![图**（粗体）**的](a.png)")
    assert "<strong>（粗体）</strong>" in html
    assert 'alt="图（粗体）的"' in html
