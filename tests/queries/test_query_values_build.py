"""What a query's values look like on the built page: dates written as the site's language
writes them."""

from __future__ import annotations

from conftest import article, visible_text

PUBLISH = "---\ndg-publish: true\n{}---\n"


def note(properties: str = "", body: str = "") -> str:
    return PUBLISH.format(properties) + body


DUE = note(
    "due: 2026-12-07\nmeeting: 2026-12-07T14:30\n",
    "截止 `= this.due`，会议 `= this.meeting`，文字 `= string(this.due)`。\n\n"
    '```dataview\nTABLE due FROM "" WHERE file.name = "Plan"\n```\n',
)


def test_dataview_dates_on_a_chinese_site_are_written_as_its_pages_write_dates(
    build_vault,
) -> None:
    run = build_vault({"Plan.md": DUE}, settings='language = "zh-CN"')
    assert run.code == 0, run.stderr
    text = visible_text(article(run.page("/plan/")))
    assert "截止 2026年12月7日，会议 2026年12月7日 14:30，文字 2026年12月7日。" in text
    assert "<td>2026年12月7日</td>" in article(run.page("/plan/"))
    assert "December" not in text


def test_dataview_dates_on_an_english_site_keep_dataviews_own_format(build_vault) -> None:
    run = build_vault({"Plan.md": DUE}, settings='language = "en"')
    assert run.code == 0, run.stderr
    page = article(run.page("/plan/"))
    assert "截止 December 07, 2026，会议 2:30 PM - December 07, 2026" in visible_text(page)
    assert "<td>December 07, 2026</td>" in page


def test_what_a_chinese_page_says_of_its_queries_is_in_chinese(build_vault) -> None:
    body = (
        "```dataviewjs\ndv.list(dv.pages().file.name)\n```\n\n"
        "```dataview\nLIST FROM #nothing-has-this\n```\n"
    )
    run = build_vault({"Plan.md": note("", body)}, settings='language = "zh-CN"')
    assert run.code == 0, run.stderr
    text = visible_text(article(run.page("/plan/")))
    assert "这是一个 Dataview JavaScript 查询。发布的网站不运行 JavaScript 查询" in text
    assert "没有可显示的结果。" in text
    assert "JavaScript query" not in text and "No results" not in text
