"""`hortus build`: exit 0 when the site was built, 1 when it was not, 2 on bad usage."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from hortus import __version__
from hortus.build import build_site
from hortus.config import find_root, load_settings
from hortus.diagnostics import BuildError, Diagnostic, Severity, write_report

# How many warnings of one kind are printed before the rest go to the summary count.
SHOWN_PER_KIND = 10
REPORT = Path(".hortus") / "report.json"


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
    except KeyboardInterrupt:
        print("hortus: interrupted; the previous site is untouched", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: one line, the previous site kept
        if os.environ.get("HORTUS_DEBUG"):
            raise
        print(
            f"hortus: internal error: {type(exc).__name__}: {exc} "
            "(the previous site is untouched; set HORTUS_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return 1
    report = write_report(root / REPORT, result.diagnostics.items)
    _print_diagnostics(result.diagnostics.items, report)
    print(result.summary(), file=sys.stderr)
    return 0 if result.built else 1


def _print_diagnostics(items: list[Diagnostic], report: Path | None) -> None:
    """Every error, the first few problems of each kind, then counts by kind: a vault with
    hundreds of broken links gets a readable summary, and the full list is in the report."""
    seen: Counter[str] = Counter()
    for item in sorted(items):
        seen[item.kind] += 1
        if seen[item.kind] <= SHOWN_PER_KIND or item.severity is Severity.ERROR:
            print(str(item), file=sys.stderr)
    hidden = sum(max(0, n - SHOWN_PER_KIND) for n in seen.values())
    if seen:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(seen.items()))
        more = f"; {hidden} not shown" if hidden else ""
        where = f" (all in {report})" if report else ""
        print(f"hortus: problems by kind: {kinds}{more}{where}", file=sys.stderr)
