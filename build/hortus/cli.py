"""`hortus build`: exit 0 when the site was built, 1 when it was not, 2 on bad usage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hortus import __version__
from hortus.build import build_site
from hortus.config import find_root, load_settings
from hortus.diagnostics import BuildError

# How many warnings of one kind are printed before the rest go to the summary count.
SHOWN_PER_KIND = 10


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hortus", description="Publish an Obsidian vault.")
    parser.add_argument("--version", action="version", version=f"hortus {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the site into the output folder")
    build.add_argument("--notes", type=Path, default=None, help="the vault (default: notes/)")
    build.add_argument("--out", type=Path, default=None, help="output folder (default: public/)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        # Chinese file names must print even where the locale is not UTF-8.
        stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        root = find_root(Path.cwd())
        settings = load_settings(root)
        notes = args.notes or root / "notes"
        out = args.out or root / "public"
        result = build_site(settings, notes, out, strict=args.strict or settings.strict)
    except BuildError as exc:
        print(f"hortus: error: {exc}", file=sys.stderr)
        return 1
    _report(result.diagnostics.items)
    print(result.summary(), file=sys.stderr)
    return 0 if result.built else 1


def _report(items: list) -> None:
    shown: dict[str, int] = {}
    for item in sorted(items):
        shown[item.kind] = shown.get(item.kind, 0) + 1
        if shown[item.kind] <= SHOWN_PER_KIND or item.severity.value == "error":
            print(str(item), file=sys.stderr)
    for kind, count in sorted(shown.items()):
        if count > SHOWN_PER_KIND:
            print(f"hortus: ... and {count - SHOWN_PER_KIND} more {kind} warnings", file=sys.stderr)
