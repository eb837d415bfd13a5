"""Bases formulas follow JavaScript where Python differs (toFixed's rounding, negative
indexes, null in join), and a formula that cannot work fails alone, with a readable
message: its own cells are blank, the rest of the base is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from small_garden import garden_of, page

from hortus.queries import (
    BaseResult,
    evaluate_expression,
    run_base,
)

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
