"""The language of the pages: the setting's, else the published notes' own; `<html lang>`,
the theme's words, dates and search follow it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, article, run_hortus
from hortus.vault import language_of

ENGLISH = "The gradient points uphill, so we step the other way and the loss goes down.\n"
CHINESE = "梯度指向上坡的方向，所以我们朝相反的方向走一步，损失就会下降。\n"
TRADITIONAL = "梯度指向上坡的方向，所以我們朝相反的方向走一步，這個損失就會下降，說明學習有效。\n"
JAPANESE = "勾配は上り坂を指すので、反対の方向に一歩進むと損失が下がります。\n"
KOREAN = "기울기는 오르막을 가리키므로 반대 방향으로 한 걸음 가면 손실이 줄어듭니다.\n"


@pytest.mark.parametrize(
    ("texts", "tag"),
    [
        ([ENGLISH], "en"),
        ([CHINESE], "zh-CN"),
        ([TRADITIONAL], "zh-TW"),
        ([JAPANESE], "ja"),
        ([KOREAN], "ko"),
        ([], "en"),
        ([ENGLISH * 3, CHINESE], "en"),  # a few Chinese words in an English garden
        ([CHINESE * 3, ENGLISH], "zh-CN"),
        ([CHINESE + "Mean Squared Error (MSE), Negative Log-Likelihood\n"], "zh-CN"),
    ],
)
def test_language_of_the_prose(texts: list[str], tag: str) -> None:
    assert language_of(texts) == tag


def dated(body: str) -> str:
    return f"---\ndg-publish: true\nupdated: 2024-03-05\n---\n# Heading\n\n{body}\n## Two\n"


def test_an_english_garden_gets_an_english_interface(build_vault) -> None:
    code = "```python\n# 这是一段很长很长的中文注释，不算正文\nprint('x')\n```\n"
    run = build_vault({"a.md": dated(ENGLISH + code), "b.md": dated(ENGLISH + "[[a]]\n")})
    assert run.code == 0, run.stderr
    html = run.page("/a/")
    assert '<html lang="en">' in html
    words_shown = ("Backlinks", "Contents", "Search notes", "Updated", "Whole garden")
    for words in (*words_shown, "Published with hortus"):
        assert words in html, words
    assert '<time datetime="2024-03-05">March 5, 2024</time>' in html
    assert "反向链接" not in html and "搜索" not in html and "发布" not in html
    assert "Back to the home page" in (run.out / "404.html").read_text(encoding="utf-8")
    entry = json.loads((run.out / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert list(entry["languages"]) == ["en"]
    assert (
        "hortus: language en (from the notes' text; set language in [tool.hortus] to choose)"
    ) in run.stderr


def test_a_chinese_garden_gets_a_chinese_interface(build_vault) -> None:
    run = build_vault({"a.md": dated(CHINESE), "b.md": dated(CHINESE + "[[a]]\n")})
    assert run.code == 0, run.stderr
    html = run.page("/a/")
    assert '<html lang="zh-CN">' in html
    for words in ("反向链接", "目录", "搜索笔记", "更新于", "由 hortus 发布"):
        assert words in html, words
    assert '<time datetime="2024-03-05">2024年3月5日</time>' in html
    assert "Published with" not in html
    assert "返回首页" in (run.out / "404.html").read_text(encoding="utf-8")
    entry = json.loads((run.out / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert list(entry["languages"]) == ["zh-cn"]


@pytest.mark.parametrize(
    ("text", "tag", "words", "date"),
    [
        (JAPANESE, "ja", "目次", "2024年3月5日"),
        (TRADITIONAL, "zh-TW", "目錄", "2024年3月5日"),
        (KOREAN, "ko", "목차", "2024년 3월 5일"),
    ],
)
def test_japanese_traditional_chinese_and_korean_gardens(
    build_vault, text: str, tag: str, words: str, date: str
) -> None:
    run = build_vault({"a.md": dated(text)})
    assert run.code == 0, run.stderr
    html = run.page("/a/")
    assert f'<html lang="{tag}">' in html and words in html
    assert f'<time datetime="2024-03-05">{date}</time>' in html


def test_the_setting_overrides_the_notes(build_vault) -> None:
    run = build_vault({"a.md": dated(ENGLISH)}, settings='language = "zh-CN"')
    assert run.code == 0, run.stderr
    assert '<html lang="zh-CN">' in run.page("/a/") and "更新于" in run.page("/a/")
    assert "hortus: language zh-CN (set in [tool.hortus])" in run.stderr


def test_private_notes_do_not_choose_the_language(build_vault) -> None:
    private = {f"private{i}.md": CHINESE * 20 for i in range(5)}
    run = build_vault({"a.md": dated(ENGLISH), **private})
    assert run.code == 0, run.stderr
    assert '<html lang="en">' in run.page("/a/")


def test_a_language_that_is_not_a_tag_is_refused_with_its_line(build_vault) -> None:
    run = build_vault({"a.md": dated(ENGLISH)}, settings='title = "x"\nlanguage = "中文"')
    assert run.code == 1
    assert 'pyproject.toml:3: [tool.hortus] language must be a language tag such as "en"' in (
        run.stderr
    )
    assert "Traceback" not in run.stderr


def test_the_seed_garden_is_chinese_without_a_setting(tmp_path: Path) -> None:
    root = tmp_path / "seed"
    shutil.copytree(REPO / "notes", root / "notes")
    (root / "pyproject.toml").write_text('[tool.hortus]\ntitle = "hortus"\n', encoding="utf-8")
    run = run_hortus("build", cwd=root)
    assert run.returncode == 0, run.stderr
    html = (root / "public" / "notion" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "目录" in html
    assert "梯度下降" in article(html)
    assert "hortus: language zh-CN (from the notes' text" in run.stderr


def test_a_cached_build_follows_a_change_of_language(build_vault) -> None:
    first = build_vault({"a.md": dated(ENGLISH), "b.md": dated(ENGLISH + "[[a]]\n")})
    assert '<html lang="en">' in first.page("/b/")
    # Enough Chinese notes that the garden's language changes; a.md and b.md are unchanged,
    # yet their pages must change with it.
    again = build_vault({f"c{i}.md": dated(CHINESE * 3) for i in range(4)})
    assert again.code == 0, again.stderr
    assert '<html lang="zh-CN">' in again.page("/b/") and "反向链接" in again.page("/a/")
    project = again.out.parent
    fresh = run_hortus("build", "--no-cache", "--out", "fresh", cwd=project)
    assert fresh.returncode == 0, fresh.stderr

    def files(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*")
            if p.is_file()
        }

    assert files(again.out) == files(project / "fresh")
