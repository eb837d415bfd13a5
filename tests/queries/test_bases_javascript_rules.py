"""Bases formulas follow JavaScript where Python differs (toFixed's rounding, negative
indexes, null in join), and a formula that cannot work fails alone, with a readable
message: its own cells are blank, the rest of the base is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from small_garden import garden_of, page

from conftest import article
from hortus.queries import (
    BaseResult,
    CardsResult,
    Empty,
    QueryFailure,
    Swatch,
    TableResult,
    Text,
    evaluate_expression,
    run_base,
)
from hortus.queries.values import QueryError

GARDEN = garden_of(
    page("Notes/Note.md", {"d": dt.datetime(2024, 1, 1), "cover": "#ff0000"}),
    page("Notes/Other.md", {"d": dt.datetime(2024, 3, 1), "cover": "#f00;background:url(x)"}),
)


def base(text: str):
    return evaluate_expression(text, "bases", GARDEN, "Notes/Note.md")


def run(text: str) -> BaseResult:
    result = run_base(text, GARDEN, "Notes/Note.md", GARDEN.page("Notes/Note.md"))
    assert isinstance(result, BaseResult), result
    return result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(2.5).toFixed(0)", "3"),
        ("(-2.5).toFixed(0)", "-3"),
        ("(0.125).toFixed(2)", "0.13"),
        ("(1.005).toFixed(2)", "1.00"),  # 1.00499999999999989... in binary
        ("(3.14159).toFixed(2)", "3.14"),
        ("(5).toFixed()", "5"),
        ("(1/0).toFixed(2)", "Infinity"),
        ("(-1/0).toFixed(2)", "-Infinity"),
        ("(0/0).toFixed(2)", "NaN"),
        ("(1e21).toFixed(2)", "1e+21"),
        ("(1e20).toFixed(1)", "100000000000000000000.0"),
    ],
)
def test_to_fixed_rounds_as_javascript_does(text: str, expected: str) -> None:
    assert base(text) == expected


def test_a_negative_index_is_nothing_and_join_writes_null_as_nothing() -> None:
    assert base("[1, 2][-1]") is None
    assert base('"ab"[-1]') is None
    assert base("[1, 2][1]") == 2
    assert base('[1, null].join(",")') == "1,"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2].filter()", "filter() needs 1 argument"),
        ("[1, 2].map()", "map() needs 1 argument"),
        ("[1, 2].reduce()", "reduce() needs 1 argument"),
        ('"abc".contains()', "contains() needs 1 argument"),
        ("date()", "date() needs 1 argument"),
        ("if(true)", "if() needs 2 arguments"),
    ],
)
def test_too_few_arguments_is_said_in_words(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        base(text)
    assert str(caught.value) == message


def test_absurd_nesting_is_said_in_words() -> None:
    with pytest.raises(QueryError, match=r"^expression nested too deep$"):
        base("!" * 3000 + "true")
    text = f"formulas:\n  deep: '{'!' * 3000}true'\nviews:\n  - type: table\n"
    nested = run_base(text, GARDEN, "Notes/Note.md", None)
    assert nested == QueryFailure("expression nested too deep")


def test_a_formula_called_with_too_few_arguments_blanks_only_its_cells() -> None:
    text = """
filters: 'file.basename == "Note"'
formulas:
  ok: '1 + 1'
  bad: '[1, 2].filter()'
views:
  - type: table
    order: [formula.ok, formula.bad]
"""
    table = run(text).views[0].body
    assert isinstance(table, TableResult)
    assert table.groups[0].rows == ((Text("2"), Empty(False)),)


def test_summaries_with_nothing_to_summarise_are_empty_and_range_spans_the_dates() -> None:
    text = """
views:
  - type: table
    order: [file.name, n, d]
    summaries:
      n: Max
      d: Range
"""
    table = run(text).views[0].body
    assert isinstance(table, TableResult)
    # 2024-01-01 to 2024-03-01: 60 days, in milliseconds as `date - date` gives them
    assert table.summaries == (None, None, Text("Range 5184000000"))


def test_a_hex_colour_as_card_image_is_a_swatch_and_nothing_else_is() -> None:
    text = "views:\n  - type: cards\n    image: note.cover\n    sort: [{property: file.name}]\n"
    cards = run(text).views[0].body
    assert isinstance(cards, CardsResult)
    covers = {card.title.label: card.image for card in cards.groups[0][1]}
    assert covers == {"Note": Swatch("#ff0000"), "Other": None}


PUBLISH = "---\ndg-publish: true\n{}---\n"
SHOWN = """
```base
filters: 'file.inFolder("Shelf")'
formulas:
  ok: '1 + 1'
  bad: '[1, 2].filter()'
  fixed: '(0.125).toFixed(2)'
  last: '[1, 2][-1]'
  joined: '[1, null].join(",")'
views:
  - type: table
    name: Table
    order: [file.name, formula.ok, formula.bad, formula.fixed, formula.last, formula.joined, n, d]
    sort: [{property: file.name}]
    summaries:
      n: Max
      d: Range
  - type: cards
    name: Cards
    image: note.cover
    sort: [{property: file.name}]
```
"""


def test_what_a_reader_sees_of_these_formulas_summaries_and_covers(build_vault) -> None:
    run = build_vault(
        {
            "Shown.md": PUBLISH.format("") + SHOWN,
            "Shelf/Red.md": PUBLISH.format('d: 2024-01-01\ncover: "#ff0000"\n'),
            "Shelf/Sly.md": PUBLISH.format('d: 2024-03-01\ncover: "#f00;background:url(x)"\n'),
        }
    )
    assert run.code == 0, run.stderr
    html = article(run.page("/shown/"))
    assert "cannot evaluate" not in html and "Error" not in html
    row = '<td><a class="internal" href="../shelf/red/">Red</a></td>'
    assert row + "<td>2</td><td></td><td>0.13</td><td></td><td>1,</td><td></td>" in html
    assert (
        '<tr class="query-summary"><td></td><td></td><td></td><td></td><td></td><td></td>' in html
    )
    assert "<td>Range 5184000000</td></tr>" in html and "null" not in html
    cover = '<div class="query-card-cover" style="background-color:#ff0000"></div>'
    assert html.count("query-card-cover") == 1 and cover in html
    assert "url(x)" not in html
