"""Two notes, one URL: both published when the URL came from their paths, an early error when
two permalinks claim it. Through the command line, as a user meets it."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import article, run_hortus
from hortus.cache import short_digest

P = "---\ndg-publish: true\n---\n"
# A cell that leaves a mark when it runs: a build that stops before the cells leaves none.
MARKING_CELL = P + 'Runs a cell.\n\n```{python}\nopen("ran.txt", "w").write("ran")\n```\n'


def project(tmp_path: Path, files: dict[str, str], settings: str = "") -> Path:
    root = tmp_path / "site"
    for name, text in {**files, "../pyproject.toml": f"[tool.hortus]\n{settings}\n"}.items():
        path = root / "notes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_notes_whose_names_slug_alike_are_both_published_and_linked(build_vault) -> None:
    first, second = "RedShift - OLED Blue Light Filter", "RedShift: OLED Blue Light Filter"
    run = build_vault(
        {
            f"Tools/{first}.md": P + "the hyphen one\n",
            f"Tools/{second}.md": P + "the colon one\n",
            "Index.md": P + f"[[{first}]] and [[{second}]]\n\n![[{second}]]\n",
        }
    )
    assert run.code == 0, run.stderr
    # The first in path order (` ` sorts before `:`) keeps the URL; the other gets a variant
    # from its own path, the same in every build.
    kept = "/tools/redshift-oled-blue-light-filter/"
    moved = f"/tools/redshift-oled-blue-light-filter-{short_digest(f'Tools/{second}.md', 6)}/"
    assert "the hyphen one" in run.page(kept)
    assert "the colon one" in run.page(moved)
    assert (
        f"Tools/{second}.md: warning: URL {kept} is also the URL of Tools/{first}.md; "
        f"published at {moved} (a `permalink:` in either note chooses another)"
    ) in run.stderr
    links = article(run.page("/"))
    assert f'href="{kept[1:]}"' in links and f'href="{moved[1:]}"' in links
    assert "the colon one" in links  # the embed shows the note it names


def test_a_permalink_wins_over_a_url_from_a_path(build_vault) -> None:
    run = build_vault(
        {
            "Foo.md": P + "from the path\n",
            "Bar.md": "---\ndg-publish: true\npermalink: /foo/\n---\nchosen\n",
            "Links.md": P + "[[Foo]] [[Bar]]\n",
        }
    )
    assert run.code == 0, run.stderr
    assert "chosen" in run.page("/foo/")
    moved = f"/foo-{short_digest('Foo.md', 6)}/"
    assert "from the path" in run.page(moved)
    assert f"Foo.md: warning: URL /foo/ is also the URL of Bar.md; published at {moved}" in (
        run.stderr
    )
    links = article(run.page("/links/"))
    assert f'href="../{moved[1:]}"' in links and 'href="../foo/"' in links


def test_a_private_note_never_takes_a_url_nor_is_named(build_vault) -> None:
    run = build_vault({"A b.md": P + "public\n", "a-B.md": "SECRET-CLASH\n"})
    assert run.code == 0, run.stderr
    assert "public" in run.page("/a-b/")
    assert "a-B" not in run.stderr and " 0 warnings" in run.stderr


def test_two_permalinks_of_one_url_fail_before_any_expensive_stage(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "a.md": "---\ndg-publish: true\npermalink: /same/\n---\none\n",
            "sub/b.md": "---\ndg-publish: true\ntitle: B\npermalink: same\n---\ntwo\n",
            "cell.md": MARKING_CELL,
        },
    )
    run = run_hortus("build", cwd=root, env={"HORTUS_TIMINGS": "1"})
    assert run.returncode == 1
    assert (
        "sub/b.md:4: error: URL /same/ is also the URL of a.md:3; change one of the permalinks"
    ) in run.stderr
    # Stopped after reading the vault: no note parsed, no cell run, no page written.
    stages = re.search(r"seconds by stage: (.*)", run.stderr)
    assert stages is not None
    assert [s.split()[0] for s in stages.group(1).split(", ")] == ["snapshot", "vault"]
    assert not (root / "notes" / "ran.txt").exists()
    assert not (root / "public").exists()


def test_strict_fails_on_a_frontmatter_warning_before_running_cells(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {"bad.md": "---\ndg-publish: true\ntitle: {a: 1}\n---\nx\n", "cell.md": MARKING_CELL},
    )
    run = run_hortus("build", "--strict", cwd=root)
    assert run.returncode == 1
    assert "bad.md:3: error: `title` should be text, not a mapping; ignored" in run.stderr
    assert not (root / "notes" / "ran.txt").exists()
    # Without --strict the same vault builds, and the cell runs.
    assert run_hortus("build", cwd=root).returncode == 0
    assert (root / "notes" / "ran.txt").read_text(encoding="utf-8") == "ran"


def test_a_failed_check_stops_early_too(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "a.md": "---\ndg-publish: true\npermalink: /same/\n---\none\n",
            "b.md": "---\ndg-publish: true\npermalink: /same/\n---\ntwo\n",
            "cell.md": MARKING_CELL,
        },
    )
    run = run_hortus("check", cwd=root)
    assert run.returncode == 1
    assert "b.md:3: error: URL /same/ is also the URL of a.md:3" in run.stderr
    assert not (root / "notes" / "ran.txt").exists()


def test_a_note_never_takes_the_place_of_a_file_the_site_writes(build_vault) -> None:
    """`/404.html/` as a note's page would be a folder where the 404 page is written."""
    run = build_vault(
        {
            "A.md": "---\ndg-publish: true\npermalink: /404.html\n---\nA [[feed.xml]]\n",
            "feed.xml.md": P + "the feed note\n",
        }
    )
    assert run.code == 0, run.stderr
    assert "A.md:3: warning: permalink '/404.html' is a file the site writes itself" in run.stderr
    assert (run.out / "404.html").is_file()
    assert "A [[feed.xml]]" not in article(run.page("/a/"))
    assert "the feed note" in article(run.page("/feed-xml/"))
    assert 'href="../feed-xml/"' in article(run.page("/a/"))
    assert (run.out / "feed.xml").is_file()
