"""The garden's claims page lists every claim, wherever in a note it was made."""

from __future__ import annotations

import json

from conftest import visible_text


def test_a_claim_made_in_an_inline_value_is_listed_and_linked_to_its_note(build_vault) -> None:
    run = build_vault(
        {
            "T.md": "---\ntitle: T\n---\n"
            "Value `{python} claim('one is one', 1, 1)` here.\n\n"
            "```{python}\nclaim('two is two', 2, 2)\n```\n",
        },
        settings='publish = "all"',
    )
    assert run.code == 0, run.stderr
    page = run.page("/claims/")
    assert "one is one" in visible_text(page)
    assert 'href="../t/"' in page  # the inline claim links to its note's page
    assert 'href="../t/#cell-1"' in page  # a cell's claim links to its cell
    listed = json.loads((run.out / "claims.json").read_text(encoding="utf-8"))
    assert len(listed) == 2
