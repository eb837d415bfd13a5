"""The expression languages of Dataview and Bases, evaluated as their documentation says:
operators, functions, fields, mixed types, missing values, dates and durations."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from small_garden import TODAY, garden_of, page

from hortus.queries import evaluate_expression
from hortus.queries.values import Duration, Link, QueryError

GARDEN = garden_of(
    page(
        "books/Dune.md",
        {
            "rating": 5,
            "price": 9.5,
            "age": 2,
            "status": "reading",
            "started": dt.datetime(2021, 5, 16),
        },
        tags=["#book", "#scifi/classic"],
        fields={"mood": "great", "due-date": dt.datetime(2024, 4, 1)},
    ),
    page("books/Emma.md", {"rating": 3, "tags": ["book"]}, tags=["#book"]),
    page("Home.md", {}, links=[Link("books/Dune.md", None, "/books/dune/")]),
)


def dv(text: str, row: str | None = "books/Dune.md"):
    return evaluate_expression(text, "dataview", GARDEN, row)


def base(text: str, row: str | None = "books/Dune.md"):
    return evaluate_expression(text, "bases", GARDEN, row)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 % 4", 3),
        ('"a" + 1', "a1"),
        ('"ab" * 3', "ababab"),
        ("rating > 4 and price < 10", True),
        ('rating > 4 AND status = "done"', False),
        ("!(rating = 5)", False),
        ("mood", "great"),
        ("due-date.month", 4),
        ("file.name", "Dune"),
        ("file.folder", "books"),
        ("file.ext", "md"),
        ('contains(file.tags, "#scifi")', True),
        ('contains(file.etags, "#scifi")', True),  # contains looks inside text elements
        ('econtains(file.etags, "#scifi")', False),
        ("length(file.etags)", 2),
        ("missing", None),
        ("[[Dune]].rating", 5),
        ("this.rating", 5),
        ("round(16.555555, 2)", 16.56),
        ('default(missing, "none")', "none"),
        ("sum(list(1, 2, 3))", 6),
        ("average([1, 2, 3])", 2),
        ("min(3, 1, 2)", 1),
        ("filter([1, 2, 3], (x) => x >= 2)", [2, 3]),
        ('map(["yes", "no"], (x) => x + "?")', ["yes?", "no?"]),
        ('reduce([100, 20, 3], "-")', 77),
        ('join(list(1, 2, 3), " ")', "1 2 3"),
        ('lower(["YES", "NO"])', ["yes", "no"]),
        ('regexreplace("Suite 1000", "\\d+", "-")', "Suite -"),
        ('regexmatch("\\w+", "hello")', True),
        ('split("hello there world", " ", 2)', ["hello", "there"]),
        ('padleft("yes", 5, "!")', "!!yes"),
        ('truncate("Hello there!", 8)', "Hello..."),
        ('choice(rating > 4, "yes", "no")', "yes"),
        ("typeof(date(2020-01-01))", "date"),
        ("typeof(dur(8 minutes))", "duration"),
        ("typeof([1, 2])", "array"),
        ('number("18 years")', 18),
        ("string(date(2021-08-15))", "August 15, 2021"),
        ('dateformat(date(2022-01-05), "yyyy-MM-dd")', "2022-01-05"),
        ("date(today)", TODAY),
        ("date(started)", dt.datetime(2021, 5, 16)),  # a field's date, not a relative word
        ("date(due-date).month", 4),
        ("date(tomorrow) - date(today) = dur(1 day)", True),
        ("date(2021-04-18) + dur(1 month)", dt.datetime(2021, 5, 18)),
        ("dur(1 s, 2 m, 3 h)", Duration(0, 0, 0, 10921)),
        ("string(date(2022-09-01) - date(2021-05-16))", "1 year, 3 months, 2 weeks, 2 days"),
        ("flat(list(1, list(2, 3)))", [1, 2, 3]),
        ('sort(list("b", "a", "aa"))', ["a", "aa", "b"]),
        ("unique([1, 3, 7, 3, 1])", [1, 3, 7]),
        ("any(list(1, 2, 3), (x) => x > 2)", True),
        ("meta([[Dune#Plot]]).subpath", "Plot"),
        ('econtains(["this", "is"], "is")', True),
        ('icontains("Hello", "lo")', True),
        ('extract(object("a", 1, "b", 2), "a")', {"a": 1}),
    ],
)
def test_dataview_expression(text: str, expected: object) -> None:
    assert dv(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('file.hasTag("book")', True),
        ('file.hasTag("scifi")', True),  # a nested tag counts for its parent
        ('file.hasTag("sci")', False),
        ('file.inFolder("books")', True),
        ('file.inFolder("book")', False),
        ("file.name", "Dune.md"),
        ("file.basename", "Dune"),
        ('file.hasProperty("price")', True),
        ('file.hasLink("Dune")', False),
        ("(price / age).toFixed(2)", "4.75"),
        ('if(price, price.toFixed(2) + " dollars")', "9.50 dollars"),
        ('if(missing, "yes")', None),
        ('rating > 4 && !(status == "done")', True),
        ('status != "done" || rating < 1', True),
        ('note["rating"] * 2', 10),
        ("missing > 3", False),  # a missing property passes no comparison
        ("missing < 3", False),
        ('"5" == 5', True),
        ("[1, 2, 3].filter(value > 2)", [3]),
        ("[1, 2, 3, 4].map(value + 1)", [2, 3, 4, 5]),
        ("[1, 2, 3].reduce(acc + value, 0)", 6),
        ("[1, [2, 3]].flat()", [1, 2, 3]),
        ('[1, 2, 3].join(",")', "1,2,3"),
        ("[3, 1, 2].sort()", [1, 2, 3]),
        ("[1, 2, 2, 3].unique()", [1, 2, 3]),
        ("[1, 2, 3].containsAll(2, 3)", True),
        ("[1, 2, 3].containsAny(3, 4)", True),
        ('"a:b:c:d".replace(/:/, "-")', "a-b:c:d"),
        ('"a:b:c:d".replace(/:/g, "-")', "a-b-c-d"),
        ('"John Smith".replace(/(\\w+) (\\w+)/, "$2, $1")', "Smith, John"),
        ('"a,b,c,d".split(",", 3)', ["a", "b", "c"]),
        ('"hello world".title()', "Hello World"),
        ('"hello".slice(1, 4)', "ell"),
        ('"  hi  ".trim()', "hi"),
        ('"hello".containsAny("x", "y", "e")', True),
        ("(2.5).round()", 3),
        ("(2.3333).round(2)", 2.33),
        ("(-5).abs()", 5),
        ("1.isTruthy()", True),
        ('"example".isType("string")', True),
        ("123.toString()", "123"),
        ('{"a": 1, "b": 2}.keys()', ["a", "b"]),
        ('/abc/.matches("abcde")', True),
        ('date("2024-12-01") + "1M" + "4h" + "3m"', dt.datetime(2025, 1, 1, 4, 3)),
        ('(date("2024-01-02") - date("2024-01-01"))', 86_400_000),
        ('today() + "7d"', TODAY + dt.timedelta(days=7)),
        ('date("2025-05-27").format("YYYY-MM-DD")', "2025-05-27"),
        ('date("2025-05-27 10:30:00").time()', "10:30:00"),
        ("now().date() == today()", True),
        ("started.year", 2021),
        ('list("value")', ["value"]),
        ("max(1, 5, 3)", 5),
        ('number("3.4")', 3.4),
        ('duration("1d") * 2', Duration(0, 0, 2, 0)),
        ("this.file.name", "Dune.md"),
        ("file.tags.length", 2),
    ],
)
def test_bases_expression(text: str, expected: object) -> None:
    assert base(text) == expected


def test_a_link_in_dataview_reads_the_page_it_names() -> None:
    assert dv("[[Dune]].rating + [[Emma]].rating", row="Home.md") == 8


def test_a_private_or_missing_page_reads_as_nothing() -> None:
    # Only published pages are in the garden: a link to anything else yields no fields.
    assert dv("[[Secret]].rating", row="Home.md") is None
    assert base('file.hasLink("Secret")', row="Home.md") is False


@pytest.mark.parametrize(
    ("dialect", "text", "message"),
    [
        ("dataview", "1 +", "unexpected end"),
        ("dataview", "nosuchfunction(1)", "Unrecognized function name 'nosuchfunction'"),
        ("dataview", "rating + date(today)", "No implementation found for 'number + date'"),
        ("dataview", "missing + 1", "No implementation found for 'null + number'"),
        ("dataview", "sum(rating, rating)", "No implementation of 'sum' found for 2 arguments"),
        ("bases", "file.hasTag(", "unexpected end"),
        ("bases", '"a".nosuch()', "string has no function nosuch()"),
        ("bases", 'date("next tuesday")', "date() cannot read"),
        ("bases", 'today() + "soon"', "is not a duration"),
    ],
)
def test_errors_say_what_is_wrong(dialect: str, text: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        evaluate_expression(text, dialect, GARDEN, "books/Dune.md")


def test_random_is_the_same_on_every_evaluation_of_the_same_base() -> None:
    first = [base("random()") for _ in range(3)]
    assert first[0] == first[1] == first[2]
    assert 0 <= first[0] < 1
