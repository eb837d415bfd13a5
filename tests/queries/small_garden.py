"""A small garden of page summaries, made by hand, for the query tests: what the queries
stage would make of a vault, without building one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hortus.queries import Garden, PageSummary

TODAY = dt.datetime(2024, 3, 15)


def page(path: str, properties: dict[str, Any] | None = None, **extra: Any) -> PageSummary:
    properties = properties or {}
    tags = tuple(extra.pop("tags", ()))
    fields = {**properties, **extra.pop("fields", {})}
    return PageSummary(
        path=path,
        url="/" + path.removesuffix(".md").lower().replace(" ", "-") + "/",
        title=path.rpartition("/")[2].removesuffix(".md"),
        properties=properties,
        fields=fields,
        tags=tags,
        links_given=tuple(extra.pop("links", ())),
        aliases=(),
        mtime=extra.pop("mtime", dt.datetime(2024, 1, 1)),
        ctime=dt.datetime(2023, 6, 1),
        size=100,
        inlinks=tuple(extra.pop("inlinks", ())),
        **extra,
    )


def garden_of(*pages: PageSummary) -> Garden:
    by_path = {p.path: p for p in sorted(pages, key=lambda p: p.path)}
    names = {p.basename.casefold(): p.path for p in pages}

    def resolve(target: str, _source: str) -> str | None:
        return names.get(target.casefold().removesuffix(".md").rpartition("/")[2])

    garden = Garden(
        pages=by_path,
        resolve_name=resolve,
        today=TODAY,
        now=TODAY.replace(hour=9),
        targets={p.path: (p.url, p.title) for p in pages},
    )
    garden.index_tags()
    return garden
