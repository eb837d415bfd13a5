"""Pagefind's service, fed page by page: every page handed over is in the index written, under
the id returned for it, and a page costs no wait for Pagefind's answer to the one before."""

from __future__ import annotations

import time
from pathlib import Path

from hortus.site import pagefind_binary, run_pagefind
from search_harness import decoded


def test_many_pages_are_indexed_without_a_wait_per_page(tmp_path: Path) -> None:
    pages = [
        (f"/p{i}/", f'<html lang="en"><body><article data-pagefind-body>page{i} wordsmith'
         f"</article></body></html>")
        for i in range(300)
    ]  # fmt: skip
    started = time.perf_counter()
    ids = run_pagefind(pagefind_binary(), iter(pages), tmp_path / "bundle", "en")
    # Pagefind's own Python client reads one answer per tenth of a second: 30 s here.
    assert time.perf_counter() - started < 15
    assert sorted(ids) == sorted(url for url, _ in pages)
    fragment = decoded(tmp_path / "bundle" / "fragment" / f"{ids['/p7/']}.pf_fragment")
    assert b'"url":"/p7/"' in fragment and b"page7 wordsmith" in fragment
    assert (tmp_path / "bundle" / "pagefind.js").is_file()
    assert not (tmp_path / "bundle" / "pagefind-ui.js").exists()  # not used by the theme
