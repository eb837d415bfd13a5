"""Bases over a small garden: the base file format of Obsidian's help (filters, formulas,
properties, views with their own filters, order, sort, groupBy, limit and summaries)."""

from __future__ import annotations

import datetime as dt

from small_garden import garden_of, page

from hortus.queries import (
    BaseResult,
    CardsResult,
    Check,
    LinkTo,
    ListResult,
    QueryFailure,
    TableResult,
    Text,
    run_base,
)

GARDEN = garden_of(
    page("Reading/Dune.md", {"price": 9.5, "age": 2, "status": "reading", "done": False,
         "finished": dt.datetime(2024, 2, 1)}, tags=["#book"]),
    page("Reading/Emma.md", {"price": 4.0, "age": 4, "status": "done", "done": True,
         "finished": dt.datetime(2023, 7, 9)}, tags=["#book", "#classic"]),
    page("Reading/Textbook.md", {"price": 30, "age": 1, "status": "reading"},
         tags=["#book/text"]),
    page("Notes/Idea.md", {"status": "draft"}),
)  # fmt: skip

HELP_EXAMPLE = """
filters:
  or:
    - file.hasTag("book")
    - and:
        - file.hasTag("draft")
        - file.hasLink("Textbook")
formulas:
  formatted_price: 'if(price, price.toFixed(2) + " dollars")'
  ppu: "(price / age).toFixed(2)"
properties:
  status:
    displayName: Status
  formula.formatted_price:
    displayName: "Price"
  file.ext:
    displayName: Extension
views:
  - type: table
    name: "My table"
    limit: 10
    filters:
      and:
        - 'status != "done"'
        - or:
            - "formula.ppu > 5"
            - "price > 2.1"
    order:
      - file.name
      - file.ext
      - status
      - formula.ppu
      - formula.formatted_price
    sort:
      - property: price
        direction: DESC
    summaries:
      price: Average
"""


def run(text: str, source: str = "Notes/Idea.md") -> BaseResult:
    result = run_base(text, GARDEN, source, GARDEN.page(source))
    assert isinstance(result, BaseResult), result
    return result


def test_the_help_example() -> None:
    view = run(HELP_EXAMPLE).views[0]
    assert (view.name, view.kind) == ("My table", "table")
    table = view.body
    assert isinstance(table, TableResult)
    assert table.columns == ("file name", "Extension", "Status", "ppu", "Price")
    rows = table.groups[0].rows
    assert [row[0] for row in rows] == [
        LinkTo("Textbook", "/reading/textbook/"),
        LinkTo("Dune", "/reading/dune/"),
    ]
    assert rows[1][1:] == (Text("md"), Text("reading"), Text("4.75"), Text("9.50 dollars"))


def test_view_filters_join_the_base_filters_with_and() -> None:
    text = """
filters: 'file.inFolder("Reading")'
views:
  - type: list
    name: Done
    filters: 'done == true'
  - type: list
    name: All
"""
    done, every = run(text).views
    assert isinstance(done.body, ListResult)
    assert [item.label for item, _ in done.body.groups[0].rows] == ["Emma"]
    assert every.body.count == 3


def test_not_excludes_what_any_statement_matches() -> None:
    text = """
filters:
  not:
    - file.hasTag("classic")
    - 'status == "draft"'
views:
  - type: table
    name: T
"""
    table = run(text).views[0].body
    assert [row[0].label for row in table.groups[0].rows] == ["Dune", "Textbook"]


def test_group_by_sorts_the_groups_and_keeps_the_order_inside() -> None:
    text = """
views:
  - type: table
    name: By status
    filters: 'file.hasTag("book")'
    groupBy:
      property: status
      direction: DESC
    order: [file.name, price]
    sort:
      - property: price
        direction: ASC
"""
    table = run(text).views[0].body
    assert [g.key for g in table.groups] == [Text("reading"), Text("done")]
    assert [row[0].label for row in table.groups[0].rows] == ["Dune", "Textbook"]


def test_dates_and_booleans_are_shown_as_obsidian_shows_them() -> None:
    text = """
views:
  - type: table
    name: T
    filters: 'file.hasTag("book") && finished'
    order: [file.name, finished, done]
    sort: [{property: finished, direction: ASC}]
"""
    rows = run(text).views[0].body.groups[0].rows
    assert rows[0][1:] == (Text("2023-07-09"), Check(True))
    assert rows[1][1:] == (Text("2024-02-01"), Check(False))


def test_summaries_builtin_and_custom() -> None:
    text = """
summaries:
  twice: 'values.reduce(acc + value, 0) * 2'
views:
  - type: table
    name: T
    filters: 'price'
    order: [file.name, price, age]
    summaries:
      price: Max
      age: twice
"""
    table = run(text).views[0].body
    assert table.summaries == (None, Text("Max 30"), Text("twice 14"))


def test_cards_and_limit() -> None:
    text = """
views:
  - type: cards
    name: Shelf
    filters: 'file.hasTag("book")'
    order: [file.name, status]
    limit: 2
"""
    cards = run(text).views[0].body
    assert isinstance(cards, CardsResult)
    assert cards.count == 2
    first = cards.groups[0][1][0]
    assert first.title == LinkTo("Dune", "/reading/dune/")
    assert first.fields == (("status", Text("reading")),)


def test_this_is_the_note_showing_the_base() -> None:
    text = "views:\n  - type: list\n    name: Same\n    filters: 'status == this.status'\n"
    same = run(text, source="Reading/Emma.md").views[0].body
    assert [item.label for item, _ in same.groups[0].rows] == ["Emma"]


def test_broken_yaml_and_bad_statements_fail_with_a_message() -> None:
    broken = run_base("views: [\n", GARDEN, "Notes/Idea.md", None)
    assert isinstance(broken, QueryFailure) and "invalid YAML" in broken.message
    bad = run("views:\n  - type: table\n    name: T\n    filters: 'price >'\n")
    assert isinstance(bad.views[0].body, QueryFailure)
    assert "unexpected end" in bad.views[0].body.message


def test_a_property_of_another_type_leaves_the_page_out() -> None:
    # `status` is text on every page: `.round()` is no function of text, for every row.
    failing = run("views:\n  - type: table\n    name: T\n    filters: 'status.round() > 1'\n")
    assert isinstance(failing.views[0].body, QueryFailure)
    mixed = run("views:\n  - type: table\n    name: T\n    filters: 'price.round() > 5'\n")
    assert [r[0].label for r in mixed.views[0].body.groups[0].rows] == ["Dune", "Textbook"]
