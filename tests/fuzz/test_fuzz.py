"""Property tests: generated Markdown mixing every syntax hortus reads (wikilinks, embeds,
callouts, highlights, comments, tags, block ids, math, footnotes, tables, lists, code fences,
raw HTML, CJK punctuation), nested and unbalanced, through parse, link and render.

Whatever the note says: no exception, HTML an HTML5 parser reads without a single error,
and no script, event handler or `javascript:` URL made out of a title, alias, tag, link
target or link text. Raw HTML written in a note's body is passed through, as Obsidian does,
and is the writer's own: the generator writes only harmless, balanced raw HTML, and where
the generated soup happens to form other raw HTML (a `<` here and a `>` there), markdown-it
says so with an `html_inline` or `html_block` token and that example is held only to "no
exception" and privacy, since its HTML is the note's and not hortus's.

A few thousand examples by default, the same ones on every run; set HORTUS_FUZZ_EXAMPLES
to run that many fresh random ones instead (e.g. HORTUS_FUZZ_EXAMPLES=50000).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from html import escape
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree

import pytest

hypothesis = pytest.importorskip("hypothesis")
html5lib = pytest.importorskip("html5lib")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from markdown_it.token import Token  # noqa: E402

from hortus.diagnostics import Diagnostics  # noqa: E402
from hortus.links import link_notes  # noqa: E402
from hortus.markdown import make_parser, parse_note  # noqa: E402
from hortus.render import BodyRenderer, MathResult, install_render_rules  # noqa: E402
from hortus.vault import Note, Vault, canvas_markdown, decode_note, path_slug  # noqa: E402

FRESH = int(os.environ.get("HORTUS_FUZZ_EXAMPLES", "0") or 0)


def fuzz_settings(default: int) -> settings:
    """`default` examples derived from the test's name (the same every run), or as many
    fresh random ones as HORTUS_FUZZ_EXAMPLES asks for."""
    return settings(
        max_examples=FRESH or default,
        derandomize=not FRESH,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- what notes say ------------------------------------------------------------------------------

# Payloads for titles, aliases, tags and link text; the last two are never raw HTML even
# when written as plain Markdown text, so they stay dangerous in any context.
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "</a></p></div><svg onload=alert(1)>",
    "&lt;script&gt;",
    "&#x3C;script&#x3E;",
    "{{ 7 * 7 }}",
    'x" autofocus onfocus="alert(1)',
    '<img src=x onerror=alert(1)"',
    '<script x="',
]
WORDS = [
    "alpha", "Beta", "x", "42", "a_b", "C++", "foo-bar", "naïve", "梯度", "下降法", "😀", "🌱",
    "العربية", "ε", "a.b", "Sec A", "...", "",
]  # fmt: skip
CJK_PUNCT = [*"，。、：；！？（）「」『』《》【】…—～・", "——", "……"]
NOISE = [
    *"[]()*_=~%$`#^|!<>&\"'\\{}:-+./@",
    "[[", "]]", "![[", "==", "%%", "$$", "```", "**", "~~", "^[", "[^", "]:", "|", "\\|",
    "<", "</", "<!--", "-->", "&", "&amp;", "&#", "\t", "\u200b", "\u00a0", "\ufeff",
]  # fmt: skip
TARGETS = [
    "Target", "target", "Target#Sec A", "Target#Sec A#Deeper", "Target#^blk", "Target#Missing",
    "Target#^nope", "Other", "Private", "Missing", "Hostile", "Plot", "pic.png", "doc.pdf",
    "a b.png", "song.mp3", "clip.mp4", "board.canvas", "board", "Fuzz", "#Sec A", "#^blk",
    "../outside", "/Target", "./Other", "folder/Deep", "Deep", "", "C:\\Windows\\x.png",
    "https://example.org/x.png", *HOSTILE,
]  # fmt: skip
URLS = [
    "Target.md", "Target.md#sec-a", "Other.md#^blk", "Missing.md", "pic.png", "a%20b.png",
    "<Target.md>", "https://example.org/?a=1&b=2", "mailto:a@example.org", "#sec-a",
    "../secret.png", "/abs/path", "javascript:alert(1)", "JAVASCRIPT:alert(1)",
    "java%0ascript:alert(1)", "%6Aavascript:alert(1)", "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>", "data:text/html;base64,PHNjcmlwdD4=",
    "&#106;avascript:alert(1)", 'x" onmouseover="alert(1)', "x' onmouseover='alert(1)",
]  # fmt: skip
# In a note's body a tag ends where its characters do: `#a<b>` is the tag `a` and raw HTML.
TAG_NAMES = [
    "tag", "Tag", "nested/tag", "标签", "🌱", "a-b_c", "y1984", "1984", "con", "x" * 300,
    'q"onclick=alert(1)', "a&amp;b", "tag'x",
]  # fmt: skip
SAFE_INLINE_HTML = [
    "<kbd>Ctrl</kbd>", '<span class="note">word</span>', "<sup>2</sup>", "<sub>i</sub>",
    "<br>", "<!-- a comment -->", "<u>under</u>", "<abbr title=\"HyperText\">HTML</abbr>",
]  # fmt: skip
CALLOUT_TYPES = ["note", "WARNING", "tip", "faq", "unknown-type", "<script>", "x|meta"]
FENCE_LANGS = ["", "python", "js", "{python}", "mermaid", "<script>", "unknown"]

words = st.sampled_from(WORDS)
hostile = st.sampled_from(HOSTILE)
# Where a broken construct leaves its text to Markdown (a code span that does not close, an
# image whose alt holds markup), payloads that are never raw HTML keep the example checked.
textual = st.sampled_from([*(p for p in HOSTILE if "<" not in p), *HOSTILE[-2:]])
label = st.one_of(words, hostile, st.sampled_from(CJK_PUNCT))
target = st.sampled_from(TARGETS)
number = st.integers(min_value=0, max_value=2000)


def _wikilink(t: str, text: str | None, heading: str | None) -> str:
    inner = t + (f"#{heading}" if heading else "")
    return f"[[{inner}|{text}]]" if text is not None else f"[[{inner}]]"


inline_atom = st.one_of(
    words,
    st.sampled_from(CJK_PUNCT),
    st.builds(lambda w, m: f"{m}{w}{m}", words, st.sampled_from(["**", "*", "_", "==", "~~"])),
    st.builds(lambda w: f"`{w}`", st.one_of(words, textual)),
    st.builds(lambda n: f"$x^{{{n}}} + \\frac{{a}}{{b}}$", number),
    st.builds(lambda n: f"$${n} \\cdot \\alpha$$", number),
    st.builds(lambda t: f"$\\text{{{t}}}$", textual),
    st.builds(_wikilink, target, st.none() | label, st.none() | st.sampled_from(["Sec A", "^blk"])),
    st.builds(lambda t, s: f"![[{t}{s}]]", target, st.sampled_from(["", "|100", "|100x50", "|x"])),
    st.builds(
        lambda text, url: f"[{text}]({url})", st.one_of(words, st.just("")), st.sampled_from(URLS)
    ),
    st.builds(
        lambda alt, url: f"![{alt}]({url})", st.one_of(words, textual), st.sampled_from(URLS)
    ),
    st.sampled_from(["<https://example.org>", "<javascript:alert(1)>", "<mailto:x@y.z>"]),
    st.builds(lambda t: f"#{t}", st.sampled_from(TAG_NAMES)),
    st.sampled_from(["^blk2", "[^1]", "[^note]", "^[an inline note]", "%%hidden%%", "\\*", "\\$"]),
    st.sampled_from(SAFE_INLINE_HTML),
)


@st.composite
def inline(draw: Any, max_atoms: int = 8) -> str:
    atoms = draw(st.lists(inline_atom, min_size=1, max_size=max_atoms))
    out = []
    for atom in atoms:
        out.append(atom)
        out.append(draw(st.sampled_from([" ", " ", "", "，"])))
        if draw(st.integers(0, 5)) == 0:  # an unbalanced delimiter between atoms
            out.append(draw(st.sampled_from(NOISE)))
    return "".join(out).strip("\n") or "x"


def _prefix(lines: str, first: str, rest: str) -> str:
    parts = lines.split("\n")
    return "\n".join([first + parts[0], *(rest + p if p else rest.rstrip() for p in parts[1:])])


leaf_block = st.one_of(
    inline(),
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 6), inline(max_atoms=3)),
    st.builds(
        lambda lang, body, close: f"```{lang}\n{body}\n" + ("```" if close else ""),
        st.sampled_from(FENCE_LANGS),
        st.one_of(textual, words, inline()),
        st.booleans(),
    ),
    st.builds(
        lambda tex, close: "$$\n" + tex + ("\n$$" if close else ""),
        st.sampled_from(
            ["\\frac{1}{2}", "x^2", "\\begin{aligned} a &= b \\end{aligned}", "\\frac{"]
        ),
        st.booleans(),
    ),
    st.builds(
        lambda cells, rows: (
            "| "
            + " | ".join(cells)
            + " |\n|"
            + "---|" * len(cells)
            + "".join("\n| " + " | ".join(r) + " |" for r in rows)
        ),
        st.lists(words.map(lambda w: w or "h"), min_size=1, max_size=3),
        st.lists(
            st.lists(inline(max_atoms=2).map(lambda s: s.replace("|", "\\|")), max_size=3),
            max_size=3,
        ),
    ),
    st.builds(lambda t: f"[^1]: {t}", inline(max_atoms=3)),
    st.builds(lambda t: f"[^note]: {t}", inline(max_atoms=3)),
    st.sampled_from(["---", "***", "^blk3", "%%\nhidden block\n%%", "%%\nunterminated comment"]),
)


def containers(children: Any) -> Any:
    blocks = st.lists(children, min_size=1, max_size=3).map("\n\n".join)
    return st.one_of(
        blocks.map(lambda b: _prefix(b, "> ", "> ")),
        st.builds(
            lambda kind, fold, title, body: _prefix(f"[!{kind}]{fold} {title}\n{body}", "> ", "> "),
            st.sampled_from(CALLOUT_TYPES),
            st.sampled_from(["", "+", "-"]),
            st.one_of(st.just(""), inline(max_atoms=3)),
            blocks,
        ),
        st.builds(
            lambda marker, items: "\n".join(
                _prefix(item, marker, " " * len(marker)) for item in items
            ),
            st.sampled_from(["- ", "* ", "1. ", "- [ ] ", "- [x] "]),
            st.lists(blocks, min_size=1, max_size=3),
        ),
    )


block = st.recursive(leaf_block, containers, max_leaves=12)
# Raw HTML blocks hold only what cannot swallow their end tag (no fence, comment or math).
clean_inline = st.lists(
    st.one_of(words, st.builds(_wikilink, target, st.none() | words, st.none())), min_size=1
).map(" ".join)
raw_html_block = st.builds(
    lambda inner: f'<div class="box">\n\n{inner or "x"}\n\n</div>',
    st.lists(clean_inline, max_size=2).map("\n\n".join),
)
markdown = st.lists(st.one_of(block, block, raw_html_block), min_size=1, max_size=6).map(
    "\n\n".join
)


# --- a small vault around the generated note -----------------------------------------------------

FIXED = {
    "Target.md": (
        "Target",
        "# Sec A\n\ntarget text ^blk\n\n## Deeper\n\ndeeper text\n\n![[Other]]\n",
        (),
        (),
    ),
    "Other.md": ("Other", "other text [[Target#Sec A]]\n\n![[Fuzz]]\n", (), ()),
    "folder/Deep.md": ("Deep", "deep text\n", (), ()),
    "Hostile.md": (HOSTILE[0], "hostile body\n", tuple(HOSTILE[:3]), ("Plot", *HOSTILE[:4])),
}
ATTACHMENTS = ["pic.png", "doc.pdf", "a b.png", "song.mp3", "clip.mp4"]
BOARD = (
    '{"nodes": [{"id": "1", "type": "text", "text": "card [[Target]] ![[Fuzz]]", "x": 0, "y": 0},'
    ' {"id": "2", "type": "file", "file": "Other.md", "x": 0, "y": 100}]}'
)


class TypesetAll(dict):
    """Every formula as if KaTeX had typeset it: KaTeX's own output is a `<span>`."""

    def get(self, key: Any, default: Any = None) -> MathResult:
        tex, display = key
        cls = "katex-display" if display else "katex"
        return MathResult(html=f'<span class="{cls}">{escape(tex)}</span>', error=None)


def make_note(path: str, title: str, source: str, tags=(), aliases=(), published=True) -> Note:
    rel = PurePosixPath(path)
    return Note(
        path=rel,
        source=source,
        frontmatter={},
        title=title,
        url=path_slug(list(rel.with_suffix("").parts)),
        published=published,
        tags=tuple(tags),
        aliases=tuple(aliases),
    )


MD = make_parser()
install_render_rules(MD)


def build_pages(
    body: str, title: str = "Fuzz", tags=(), aliases=(), math: Any = None
) -> tuple[dict[str, str], bool]:
    """The body HTML of every published page, the generated note's among them, and whether
    the generated note holds only the generator's own raw HTML (harmless and balanced)."""
    source = decode_note(body.encode("utf-8"), "Fuzz.md", Diagnostics())  # as read from disk
    notes = [make_note("Fuzz.md", title, source, tags, aliases)]
    for path, (t, source, note_tags, note_aliases) in FIXED.items():
        notes.append(make_note(path, t, source, note_tags, note_aliases))
    notes.append(make_note("Private.md", "Private", "PRIVATE-CANARY\n", published=False))
    canvas = make_note("board.canvas", "board", canvas_markdown(BOARD))
    canvas.page = False
    notes.append(canvas)
    vault = Vault(root=PurePosixPath("/nonexistent"), notes=notes)  # type: ignore[arg-type]
    vault.attachments = [PurePosixPath(a) for a in ATTACHMENTS]
    parsed = [parse_note(MD, n) for n in vault.published]
    graph = link_notes(vault, parsed, Diagnostics())
    renderer = BodyRenderer(MD, parsed, TypesetAll() if math is None else math, graph.resolved)
    pages = {p.note.url: renderer.render(p, p.note.url) for p in parsed if p.note.page}
    return pages, own_html_only(parsed[0].tokens)


SAFE_PAIRS = {
    "<kbd>": "</kbd>",
    '<span class="note">': "</span>",
    "<sup>": "</sup>",
    "<sub>": "</sub>",
    "<u>": "</u>",
    '<abbr title="HyperText">': "</abbr>",
    '<div class="box">': "</div>",
}
SAFE_SINGLE = {"<br>", "<!-- a comment -->"}


def _all_tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _all_tokens(token.children or [])


def own_html_only(tokens: list[Token]) -> bool:
    """True when every piece of raw HTML markdown-it found is one the generator wrote, and
    they open and close in order."""
    stack: list[str] = []
    for token in _all_tokens(tokens):
        if token.type not in ("html_inline", "html_block"):
            continue
        html = token.content.strip()
        if html in SAFE_SINGLE:
            continue
        if html in SAFE_PAIRS:
            stack.append(SAFE_PAIRS[html])
        elif not stack or stack.pop() != html:
            return False
    return not stack


# --- what the output must be ---------------------------------------------------------------------

STRICT = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
# What a browser strips before it reads a URL's scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]")
RAW_HTML_TAGS = {"kbd", "span", "sup", "sub", "br", "u", "abbr", "div"}


def well_formed(html: str) -> Any:
    """The fragment as html5lib reads it inside the page's `<div class="note-body">`; any
    parse error (an end tag with no start, a `<div>` closing a `<p>`) fails."""
    try:
        return STRICT.parseFragment(html, container="div")
    except html5lib.html5parser.ParseError as exc:
        raise AssertionError(f"not well-formed HTML ({exc}):\n{html}") from exc


def assert_nothing_injected(tree: Any, html: str) -> None:
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        assert tag not in ("script", "iframe") or (
            tag == "iframe" and element.get("src", "").endswith((".pdf", ".pdf#page=1"))
        ), f"<{tag}> in the output:\n{html}"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name}={value!r}:\n{html}"
            if name.lower() in URL_ATTRIBUTES:
                scheme = _IGNORED_IN_SCHEME.sub("", value).lower()
                assert not scheme.startswith(("javascript:", "vbscript:", "data:text/html")), (
                    f"{name}={value!r}:\n{html}"
                )


def check(built: tuple[dict[str, str], bool]) -> bool:
    """Every page well-formed and free of anything injected; False (nothing checked but the
    privacy of the unpublished note) when the note wrote raw HTML of its own."""
    pages, own_html = built
    for html in pages.values():
        assert "PRIVATE-CANARY" not in html
    if not own_html:
        return False
    for html in pages.values():
        tree = well_formed(html)
        assert_nothing_injected(tree, html)
    return True


# --- the properties ------------------------------------------------------------------------------


@fuzz_settings(2000)
@given(markdown)
def test_generated_markdown_renders_well_formed_and_safe(body: str) -> None:
    checked = check(build_pages(body))
    hypothesis.event("checked" if checked else "raw HTML of the note's own: not checked")


@fuzz_settings(500)
@given(
    body=markdown,
    title=st.one_of(hostile, words.map(lambda w: w or "t")),
    tags=st.lists(st.one_of(hostile, st.sampled_from(TAG_NAMES)), max_size=3),
    aliases=st.lists(st.one_of(hostile, words), max_size=3),
)
def test_hostile_titles_aliases_and_tags_are_escaped(body, title, tags, aliases) -> None:
    # The generated note's title shows where Other.md and Target.md embed it.
    checked = check(build_pages(body, title=title, tags=tags, aliases=aliases))
    hypothesis.event("checked" if checked else "raw HTML of the note's own: not checked")


SOUP = st.sampled_from([*NOISE, *CJK_PUNCT, "a", " ", "\n", "\n\n", "#", "> ", "- ", "1. "])


@fuzz_settings(500)
@given(st.lists(SOUP, max_size=120).map("".join))
def test_delimiter_soup(body: str) -> None:
    """Unbalanced everything: only delimiters, brackets, quotes and line starts."""
    check(build_pages(body))


@fuzz_settings(300)
@given(st.text(max_size=300))
def test_any_text(body: str) -> None:
    """Arbitrary Unicode: control characters, combining marks, other planes."""
    check(build_pages(body))


# --- fixed cases the properties rely on ----------------------------------------------------------


SCRIPT_URLS = [
    u
    for u in URLS
    if ("script:" in u.lower() or u.startswith(("data:", "&#", "%6A"))) and "<" not in u
]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_markdown_link_with_a_script_url_is_not_a_link(url: str) -> None:
    """markdown-it's validateLink drops `javascript:`, `vbscript:` and `data:text/html`."""
    pages, own_html = build_pages(f"[click]({url}) and ![img]({url}) and <{url}>\n")
    assert own_html
    html = pages["/fuzz/"]
    tree = well_formed(html)
    assert_nothing_injected(tree, html)
    assert not [a for a in tree.iter("a") if "script" in (a.get("href") or "").lower()]


@pytest.mark.parametrize("text", HOSTILE)
def test_wikilink_embed_and_tag_text_is_escaped(text: str) -> None:
    source = f"[[{text}]] [[Target|{text}]] ![[{text}]] [[{text}|{text}]] ![[Target|{text}]]\n"
    pages, own_html = build_pages(source, title=text, tags=[text], aliases=[text])
    assert own_html  # every payload sat inside a wikilink or embed
    check((pages, own_html))
    for html in pages.values():
        tree = well_formed(html)
        hrefs = [a.get("href", "") for a in tree.iter("a")]
        assert not [h for h in hrefs if h.lower().lstrip().startswith(("java", "vbscript"))]


def test_alias_that_is_a_script_url_links_to_its_note() -> None:
    """Hostile.md has the alias `javascript:alert(1)`: a link by that alias goes to the note."""
    pages, _ = build_pages("[[javascript:alert(1)]] and [[JAVASCRIPT:alert(1)|x]]\n")
    html = pages["/fuzz/"]
    tree = well_formed(html)
    assert [a.get("href") for a in tree.iter("a")] == ["../hostile/", "../hostile/"]
    assert ">javascript:alert(1)</a>" in html


def test_raw_html_in_the_body_is_passed_through() -> None:
    pages, own_html = build_pages('<kbd>Ctrl</kbd> and <span class="note">word</span>\n')
    assert own_html
    html = pages["/fuzz/"]
    assert "<kbd>Ctrl</kbd>" in html and '<span class="note">word</span>' in html
    pages, own_html = build_pages("<script>alert(1)</script>\n")
    assert not own_html and "<script>alert(1)</script>" in pages["/fuzz/"]


def test_rejected_display_math_inside_a_link_stays_inline() -> None:
    class Rejects(dict):
        def get(self, key: Any, default: Any = None) -> MathResult:
            return MathResult(html=None, error="KaTeX parse error")

    pages, _ = build_pages("[a $$\\frac{$$ b](Target.md)\n", math=Rejects())
    well_formed(pages["/fuzz/"])


# --- the whole site, templates included --------------------------------------------------------


def test_hostile_names_through_the_whole_site(build_vault) -> None:
    """Titles, aliases, tags, file names and link text reach the templates too (page title,
    meta tags, explorer, backlinks, tag pages, graph, feed): built by the real command line,
    nothing in any output file may run."""
    files = {}
    for i, payload in enumerate(HOSTILE):
        quoted = payload.replace("\\", "\\\\").replace('"', '\\"')
        files[f"n{i}.md"] = (
            f'---\ndg-publish: true\ntitle: "{quoted}"\naliases: ["{quoted}"]\n'
            f'tags: ["{quoted}", "ok{i}"]\ndescription: "{quoted}"\n---\n'
            f"[[n{(i + 1) % len(HOSTILE)}|{payload}]] [[{payload}]] ![[{payload}]] #t{i}\n"
        )
    files["safe name.md"] = "---\ndg-publish: true\ndg-home: true\n---\n" + " ".join(
        [*(f"[[n{i}]]" for i in range(len(HOSTILE))), "[[perma]] ![[board.canvas]]"]
    )
    # From the home page, the URL of a note at /javascript:alert(1)/ would read as a scheme.
    files["perma.md"] = '---\ndg-publish: true\npermalink: "javascript:alert(1)"\n---\np\n'
    nodes = [
        {"id": str(i), "type": kind, key: payload, "x": 0, "y": i}
        for i, payload in enumerate(
            ["x]] <script>alert(1)</script> [[y", 'https://x.org/"><script>alert(1)</script>']
        )
        for kind, key in [("file", "file"), ("link", "url"), ("group", "label")]
    ]
    files["board.canvas"] = json.dumps({"nodes": nodes})
    run = build_vault(files)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    lenient = html5lib.HTMLParser(namespaceHTMLElements=False)
    pages = sorted(run.out.rglob("*.html"))
    assert len(pages) > len(HOSTILE)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        tree = lenient.parse(html)
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (page, name, value)
                if name.lower() in URL_ATTRIBUTES:
                    scheme = _IGNORED_IN_SCHEME.sub("", value).lower()
                    assert not scheme.startswith(("javascript:", "vbscript:")), (page, value)
            if element.tag in ("script", "iframe", "svg"):
                assert "alert" not in "".join(element.itertext()), (page, element.tag)
                assert "alert" not in element.get("src", ""), page
    for feed in (run.out / "feed.xml", run.out / "sitemap.xml"):
        if feed.exists():
            ElementTree.fromstring(feed.read_bytes())  # well-formed XML, names escaped
