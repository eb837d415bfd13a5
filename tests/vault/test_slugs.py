"""Slugs: readable in every script, and nothing in them that a reader cannot see."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hortus.vault import heading_slug, slugify, tag_url

# What shows nothing: variation selectors, joiners, spaces of no width, marks of direction.
INVISIBLE = [
    "\ufe0f", "\ufe0e", "\U000e0100", "\u180b", "\u034f", "\u200d", "\u200c", "\u200b",
    "\ufeff", "\u2060", "\u200e", "\u202e", "\u00ad", "\u3164",
]  # fmt: skip


def shows_nothing(char: str) -> bool:
    return char in INVISIBLE or unicodedata.category(char) == "Cf"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("🗂️ hub", "hub"),  # U+1F5C2 U+FE0F: the selector must not lead the URL
        ("👨‍👩‍👧 Family", "family"),  # joined by ZWJ
        ("#️⃣ Keycap", "keycap"),  # the keycap mark goes with the `#` it was written on
        ("a\u200bb", "ab"),
        ("\ufeffByte order", "byte-order"),
        ("Gradient Descent 梯度下降", "gradient-descent-梯度下降"),
        ("हिन्दी पाठ", "हिन्दी-पाठ"),  # Devanagari vowel signs are marks of their letters
        ("Ελληνικά", "Ελληνικά"),
        ("- dashes -", "dashes"),
        ("--", slugify("--")),  # nothing left: a hash, never an empty or hyphen-led segment
    ],
)
def test_slug_examples(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_emoji_only_names_get_a_hash_that_ignores_invisible_characters() -> None:
    assert slugify("🌱") == slugify("🌱\ufe0f") != slugify("🌵")
    assert slugify("🌱").isalnum()


def test_heading_ids_and_tags_drop_invisible_characters_too() -> None:
    assert heading_slug("🗂️ Hub") == "-hub"
    assert tag_url("🗂️") == "/tags/🗂/" == tag_url("🗂")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40), st.lists(st.sampled_from(INVISIBLE), max_size=4), st.data())
def test_slugs_hold_nothing_invisible_and_ignore_it(text, invisible, data) -> None:
    slug = slugify(text)
    assert slug and slug == slugify(text)
    assert not any(shows_nothing(c) for c in slug), repr(slug)
    assert not slug.startswith(("-", ".")) and not slug.endswith(("-", "."))
    # The same name with invisible characters anywhere in it has the same URL.
    spiked = text
    for char in invisible:
        at = data.draw(st.integers(0, len(spiked)))
        spiked = spiked[:at] + char + spiked[at:]
    assert slugify(spiked) == slug


# Letters that show; Hangul fillers are letters by category, yet blank.
letters = st.characters(
    categories=["Lu", "Ll", "Lo"], exclude_characters="\u115f\u1160\u3164\uffa0"
)
WINDOWS_DEVICES = {"con", "prn", "aux", "nul"}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(letters, min_size=1, max_size=6), min_size=1, max_size=4))
def test_letters_of_every_script_are_kept(words) -> None:
    name = " ".join(words)
    expected = unicodedata.normalize("NFC", name)
    expected = "".join(c.lower() if c.isascii() else c for c in expected).replace(" ", "-")
    assume(expected not in WINDOWS_DEVICES)  # those get a `_` (tested with file names)
    assert slugify(name) == expected
