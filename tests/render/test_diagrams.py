"""Mermaid diagrams: drawn as SVG at build time in both themes, cached, refused with a
message at their line, and left to the mermaid script only when the build cannot draw them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hortus.diagnostics import Diagnostics
from hortus.markdown import make_parser, parse_note
from hortus.render import draw_diagrams
from hortus.vault import Note

pytest.importorskip("merman")

P = "---\ndg-publish: true\n---\n"
FLOW = "flowchart TD\n  A[开始] --> B{是否登录?}\n  B -- 是 --> C[进入主页]\n"

# One diagram of each kind Obsidian draws, with Chinese labels.
KINDS = {
    "flowchart": FLOW,
    "sequence": "sequenceDiagram\n  用户->>服务器: 请求页面\n  服务器-->>用户: 返回 HTML\n",
    "class": "classDiagram\n  动物 <|-- 狗\n  class 动物 {\n    +String 名字\n  }\n",
    "state": "stateDiagram-v2\n  [*] --> 空闲\n  空闲 --> 运行中 : 开始\n",
    "er": "erDiagram\n  客户 ||--o{ 订单 : 下单\n",
    "gantt": "gantt\n  dateFormat YYYY-MM-DD\n  section 设计\n  需求分析 :a1, 2024-01-01, 7d\n",
    "pie": 'pie title 时间分配\n  "睡觉" : 8\n  "工作" : 9\n',
    "mindmap": "mindmap\n  root((知识管理))\n    笔记\n    阅读\n",
    "timeline": "timeline\n  title 中国朝代\n  618年 : 唐朝建立\n",
    "gitgraph": 'gitGraph\n  commit id: "初始化"\n  branch develop\n  commit id: "新功能"\n',
    "journey": "journey\n  title 我的一天\n  section 上班\n    起床: 3: 我\n",
    "quadrant": (
        "quadrantChart\n  x-axis 不紧急 --> 紧急\n  y-axis 不重要 --> 重要\n  写论文: [0.3, 0.8]\n"
    ),
    "xy": 'xychart-beta\n  x-axis ["一月", "二月"]\n  bar [30, 45]\n',
}


def parsed(text: str, name: str = "n.md"):
    note = Note(path=Path(name), source=text, frontmatter={}, title="n", url="/n/", published=True)
    return parse_note(make_parser(), note)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_drawn_in_both_themes(kind: str) -> None:
    source = KINDS[kind]
    found = draw_diagrams([parsed(f"```mermaid\n{source}```\n")], Diagnostics())[source]
    assert found.error is None and not found.in_browser
    assert found.light.startswith("<svg") and found.dark.startswith("<svg")
    assert found.light != found.dark  # the dark one is drawn in Mermaid's dark theme
    label = re.findall(r"[\u4e00-\u9fff]+", source)[0]
    assert label in found.light  # Chinese labels are kept as text


def test_a_diagram_that_does_not_parse_is_reported_at_its_line() -> None:
    diagnostics = Diagnostics()
    text = "# Title\n\n```mermaid\nflowchart TD\n  A --> B\n  B --> C[\n```\n"
    found = draw_diagrams([parsed(text)], diagnostics)
    (diagram,) = found.values()
    assert diagram.light is None and "missing `]`" in diagram.error
    (warning,) = diagnostics.warnings
    assert (warning.path, warning.line, warning.kind) == ("n.md", 6, "diagram")


def test_a_cached_diagram_is_not_drawn_again(tmp_path: Path, monkeypatch) -> None:
    notes = [parsed(f"```mermaid\n{FLOW}```\n")]
    first = draw_diagrams(notes, Diagnostics(), tmp_path)
    assert list(tmp_path.glob("diagrams-*.pickle"))

    def no_drawing(*args: object) -> None:
        raise AssertionError("a cached diagram was drawn again")

    monkeypatch.setattr("hortus.render.diagrams._draw", no_drawing)
    assert draw_diagrams(notes, Diagnostics(), tmp_path) == first


def test_pages_show_both_drawings_and_no_script(build_vault) -> None:
    run = build_vault({"D.md": P + f"# D\n\n```mermaid\n{FLOW}```\n", "Plain.md": P + "text\n"})
    assert run.code == 0, run.stderr
    page = run.page("/d/")
    assert page.count('<div class="mermaid-light"><svg') == 1
    assert page.count('<div class="mermaid-dark"><svg') == 1
    assert "mermaid.min" not in page and 'class="mermaid"' not in page
    assert "diagrams." in page  # its stylesheet, which shows the drawing of the theme
    assert "diagrams." not in run.page("/plain/")
    assert not list((run.out / "assets").glob("mermaid.*.js"))


def test_a_broken_diagram_is_an_error_box_and_fails_a_strict_build(build_vault) -> None:
    files = {"Bad.md": P + "\n```mermaid\nsequenceDiagram\n  A->>B: hi\n  loop x\n```\n"}
    run = build_vault(files)
    assert run.code == 0, run.stderr
    assert "Bad.md:8: warning: Mermaid cannot draw this diagram" in run.stderr
    page = run.page("/bad/")
    assert 'class="mermaid-error"' in page and "A-&gt;&gt;B: hi" in page
    strict = build_vault(files, "--strict")
    assert strict.code == 1


def test_what_the_build_cannot_draw_is_left_to_the_mermaid_script(build_vault) -> None:
    # merman's wheel has no math; the official script draws `$$...$$` labels.
    source = 'flowchart LR\n  A["$$x^2$$"] --> B\n'
    run = build_vault({"M.md": P + f"```mermaid\n{source}```\n", "Plain.md": P + "x\n"})
    assert run.code == 0, run.stderr
    page = run.page("/m/")
    assert '<pre class="mermaid">flowchart LR\n  A[&quot;$$x^2$$&quot;] --&gt; B\n</pre>' in page
    scripts = re.findall(r'<script src="([^"]+)"', page)
    library = [s for s in scripts if re.search(r"/mermaid\.[0-9a-f]{10}\.js$", s)]
    assert library and scripts.index(library[0]) < next(
        i for i, s in enumerate(scripts) if "mermaid-init." in s
    )
    assert (run.out / "m" / library[0]).resolve().stat().st_size > 1_000_000
    assert "mermaid." not in run.page("/plain/").split("</footer>")[1]
