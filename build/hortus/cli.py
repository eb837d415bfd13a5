"""`hortus build`: exit 0 when the site was built, 1 when it was not, 2 on bad usage."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
from collections import Counter
from pathlib import Path
from typing import NoReturn

from hortus import pipeline  # its names load on first use (see _build)
from hortus.config import Settings, find_root, load_settings
from hortus.diagnostics import BuildError, Diagnostic, Severity, write_report
from hortus.version import __version__

# How many warnings of one kind are printed before the rest go to the summary count.
SHOWN_PER_KIND = 10
REPORT = "report.json"  # in the cache folder: every problem of the last build


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hortus", description="Publish an Obsidian vault.")
    parser.add_argument("--version", action="version", version=f"hortus {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the site into the output folder")
    check = commands.add_parser("check", help="run every cell and claim, check links; no site")
    for command in (build, check):
        command.add_argument("--notes", type=Path, default=None, help="the vault (default: notes/)")
        command.add_argument("--strict", action="store_true", help="treat warnings as errors")
        command.add_argument(
            "--no-cache",
            action="store_true",
            help="use no cache: parse, render and run every cell again",
        )
        command.add_argument(
            "--jobs",
            type=_positive,
            default=None,
            help="processes for parsing, rendering and cells (default: cores)",
        )
        command.add_argument(
            "--executor",
            type=_executor,
            default=None,
            help="where cells run: local, or dask://host:8786 (a Dask scheduler)",
        )
    build.add_argument("--out", type=Path, default=None, help="output folder (default: public/)")
    serve = commands.add_parser("serve", help="live preview on localhost, rebuilt on save")
    serve.add_argument("--notes", type=Path, default=None, help="the vault (default: notes/)")
    serve.add_argument("--port", type=_port, default=8000, help="port on 127.0.0.1 (default: 8000)")
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _executor(text: str) -> tuple[str, str | None]:
    """`local`, `dask` (the scheduler in the settings) or `dask://host:port`."""
    if text in ("local", "dask"):
        return text, None
    if text.startswith("dask://") and len(text) > len("dask://"):
        return "dask", "tcp://" + text.removeprefix("dask://")
    raise argparse.ArgumentTypeError("must be local, dask or dask://host:port")


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be 0 to 65535")
    return value


def run() -> NoReturn:
    """The `hortus` command: main, then an exit that skips tearing down the interpreter (as
    mypy's command does). A build's last objects (a garden's notes, tables and pages) would
    otherwise be freed one by one, which takes longer than an edit's whole build; the
    operating system frees them at once. By then the build has closed what it opened (cell
    workers, the typesetter, Pagefind); only the output is left to flush. What the build
    made is left in `held` for the same reason: freed as main returns, it would cost as much."""
    held: list[object] = []
    code = main(held=held)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None, held: list[object] | None = None) -> int:
    """The `hortus` command's work, and its exit code. `held`: where a build leaves what it
    made rather than free it (see run)."""
    args = _parser().parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        # Chinese file names must print even where the locale is not UTF-8.
        stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    if args.command == "serve":
        from hortus.serve import serve  # watchfiles and the HTTP server load only for serve

        return serve(args.notes, args.port)
    try:
        root = find_root(Path.cwd())
        settings = load_settings(root)
        if getattr(args, "executor", None):
            executor, scheduler = args.executor
            scheduler = scheduler or settings.dask_scheduler
            settings = dataclasses.replace(settings, executor=executor, dask_scheduler=scheduler)
        result = _build(args, settings, root, held)
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
    report = write_report(settings.cache_folder / REPORT, result.diagnostics.items)
    _print_diagnostics(result.diagnostics.items, report)
    if os.environ.get("HORTUS_TIMINGS") and result.stages:  # for the benchmark
        spent = ", ".join(f"{name} {seconds:.2f}" for name, seconds in result.stages.items())
        print(f"hortus: seconds by stage: {spent}", file=sys.stderr)
    if result.choices():
        print(result.choices(), file=sys.stderr)
    print(result.summary(), file=sys.stderr)
    return 0 if result.built else 1


def _build(
    args: argparse.Namespace, settings: Settings, root: Path, held: list[object] | None
) -> pipeline.BuildResult:
    """`hortus build` or `hortus check`. A build with the cache first asks whether anything
    changed since the last one, before the stages (parser, templates, search) are loaded:
    on an unchanged garden that answer is the whole run."""
    notes = args.notes or root / "notes"
    out = (args.out or root / "public") if args.command == "build" else None
    strict = args.strict or settings.strict
    checked = None
    if out is not None and not args.no_cache:
        found = pipeline.build_if_unchanged(settings, notes, out, strict=strict)
        if isinstance(found, pipeline.BuildResult):
            return found
        checked = found  # what it read is not read again
    return pipeline.build_site(
        settings,
        notes,
        out,
        strict=strict,
        use_cache=not args.no_cache,
        jobs=args.jobs,
        checked=checked,
        held=held,
    )


def _print_diagnostics(items: list[Diagnostic], report: Path | None) -> None:
    """Every error, the first few problems of each kind, then counts by kind: a vault with
    hundreds of broken links gets a readable summary, and the full list is in the report."""
    seen: Counter[str] = Counter()
    for item in sorted(items):
        if item.severity is Severity.INFO:  # said in full, and not a problem
            print(str(item), file=sys.stderr)
            continue
        seen[item.kind] += 1
        if seen[item.kind] <= SHOWN_PER_KIND or item.severity is Severity.ERROR:
            print(str(item), file=sys.stderr)
    hidden = sum(max(0, n - SHOWN_PER_KIND) for n in seen.values())
    if seen:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(seen.items()))
        more = f"; {hidden} not shown" if hidden else ""
        where = f" (all in {report})" if report else ""
        print(f"hortus: problems by kind: {kinds}{more}{where}", file=sys.stderr)
