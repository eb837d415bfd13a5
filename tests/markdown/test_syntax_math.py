"""Obsidian dollar math: fixture cases, token contract, lines, and the seed note."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import read_fixture_file
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

try:
    from hortus.markdown.plugins import cjk_plugin, math_plugin
except ModuleNotFoundError:  # a checkout where hortus is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "build"))
    from hortus.markdown.plugins import cjk_plugin, math_plugin

ROOT = Path(__file__).resolve().parents[2]
CASES = read_fixture_file(Path(__file__).parents[1] / "fixtures" / "math.md")


def make_md() -> MarkdownIt:
    return (
        MarkdownIt("commonmark")
        .enable(["table", "strikethrough"])
        .use(front_matter_plugin)
        .use(footnote_plugin)
        .use(cjk_plugin)
        .use(math_plugin)
    )


MD = make_md()


def walk(tokens: list[Token]) -> list[Token]:
    """All tokens, children included, in document order."""
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        if token.children:
            out.extend(walk(token.children))
    return out


def formulas(text: str) -> list[Token]:
    return [t for t in walk(MD.parse(text)) if t.type.startswith("math")]


@pytest.mark.parametrize(
    ("line", "title", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_fixture(line: int, title: str, text: str, expected: str) -> None:
    assert MD.render(text) == expected


@pytest.mark.parametrize(("line", "title", "text", "expected"), CASES, ids=[c[1] for c in CASES])
def test_token_contract(line: int, title: str, text: str, expected: str) -> None:
    lines = text.split("\n")
    for token in formulas(text):
        assert token.type in ("math_inline", "math_block")
        assert token.content == token.content.strip() != ""
        assert token.map is not None
        assert token.meta == {"line": token.map[0]}
        assert 0 <= token.map[0] < token.map[1] <= len(lines)
        # The formula's first line holds its opening dollar.
        assert "$" in lines[token.map[0]]
        if token.type == "math_inline":
            assert not token.block


LINES_DOC = """\
---
title: lines
---

Intro $a$ and
second line $b$ here.

text
$$
c
$$

1.  step $d$
    $$ e $$
    after

> quote
> $$
> f
> $$

the sum $$g$$ is
and $h$ then $$
i
$$ tail $j$

see ![alt $k$](a.png) and^[a note
with $m$]
"""


def test_lines() -> None:
    got = [(t.type, t.content, t.map[0] if t.map else None) for t in formulas(LINES_DOC)]
    assert got == [
        ("math_inline", "a", 4),
        ("math_inline", "b", 5),
        ("math_block", "c", 8),
        ("math_inline", "d", 12),
        ("math_block", "e", 13),
        ("math_block", "f", 17),
        ("math_block", "g", 21),
        ("math_inline", "h", 22),
        ("math_block", "i", 22),
        ("math_inline", "j", 24),
        ("math_inline", "k", 26),
        ("math_inline", "m", 27),
    ]


def test_display_math_splits_a_paragraph() -> None:
    tokens = MD.parse("a\nthe sum $$x$$ is\nb")
    assert [t.type for t in tokens] == [
        "paragraph_open",
        "inline",
        "paragraph_close",
        "math_block",
        "paragraph_open",
        "inline",
        "paragraph_close",
    ]
    assert [(t.content, t.map) for t in tokens if t.type == "inline"] == [
        ("a\nthe sum", [0, 2]),
        ("is\nb", [1, 3]),
    ]
    block = tokens[3]
    assert (block.block, block.level, block.map, block.markup) == (True, 0, [1, 2], "$$")


def test_math_tokens_only() -> None:
    """No dollarmath token types (math_inline_double, math_block_label) appear."""
    types = {t.type for case in CASES for t in formulas(case[2])}
    assert types == {"math_inline", "math_block"}


# --- the seed note ------------------------------------------------------------

NOTE = ROOT / "notes" / "notion.md"


def _expected_formulas(source: str) -> tuple[int, int]:
    """Count formulas in the note with a plain regex, independently of the plugin.

    Valid for this note only: it has no code, no escaped or literal dollars.
    """
    display = re.findall(r"\$\$.+?\$\$", source, flags=re.DOTALL)
    rest = re.sub(r"\$\$.+?\$\$", "", source, flags=re.DOTALL)
    inline = re.findall(r"\$[^$\s][^$\n]*?(?<!\s)\$", rest)
    return len(display), len(inline)


def test_seed_note() -> None:
    source = NOTE.read_text(encoding="utf-8")
    tokens = walk(MD.parse(source))
    found = [t for t in tokens if t.type.startswith("math")]
    display = [t for t in found if t.type == "math_block"]
    inline = [t for t in found if t.type == "math_inline"]

    assert (len(display), len(inline)) == _expected_formulas(source) == (12, 33)

    # Nothing that looks like math is left in the text.
    assert not [t.content for t in tokens if t.type == "text" and "$" in t.content]

    # Each formula's line holds it; display math here is written on one line.
    lines = source.split("\n")
    for token in found:
        assert token.map is not None
        assert token.content.split("\n")[0] in lines[token.map[0]]

    # Every bold run became <strong>.
    html = MD.render(source)
    prose = re.sub(r"<pre>.*?</pre>", "", html, flags=re.S)  # the cells' code has `**` powers
    assert "**" not in prose
    prose_source = re.sub(r"```.*?```", "", source, flags=re.S)
    assert html.count("<strong>") == prose_source.count("**") // 2 == 22
    for run in (
        "均方误差 (Mean Squared Error, MSE)",
        "负对数似然 (Negative Log-Likelihood, NLL)",
        "预测值与真实值之间的几何距离（的平方）",
        "模型对观测数据出现（被预测出来）的概率的“惊讶程度”",
        "当我们假设模型的预测误差服从高斯分布（正态分布）时，最小化均方误差就等价于最大化对数似然！",
        "负对数似然损失在“误差服从高斯分布”这个特定假设下的一个特例",
    ):
        assert f"<strong>{run}</strong>" in html
    nll = r'<span class="math inline">L_{\text{NLL}}(\theta)</span>'
    one_over_n = '<span class="math inline">1/N</span>'
    assert f"<strong>最小化 {nll} 就等价于最小化</strong>：" in html
    assert f"<strong>平方误差（或均方误差，只差一个常数因子 {one_over_n}）</strong>！" in html
