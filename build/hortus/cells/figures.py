"""Matplotlib in a note, as Jupyter's inline backend shows it: a non-GUI backend, settings that
make SVG bytes reproducible, plt.show() showing the figures drawn so far (then closing them),
and the figures a cell leaves open shown after its other outputs.

Matplotlib is never imported here unless a cell asks for a figure size: it is used only when
the note (or the warm worker) has already loaded it."""

from __future__ import annotations

import contextlib
import io
import sys
import types
from collections.abc import Iterator
from typing import Any

from hortus.cells.capture import current_capture
from hortus.cells.imports import after_import
from hortus.cells.records import FigureOutput

# Fixed so that SVG ids (hashes of salt + content) are the same in every run and process.
SVG_HASHSALT = "hortus"

# Figures display() showed, by id, with the SVG shown: not shown again unless changed since.
_shown: dict[int, str] = {}


def show(*args: Any, **kwargs: Any) -> None:
    """plt.show() in a note: the open figures, in the order they were made, shown here and
    closed, so the next plot starts a new figure (as Jupyter's inline backend does)."""
    capture = current_capture()
    if capture is None:
        return
    capture.show(take_figures(capture.keep))


def _use_this_show(pyplot: types.ModuleType) -> None:
    pyplot.show = show  # type: ignore[attr-defined]


def prepare_matplotlib(full_reset: bool) -> None:
    """Agg backend, deterministic SVG settings, and the note's plt.show() (also when a cell
    imports pyplot later), if matplotlib is loaded."""
    after_import("matplotlib.pyplot", _use_this_show)
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return
    if full_reset:
        mpl.rcdefaults()  # matplotlib's defaults, not a matplotlibrc found on this machine
        _shown.clear()
    if full_reset or mpl.rcParams["svg.hashsalt"] != SVG_HASHSALT:
        # Glyphs as paths: the page does not depend on the reader's fonts.
        mpl.rcParams["svg.fonttype"] = "path"
        mpl.rcParams["svg.hashsalt"] = SVG_HASHSALT
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        if full_reset:
            plt.close("all")
        if plt.get_backend().lower() != "agg":
            plt.switch_backend("agg")


def take_figures(keep: bool) -> list[FigureOutput]:
    """The figures open now, as SVG (none unless `keep`; a figure display() already showed
    only if it changed since); all of them are closed either way."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return []
    try:
        nums = plt.get_fignums()
        if not nums or not keep:
            return []
        prepare_matplotlib(full_reset=False)
        figures = []
        for number in nums:
            figure = plt.figure(number)
            svg = figure_svg(figure)
            if _shown.get(id(figure)) != svg:
                figures.append(FigureOutput(svg))
        return figures
    finally:
        plt.close("all")
        _shown.clear()


def figure_output(figure: Any, explicit: bool) -> FigureOutput | None:
    """A figure shown as a value: now when `explicit` (display()), else, when pyplot holds it,
    with the cell's open figures at its end (so it is shown once)."""
    if not explicit and held_by_pyplot(figure):
        return None
    svg = figure_svg(figure)
    if held_by_pyplot(figure):
        _shown[id(figure)] = svg
    return FigureOutput(svg)


def is_figure(value: Any) -> bool:
    mpl_figure = sys.modules.get("matplotlib.figure")
    return mpl_figure is not None and isinstance(value, mpl_figure.Figure)


def held_by_pyplot(figure: Any) -> bool:
    """Whether pyplot holds `figure` open: then it is taken with the cell's other open figures."""
    plt = sys.modules.get("matplotlib.pyplot")
    return plt is not None and getattr(figure, "number", None) in plt.get_fignums()


def figure_svg(figure: Any) -> str:
    mpl = sys.modules["matplotlib"]
    mpl.rcParams["svg.hashsalt"] = SVG_HASHSALT
    buffer = io.StringIO()
    # No date in the metadata: the same figure gives the same bytes on any day.
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


@contextlib.contextmanager
def figure_settings(options: dict[str, Any]) -> Iterator[None]:
    """`fig-width`, `fig-height` (inches) and `fig-dpi` as matplotlib's defaults while the cell
    runs; what they were is put back after it."""
    wanted = {key: options[key] for key in ("fig-width", "fig-height", "fig-dpi") if key in options}
    if not wanted:
        yield
        return
    try:
        import matplotlib as mpl  # a figure size asks for matplotlib
    except ImportError:
        yield
        return
    params = mpl.rcParams
    saved = {key: params[key] for key in ("figure.figsize", "figure.dpi", "savefig.dpi")}
    width, height = params["figure.figsize"]
    params["figure.figsize"] = (
        float(wanted.get("fig-width", width)),
        float(wanted.get("fig-height", height)),
    )
    if "fig-dpi" in wanted:
        params["figure.dpi"] = params["savefig.dpi"] = float(wanted["fig-dpi"])
    try:
        yield
    finally:
        for key, value in saved.items():
            params[key] = value
