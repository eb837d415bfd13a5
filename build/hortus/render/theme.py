"""The theme: Jinja2 templates of theme/templates, and the few words they say themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from hortus.config import Settings
from hortus.diagnostics import BuildError
from hortus.render.navigation import FolderTree
from hortus.vault import relative_url, written_date

# The few words the theme itself says, in the site's language (see label_language).
LABELS = {
    "en": {
        "contents": "Contents",
        "backlinks": "Backlinks",
        "tags": "Tags",
        "all_tags": "All tags",
        "claims": "Claims",
        "published": "Published with hortus",
        "claims_checked": "claims checked at build time",
        "claim": "Claim",
        "value": "Value",
        "expected": "Expected",
        "note": "Note",
        "provenance": "How the results were computed",
        "computed": "Computed",
        "this_build": "in this build",
        "packages": "Packages",
        "frozen": "frozen",
        "explorer": "Notes",
        "updated": "Updated",
        "created": "Created",
        "graph": "Graph",
        "garden_graph": "Whole garden",
        "graph_hint": "Point at a note to see its links; click to open it.",
        "search": "Search",
        "search_placeholder": "Search notes",
        "search_no_script": "Search needs JavaScript",
        "search_results": "{n} results",
        "search_none": "Nothing found for “{q}”",
        "search_unavailable": "Search is unavailable: open this page from the website",
        "not_found_title": "Not found",
        "not_found": "This page does not exist.",
        "back_home": "Back to the home page",
        "toggle_theme": "Toggle dark mode",
        "breadcrumbs": "Breadcrumbs",
        "pages": "Pages",
        "previous": "Previous page",
        "next": "Next page",
        "query_pending": "This query is shown when the site is built.",
        "query_script": (
            "This is a Dataview JavaScript query. "
            "The published site does not run JavaScript queries; its code is shown instead."
        ),
        "query_none": "No results to show.",
    },
    "zh": {
        "contents": "目录",
        "backlinks": "反向链接",
        "tags": "标签",
        "all_tags": "全部标签",
        "claims": "断言",
        "published": "由 hortus 发布",
        "claims_checked": "条断言在构建时检验",
        "claim": "断言",
        "value": "计算值",
        "expected": "期望值",
        "note": "笔记",
        "provenance": "结果的计算",
        "computed": "计算于",
        "this_build": "本次构建",
        "packages": "软件包",
        "frozen": "已冻结",
        "explorer": "笔记",
        "updated": "更新于",
        "created": "创建于",
        "graph": "关系图",
        "garden_graph": "全部笔记的关系图",
        "graph_hint": "悬停查看链接，点击打开笔记。",
        "search": "搜索",
        "search_placeholder": "搜索笔记",
        "search_no_script": "搜索需要 JavaScript",
        "search_results": "{n} 条结果",
        "search_none": "没有找到“{q}”",
        "search_unavailable": "搜索不可用：请通过网站地址访问此页",
        "not_found_title": "页面不存在",
        "not_found": "这个页面不存在。",
        "back_home": "返回首页",
        "toggle_theme": "切换深色模式",
        "breadcrumbs": "路径",
        "pages": "分页",
        "previous": "上一页",
        "next": "下一页",
        "query_pending": "此查询在构建网站时显示。",
        "query_script": (
            "这是一个 Dataview JavaScript 查询。"
            "发布的网站不运行 JavaScript 查询，此处显示它的代码。"
        ),
        "query_none": "没有可显示的结果。",
    },
    "zh-Hant": {
        "contents": "目錄",
        "backlinks": "反向連結",
        "tags": "標籤",
        "all_tags": "全部標籤",
        "claims": "斷言",
        "published": "由 hortus 發佈",
        "claims_checked": "條斷言在建置時檢驗",
        "claim": "斷言",
        "value": "計算值",
        "expected": "期望值",
        "note": "筆記",
        "provenance": "結果的計算",
        "computed": "計算於",
        "this_build": "本次建置",
        "packages": "套件",
        "frozen": "已凍結",
        "explorer": "筆記",
        "updated": "更新於",
        "created": "建立於",
        "graph": "關係圖",
        "garden_graph": "全部筆記的關係圖",
        "graph_hint": "懸停查看連結，點擊開啟筆記。",
        "search": "搜尋",
        "search_placeholder": "搜尋筆記",
        "search_no_script": "搜尋需要 JavaScript",
        "search_results": "{n} 筆結果",
        "search_none": "找不到「{q}」",
        "search_unavailable": "搜尋無法使用：請透過網站網址開啟此頁",
        "not_found_title": "頁面不存在",
        "not_found": "這個頁面不存在。",
        "back_home": "返回首頁",
        "toggle_theme": "切換深色模式",
        "breadcrumbs": "路徑",
        "pages": "分頁",
        "previous": "上一頁",
        "next": "下一頁",
        "query_pending": "此查詢在建置網站時顯示。",
        "query_script": (
            "這是一個 Dataview JavaScript 查詢。"
            "發佈的網站不執行 JavaScript 查詢，此處顯示它的程式碼。"
        ),
        "query_none": "沒有可顯示的結果。",
    },
    "ja": {
        "contents": "目次",
        "backlinks": "バックリンク",
        "tags": "タグ",
        "all_tags": "すべてのタグ",
        "claims": "検証",
        "published": "hortus で公開",
        "claims_checked": "件の検証をビルド時に確認",
        "claim": "検証",
        "value": "計算値",
        "expected": "期待値",
        "note": "ノート",
        "provenance": "結果の計算",
        "computed": "計算日時",
        "this_build": "このビルド",
        "packages": "パッケージ",
        "frozen": "凍結",
        "explorer": "ノート",
        "updated": "更新日",
        "created": "作成日",
        "graph": "グラフ",
        "garden_graph": "すべてのノートのグラフ",
        "graph_hint": "ノートを指すとリンクが見え、クリックで開きます。",
        "search": "検索",
        "search_placeholder": "ノートを検索",
        "search_no_script": "検索には JavaScript が必要です",
        "search_results": "{n} 件",
        "search_none": "「{q}」は見つかりません",
        "search_unavailable": "検索は使えません：サイトのアドレスからこのページを開いてください",
        "not_found_title": "ページが見つかりません",
        "not_found": "このページは存在しません。",
        "back_home": "ホームへ戻る",
        "toggle_theme": "ダークモードの切り替え",
        "breadcrumbs": "パンくずリスト",
        "pages": "ページ",
        "previous": "前のページ",
        "next": "次のページ",
        "query_pending": "このクエリはサイトのビルド時に表示されます。",
        "query_script": (
            "これは Dataview の JavaScript クエリです。"
            "公開サイトでは JavaScript クエリを実行しないため、コードを表示しています。"
        ),
        "query_none": "表示する結果はありません。",
    },
    "ko": {
        "contents": "목차",
        "backlinks": "백링크",
        "tags": "태그",
        "all_tags": "모든 태그",
        "claims": "검증",
        "published": "hortus로 게시됨",
        "claims_checked": "개의 검증을 빌드할 때 확인함",
        "claim": "검증",
        "value": "계산값",
        "expected": "기댓값",
        "note": "노트",
        "provenance": "결과 계산",
        "computed": "계산 시각",
        "this_build": "이번 빌드",
        "packages": "패키지",
        "frozen": "고정됨",
        "explorer": "노트",
        "updated": "수정일",
        "created": "작성일",
        "graph": "그래프",
        "garden_graph": "모든 노트의 그래프",
        "graph_hint": "노트를 가리키면 링크가 보이고, 클릭하면 열립니다.",
        "search": "검색",
        "search_placeholder": "노트 검색",
        "search_no_script": "검색에는 JavaScript가 필요합니다",
        "search_results": "결과 {n}개",
        "search_none": "“{q}”에 대한 결과가 없습니다",
        "search_unavailable": "검색을 쓸 수 없습니다: 웹사이트 주소로 이 페이지를 여세요",
        "not_found_title": "페이지를 찾을 수 없음",
        "not_found": "이 페이지는 없습니다.",
        "back_home": "홈으로 돌아가기",
        "toggle_theme": "다크 모드 전환",
        "breadcrumbs": "경로",
        "pages": "페이지",
        "previous": "이전 페이지",
        "next": "다음 페이지",
        "query_pending": "이 쿼리는 사이트를 빌드할 때 표시됩니다.",
        "query_script": (
            "Dataview JavaScript 쿼리입니다. "
            "게시된 사이트는 JavaScript 쿼리를 실행하지 않으므로 코드를 대신 표시합니다."
        ),
        "query_none": "표시할 결과가 없습니다.",
    },
}
# Chinese in traditional characters: Taiwan, Hong Kong, Macau, or `zh-Hant` itself.
_TRADITIONAL = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")
_MONTHS = "January February March April May June July August September October November December"


def label_language(language: str) -> str:
    """The key of LABELS for a language tag: its script or language, else English."""
    tag = language.lower()
    if tag.startswith(_TRADITIONAL):
        return "zh-Hant"
    primary = tag.split("-")[0]
    return primary if primary in LABELS else "en"


def format_date(iso: str, language: str) -> str:
    """`2024-03-05` as a reader of the language writes it: `March 5, 2024`, `2024年3月5日`,
    `2024년 3월 5일`. Spelled out here, not by the system's locale: same input, same bytes."""
    year, month, day = (int(part) for part in iso.split("-"))
    written = written_date(year, month, day, language)
    return written or f"{_MONTHS.split()[month - 1]} {day}, {year}"


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds (Jinja2 checks each against its source), so a
    build does not spend half a second compiling the theme; None where it cannot be kept."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


class Theme:
    """The Jinja2 templates of theme/templates; everything a note supplies is autoescaped."""

    def __init__(
        self,
        theme_dir: Path,
        settings: Settings,
        tree: FolderTree | None = None,
        has_claims: bool = False,
    ) -> None:
        self.tree = tree
        self.has_claims = has_claims
        templates = theme_dir / "templates"
        if not templates.is_dir():
            raise BuildError(f"theme not found: {templates} is not a folder")
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates), encoding="utf-8"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # A build's templates do not change while it runs: each is loaded and compiled
            # once, not checked against its file at every include of every page.
            auto_reload=False,
            bytecode_cache=_bytecode_cache(settings.cache_folder / "templates"),
        )
        self.env.filters["rel"] = lambda target, page_url: relative_url(page_url, target)
        self.env.filters["date"] = lambda iso: format_date(iso, self.language)
        self.settings = settings
        self._templates: dict[str, jinja2.Template] = {}

    @property
    def language(self) -> str:
        """The pages' language tag: the pipeline settles it from the vault before any page is
        made; English only where a theme is used on its own."""
        return self.settings.language or "en"

    def label(self, key: str) -> str:
        return self._labels[key]

    @property
    def _labels(self) -> dict[str, str]:
        return LABELS[label_language(self.language)]

    def render(self, template: str, **context: Any) -> str:
        site = {
            "title": self.settings.title,
            "language": self.language,
            "base_url": self.settings.base_url,
            "labels": self._labels,
            "explorer": Markup(self.tree.html(context["page"]["url"])) if self.tree else "",
            "claims_url": self.has_claims,
        }
        return self._template(template).render(site=site, **context)

    def _template(self, name: str) -> jinja2.Template:
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name)
        return self._templates[name]
