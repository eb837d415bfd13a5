"""Matplotlib in a note: a non-GUI backend, settings that make SVG bytes reproducible, and the
figures a cell leaves open, taken as SVG.

Matplotlib is never imported here: it is used only when the note (or the warm worker) has
already loaded it."""

from __future__ import annotations

import io
import sys
from typing import Any

from hortus.cells.records import FigureOutput

# Fixed so that SVG ids (hashes of salt + content) are the same in every run and process.
SVG_HASHSALT = "hortus"


def no_show(*args: Any, **kwargs: Any) -> None:
    """plt.show(): figures are collected at the end of each cell instead."""


def prepare_matplotlib(full_reset: bool) -> None:
    """Agg backend, deterministic SVG settings, and a no-op plt.show(), if matplotlib is loaded."""
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return
    if full_reset:
        mpl.rcdefaults()  # matplotlib's defaults, not a matplotlibrc found on this machine
    if full_reset or mpl.rcParams["svg.hashsalt"] != SVG_HASHSALT:
        # Glyphs as paths: the page does not depend on the reader's fonts.
        mpl.rcParams["svg.fonttype"] = "path"
        mpl.rcParams["svg.hashsalt"] = SVG_HASHSALT
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        if full_reset:
            plt.close("all")
        if plt.show is not no_show:
            plt.show = no_show
        if plt.get_backend().lower() != "agg":
            plt.switch_backend("agg")


def take_figures(keep: bool) -> list[FigureOutput]:
    """The figures open now, as SVG (none unless `keep`); all of them are closed either way."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return []
    try:
        nums = plt.get_fignums()
        if not nums:
            return []
        prepare_matplotlib(full_reset=False)
        return [FigureOutput(figure_svg(plt.figure(n))) for n in nums] if keep else []
    finally:
        plt.close("all")


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
