"""The home page: the note the writer marked as the entrance, else the note a vault not made
for hortus plainly means as one (`index`, `Home` or `README` at its root), else none, and `/`
lists the top level of the garden. Only published notes are considered."""

from __future__ import annotations

from hortus.diagnostics import Diagnostics
from hortus.vault.notes import HomeChoice, Note, Vault

# Names of a root note taken as the home page when none is marked, in this order.
HOME_NAMES = ("index", "home", "readme")


def pick_home(vault: Vault, diagnostics: Diagnostics) -> HomeChoice:
    """Mark one note as the home page and publish it at `/` (see above)."""
    homes = [n for n in vault.notes if n.home]
    reason = "tagged gardenEntry"
    if not homes:
        homes = [n for n in vault.notes if n.published and n.page and n.url == "/"]
        reason = "permalink /"
    if not homes:
        homes = _named_home(vault)
        reason = "at the vault root; tag a note gardenEntry to choose"
    if not homes:
        choose = "tag a note gardenEntry, or put index.md, Home.md or README.md at the root"
        return HomeChoice(None, f"{choose}, to choose")
    for extra in homes[1:]:
        extra.home = False
        diagnostics.warn(
            str(extra.path), None, "home",
            f"more than one garden entry; {homes[0].path} is the home page",
        )  # fmt: skip
    home = homes[0]
    home.home = True
    if home.permalink_line is not None:
        # The permalink stays the canonical URL; `/` serves the same page.
        if home.url != "/":
            home.extra_urls = ("/",)
    else:
        home.url = "/"
    if home.frontmatter.get("dg-home") is True:
        reason = "dg-home: true"
    return HomeChoice(home.path, reason)


def _named_home(vault: Vault) -> list[Note]:
    """The first published root note named `index`, else `Home`, else `README` (any case)."""
    at_root = [n for n in vault.notes if n.published and n.page and len(n.path.parts) == 1]
    for name in HOME_NAMES:
        found = [n for n in at_root if n.path.stem.casefold() == name]
        if found:
            return found[:1]
    return []
