"""Dataview queries over a small garden: the rows each query type gives, in order, for the
examples of Dataview's documentation (FROM, WHERE, SORT, GROUP BY, FLATTEN, LIMIT)."""

from __future__ import annotations

import datetime as dt

from small_garden import garden_of, page

from hortus.queries import (
    Empty,
    Items,
    LinkTo,
    ListResult,
    Markdown,
    QueryFailure,
    TableResult,
    Text,
    run_dataview,
)
from hortus.queries.summary import ListItemSummary
from hortus.queries.values import Link

GARDEN = garden_of(
    page("Games/League of Legends.md", {"type": "game", "started": dt.datetime(2021, 5, 16)},
         tags=["#games/moba"]),
    page("Games/Pillars of Eternity 2.md", {"type": "game", "started": dt.datetime(2022, 4, 21),
         "authors": ["Obsidian", "Josh"]}, tags=["#games/crpg"]),
    page("Games/finished/Stardew Valley.md", {"type": "game", "started": dt.datetime(2021, 4, 4),
         "rating": "n/a"}, tags=["#games/simulation"]),
    page("Baking/Recipes/Classic Cheesecake.md", {"type": "recipe", "rating": 4}),
    page("Coding/Git Basics.md", {"type": "knowledge", "rating": 7},
         links=[Link("Games/League of Legends.md", None, "/games/league-of-legends/")],
         inlinks=["Dashboard.md"]),
    page("Dashboard.md", {"type": "moc"},
         links=[Link("Coding/Git Basics.md", None, "/coding/git-basics/")]),
)  # fmt: skip


def run(text: str, source: str = "Dashboard.md"):
    return run_dataview(text, GARDEN, source, GARDEN.page(source))


def labels(result: ListResult) -> list[str]:
    return [item.label for group in result.groups for item, _ in group.rows]


def test_list_from_tags_or() -> None:
    result = run("LIST\nFROM #games/moba OR #games/crpg")
    assert labels(result) == ["League of Legends", "Pillars of Eternity 2"]


def test_list_from_a_parent_tag_takes_nested_tags() -> None:
    result = run("LIST FROM #games SORT file.name ASC")
    assert labels(result) == ["League of Legends", "Pillars of Eternity 2", "Stardew Valley"]


def test_list_from_folder_and_not() -> None:
    result = run('LIST FROM "Games" and -#games/crpg')
    assert labels(result) == ["League of Legends", "Stardew Valley"]


def test_list_with_a_value_and_without_id() -> None:
    result = run('LIST file.folder FROM "Games"')
    assert result.groups[0].rows[2] == (
        LinkTo("Stardew Valley", "/games/finished/stardew-valley/"),
        Markdown("Games/finished"),
    )
    bare = run('LIST WITHOUT ID type FROM "Games"')
    assert [item for item, _ in bare.groups[0].rows] == [Markdown("game")] * 3


def test_table_with_headings_sort_and_limit() -> None:
    result = run(
        'TABLE started AS "Started", file.folder AS Path\nFROM #games\nSORT started DESC\nLIMIT 2'
    )
    assert isinstance(result, TableResult)
    assert result.columns == ("File", "Started", "Path")
    assert result.count == 2
    first, second = result.groups[0].rows
    assert first[0].label == "Pillars of Eternity 2" and first[1] == Text("April 21, 2022")
    assert second[0].label == "League of Legends"


def test_a_field_read_as_a_date_and_a_call_without_arguments() -> None:
    # `date(started)` reads the field (only `today`, `sow` and the like are words of their
    # own); `list()` is a call with nothing between its brackets.
    result = run(
        "TABLE date(started) AS Began, length(list()) AS None\nFROM #games\nSORT file.name"
    )
    assert isinstance(result, TableResult)
    assert [row[1] for row in result.groups[0].rows][:2] == [
        Text("May 16, 2021"),
        Text("April 21, 2022"),
    ]
    assert result.groups[0].rows[0][2] == Text("0")


def test_table_without_id() -> None:
    result = run('TABLE WITHOUT ID file.link AS "Game" FROM #games SORT file.name')
    assert result.columns == ("Game",)
    assert result.groups[0].rows[0][0].label == "League of Legends"


def test_sorting_mixed_types_puts_null_first_then_types_by_name() -> None:
    # rating: 7, 4, "n/a" and three pages without one. Dataview orders null first, then
    # values by the name of their type: number before string.
    result = run("TABLE rating SORT rating ASC, file.name ASC")
    ratings = [row[1] for row in result.groups[0].rows]
    assert ratings[:3] == [Empty(True)] * 3
    assert ratings[3:] == [Text("4"), Text("7"), Markdown("n/a")]


def test_group_by_lists_the_keys_and_table_names_the_group_column() -> None:
    listed = run("LIST\nGROUP BY type")
    assert [item for item, _ in listed.groups[0].rows] == [
        Markdown(t) for t in ("game", "knowledge", "moc", "recipe")
    ]
    result = run("TABLE length(rows) AS Count GROUP BY type")
    assert result.columns == ("type", "Count")
    assert result.groups[0].rows[0] == (Markdown("game"), Text("3"))


def test_grouped_list_of_row_links() -> None:
    result = run('LIST rows.file.link FROM "Games" GROUP BY type')
    key, value = result.groups[0].rows[0]
    assert key == Markdown("game")
    assert isinstance(value, Items) and len(value.items) == 3


def test_flatten_gives_a_row_per_element() -> None:
    result = run("TABLE authors FROM #games/crpg FLATTEN authors")
    assert [row[1] for row in result.groups[0].rows] == [Markdown("Obsidian"), Markdown("Josh")]


def test_from_links_to_and_outgoing() -> None:
    assert labels(run("LIST FROM [[Git Basics]]")) == ["Dashboard"]
    assert labels(run("LIST FROM outgoing([[Git Basics]])")) == ["League of Legends"]
    assert labels(run("LIST FROM [[]]", source="Coding/Git Basics.md")) == ["Dashboard"]


def test_where_with_this() -> None:
    result = run("LIST WHERE type = this.type", source="Coding/Git Basics.md")
    assert labels(result) == ["Git Basics"]


def test_an_empty_result_is_a_result() -> None:
    result = run("LIST FROM #nothing")
    assert isinstance(result, ListResult) and result.count == 0


def test_a_query_that_cannot_be_read_fails_with_its_line() -> None:
    result = run("LIST\nWHERE rating >")
    assert isinstance(result, QueryFailure)
    assert result.message.startswith("line 2:")


def test_a_row_that_fails_is_left_out_unless_every_row_fails() -> None:
    # `rating - 1` fails for the text "n/a": that row is left out.
    result = run("TABLE rating - 1 AS Less WHERE rating")
    assert [row[1] for row in result.groups[0].rows] == [Text("3"), Text("6")]
    failed = run("TABLE file.name + date(today) * 2")
    assert isinstance(failed, QueryFailure)
    assert "Every row" in failed.message


def task(line: int, status: str | None, text: str, parent: int | None = None, **fields):
    return ListItemSummary(
        line=line, status=status, text=text, parent=parent,
        children=tuple(c for c in CHILDREN.get(line, ())), fields=fields, tags=(), links=(),
        section=None, token=-1,
    )  # fmt: skip


CHILDREN = {0: (1, 2, 3)}
HOUSE = page("House.md", {})
HOUSE.load_items = lambda: (
    task(0, " ", "clean up the house"),
    task(1, " ", "kitchen", 0),
    task(2, "x", "living room", 0),
    task(3, " ", "Bedroom", 0, urgent=True),
    task(5, "x", "Find out the transaction number"),
    task(6, None, "a plain list item"),
)
TASKS = garden_of(HOUSE)


def texts(items) -> list:
    return [(t.text, texts(t.children)) if t.children else t.text for t in items]


def test_task_keeps_children_under_a_matching_parent_and_lifts_a_lone_match() -> None:
    every = run_dataview("TASK", TASKS, "House.md", None)
    assert texts(every.groups[0].tasks) == [
        ("clean up the house", ["kitchen", "living room", "Bedroom"]),
        "Find out the transaction number",
    ]
    open_ = run_dataview("TASK WHERE !completed", TASKS, "House.md", None)
    assert texts(open_.groups[0].tasks) == [
        ("clean up the house", ["kitchen", "living room", "Bedroom"])
    ]
    urgent = run_dataview("TASK WHERE urgent", TASKS, "House.md", None)
    assert texts(urgent.groups[0].tasks) == ["Bedroom"]
    grouped = run_dataview("TASK WHERE completed GROUP BY file.link", TASKS, "House.md", None)
    assert grouped.groups[0].key == LinkTo("House", "/house/")


def test_wikilinks_in_text_values_are_resolved_from_the_querying_note() -> None:
    garden = garden_of(
        page("Stunned.md"),
        page("Spell.md", {"description": "Is [[Stunned]], [[stunned#Effects|dazed]], [[Gone]]."}),
    )
    query = 'TABLE description FROM "" WHERE file.name = "Spell"'
    result = run_dataview(query, garden, "Spell.md", garden.page("Spell.md"))
    cell = result.groups[0].rows[0][1]
    assert isinstance(cell, Markdown)
    assert cell.links == (
        ("[[Stunned]]", LinkTo("Stunned", "/stunned/")),
        ("[[stunned#Effects|dazed]]", LinkTo("dazed", "/stunned/#effects")),
        ("[[Gone]]", LinkTo("Gone", None)),  # no page: its text only
    )
