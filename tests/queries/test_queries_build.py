"""Queries through the command line: what a page shows for Dataview and Bases queries, the
notes they select in order, errors, scripts, `.base` pages and embeds, and the build's date."""

from __future__ import annotations

import re

from conftest import article, run_hortus, visible_text

PUBLISH = "---\ndg-publish: true\n{}---\n"


def note(properties: str = "", body: str = "") -> str:
    return PUBLISH.format(properties) + body


BOOKS = {
    "Books/Dune.md": note("tags: [book]\nrating: 5\nauthor: Frank Herbert\n", "Dune.\n"),
    "Books/Emma.md": note("tags: [book, classic]\nrating: 3\n", "Emma. [mood:: calm]\n"),
    "Books/Ulysses.md": note("tags: [book/long]\nrating: 4\n", "- [ ] finish Ulysses\n"),
    "Books/Hidden.md": "---\ntags: [book]\nrating: 9\n---\nhidden-book-text\n- [ ] hidden-task\n",
}


def rows_of(html: str) -> list[str]:
    """The first cell of each body row of each query table on the page."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    return [
        visible_text(cell)
        for body in bodies
        for cell in re.findall(r"<tr><td>(.*?)</td>", body, re.S)
    ]


def test_dataview_table_list_and_task_show_the_selected_notes_in_order(build_vault) -> None:
    index = note(
        "",
        "```dataview\nTABLE rating AS Rating\nFROM #book\nSORT rating DESC\n```\n\n"
        "```dataview\nLIST\nFROM #classic\n```\n\n"
        "```dataview\nTASK\nFROM #book\n```\n\n"
        "Books: `= length(filter(list(1, 2, 3), (x) => x > 1))`.\n",
    )
    run = build_vault({**BOOKS, "Queries.md": index})
    assert run.code == 0, run.stderr
    page = article(run.page("/queries/"))
    assert rows_of(page) == ["Dune", "Ulysses", "Emma"]  # #book/long is under #book
    assert 'href="../books/dune/"' in page
    assert '<li><a class="internal" href="../books/emma/">Emma</a></li>' in page
    assert "finish Ulysses" in page and 'type="checkbox"' in page
    assert 'Books: <span class="query-inline">2</span>' in page
    assert "Hidden" not in page and "hidden" not in page


def test_a_base_file_has_a_page_with_every_view_and_embeds_show_one(build_vault) -> None:
    base = (
        'dg-publish: true\nfilters:\n  and:\n    - file.hasTag("book")\n'
        "formulas:\n  stars: 'rating * 2'\n"
        "views:\n  - type: table\n    name: Best first\n    order: [file.name, formula.stars]\n"
        "    sort:\n      - property: rating\n        direction: DESC\n"
        "  - type: cards\n    name: Shelf\n"
    )
    shelf = note("", "# Shelf\n\n![[Library.base#Shelf]]\n\n![[Library.base]]\n")
    run = build_vault({**BOOKS, "Library.base": base, "Shelf.md": shelf})
    assert run.code == 0, run.stderr
    own = article(run.page("/library/"))
    assert "Best first" in own and "Shelf" in own
    assert rows_of(own) == ["Dune", "Ulysses", "Emma"]
    assert "<td>10</td>" in own  # the formula: 5 * 2
    embedded = article(run.page("/shelf/"))
    assert embedded.count('class="query-card"') == 3  # #Shelf: the cards view
    assert rows_of(embedded) == ["Dune", "Ulysses", "Emma"]  # no view named: the first
    assert "Hidden" not in own + embedded


def test_an_empty_result_says_so_and_a_bad_query_shows_an_error_box(build_vault) -> None:
    index = note(
        "",
        "# Queries\n\n```dataview\nLIST FROM #nothing\n```\n\n"
        "```dataview\nTABLE rating\nWHERE rating >\n```\n\n"
        "```dataviewjs\ndv.list([1, 2])\n```\n\n"
        "> [!note] Unread\n> ```dataview\nLIST FROM #book\n> ```\n",
    )
    run = build_vault({**BOOKS, "Queries.md": index})
    assert run.code == 0, run.stderr
    page = article(run.page("/queries/"))
    assert "No results to show." in page
    assert 'class="query-error" role="alert"' in page and "unexpected end" in page
    assert "does not run JavaScript" in page and "dv.list" in visible_text(page)
    assert "Queries.md:12: warning: query failed: line 2: unexpected end" in run.stderr
    assert "Queries.md:15: warning: dataviewjs blocks are JavaScript" in run.stderr
    # A fence in a callout whose lines lack the `>` ends with the callout: empty, and said so.
    assert "Queries.md:21: warning: query failed: the block is empty; a query starts" in run.stderr
    strict = build_vault({**BOOKS, "Queries.md": index}, "--strict")
    assert strict.code == 1


def test_a_property_of_the_wrong_type_never_fails_the_build(build_vault) -> None:
    odd = note("tags: [book]\nrating: [not, a, number]\n", "Odd.\n")
    index = note("", "```dataview\nTABLE rating * 2 AS Twice\nFROM #book\nSORT rating\n```\n")
    run = build_vault({**BOOKS, "Books/Odd.md": odd, "Queries.md": index})
    assert run.code == 0, run.stderr
    assert rows_of(article(run.page("/queries/"))) == ["Emma", "Ulysses", "Dune"]


def test_now_is_the_build_date_fixed_by_source_date_epoch(tmp_path) -> None:
    project = tmp_path / "site"
    (project / "notes").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.hortus]\nlanguage = "en"\n', encoding="utf-8")
    (project / "notes" / "Today.md").write_text(
        note(
            "", 'Today is `= date(today)`; tomorrow `= dateformat(date(tomorrow), "yyyy-MM-dd")`.\n'
        ),
        encoding="utf-8",
    )
    epoch = {"SOURCE_DATE_EPOCH": "1700000000"}  # 2023-11-14 22:13:20 UTC
    outputs = []
    for out in ("one", "two"):
        proc = run_hortus("build", "--no-cache", "--out", out, cwd=project, env=epoch)
        assert proc.returncode == 0, proc.stderr
        outputs.append((project / out / "today" / "index.html").read_bytes())
    assert outputs[0] == outputs[1]
    text = visible_text(outputs[0].decode("utf-8"))
    assert "Today is November 14, 2023; tomorrow 2023-11-15." in text
