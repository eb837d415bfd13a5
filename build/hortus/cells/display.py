"""What Jupyter shows for a value, and `display()`.

A value is shown as the richest of its representations a web page can show, in the order of
Jupyter's HTML output: `_repr_html_`, `_repr_markdown_`, `_repr_latex_`, `_repr_svg_`,
`_repr_png_`, `_repr_jpeg_` (or the same types from `_repr_mimebundle_`), else its text as
IPython prints it. A matplotlib figure is an SVG figure. `display(obj, ...)` shows each object
where it is called, between what the cell printed; it is in every note's namespace, and when
IPython is installed, `IPython.display.display` is this one too, so a note written for Jupyter
runs unchanged.

Standard library only: the worker process imports this module.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
import types
from collections.abc import Callable, Iterator
from typing import Any

from hortus.cells.capture import current_capture, truncate, without_addresses
from hortus.cells.figures import figure_output, is_figure
from hortus.cells.imports import after_import
from hortus.cells.records import (
    ImageOutput,
    ImageType,
    LatexOutput,
    MarkdownOutput,
    Output,
    ValueOutput,
)

# Jupyter's HTML output, richest first; each with the method that gives it.
MIME_ORDER: tuple[tuple[str, str], ...] = (
    ("text/html", "_repr_html_"),
    ("text/markdown", "_repr_markdown_"),
    ("text/latex", "_repr_latex_"),
    ("image/svg+xml", "_repr_svg_"),
    ("image/png", "_repr_png_"),
    ("image/jpeg", "_repr_jpeg_"),
)
# What pandas gives a Styler when the cell gives none: `uuid4().hex[:5]`.
RANDOM_UUID = re.compile(r"[0-9a-f]{5}")
# IPython's line width for the text of a value.
TEXT_WIDTH = 79


def value_outputs(value: Any, explicit: bool = False) -> list[Output]:
    """What Jupyter shows for `value`: nothing for None; `explicit` when display() asked (a
    figure pyplot holds is then shown now rather than with the cell's open figures)."""
    if value is None:
        return []
    if is_figure(value):
        figure = figure_output(value, explicit)
        return [] if figure is None else [figure]
    if not isinstance(value, type):
        _stable_uuid(value)
        for mime, data in _rich_representations(value):
            output = _output(mime, data, value)
            if output is not None:
                return [output]
    return [ValueOutput(plain_text(value), None)]


def bundle_outputs(bundle: dict[str, Any]) -> list[Output]:
    """display(bundle, raw=True): the richest entry of a mime bundle."""
    for mime, _method in MIME_ORDER:
        if bundle.get(mime) is not None:
            output = _output(mime, bundle[mime], None, str(bundle.get("text/plain", "")))
            if output is not None:
                return [output]
    text = bundle.get("text/plain")
    return [] if text is None else [ValueOutput(truncate(str(text)), None)]


def _stable_uuid(value: Any) -> None:
    """A pandas Styler names its CSS after a random uuid unless given one: named instead
    after what it shows, so the same note builds the same page."""
    if type(value).__name__ != "Styler" or not callable(getattr(value, "set_uuid", None)):
        return
    if not RANDOM_UUID.fullmatch(str(getattr(value, "uuid", ""))):
        return  # the cell chose its own
    try:
        value.set_uuid("hortus")
        shown = value.to_html()
    except Exception:
        return
    value.set_uuid(hashlib.sha256(shown.encode()).hexdigest()[:8])


def _rich_representations(value: Any) -> Iterator[tuple[str, Any]]:
    """(mime, data) from `_repr_mimebundle_`, then from each `_repr_*_` method, richest first;
    computed one at a time, since the first usable one is the one shown. A method that fails
    is passed over, as Jupyter passes over a broken formatter."""
    bundle_method = getattr(value, "_repr_mimebundle_", None)
    if callable(bundle_method):
        bundle = _call(lambda: bundle_method(include=None, exclude=None))
        if isinstance(bundle, tuple) and bundle:
            bundle = bundle[0]  # (data, metadata)
        if isinstance(bundle, dict):
            yield from ((mime, bundle[mime]) for mime, _ in MIME_ORDER if mime in bundle)
    for mime, name in MIME_ORDER:
        method = getattr(value, name, None)
        if not callable(method):
            continue
        data = _call(method)
        if isinstance(data, tuple) and data:
            data = data[0]
        if data is not None:
            yield mime, data


def _call(method: Callable[[], Any]) -> Any:
    try:
        return method()
    except Exception:
        return None


def _output(mime: str, data: Any, value: Any, text: str | None = None) -> Output | None:
    """The output for one representation; None when the data is not of a usable kind."""
    if mime.startswith("image/"):
        return _image(mime, data)
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    if not isinstance(data, str):
        return None
    if mime == "text/html":
        plain = text if text is not None else plain_text(value)
        return ValueOutput(plain, truncate(data))
    if mime == "text/markdown":
        return MarkdownOutput(truncate(data))
    return LatexOutput(truncate(data))


def _image(mime: str, data: Any) -> ImageOutput | None:
    kind: ImageType
    if mime == "image/svg+xml":
        if isinstance(data, bytes):
            data = data.decode("utf-8", "replace")
        return ImageOutput("image/svg+xml", data) if isinstance(data, str) else None
    kind = "image/png" if mime == "image/png" else "image/jpeg"
    if isinstance(data, bytes):
        return ImageOutput(kind, base64.b64encode(data).decode("ascii"))
    if isinstance(data, str):  # already base64, as Jupyter accepts it
        return ImageOutput(kind, "".join(data.split()))
    return None


def plain_text(value: Any) -> str:
    """A value's text as IPython prints it: its repr, with lists, tuples, dicts and sets that
    do not fit on a line broken one item a line (sets sorted), memory addresses removed."""
    try:
        text = _pretty(value, 0, 0)
    except Exception as exc:  # a broken __repr__: Jupyter shows the error instead
        text = f"<unrepresentable {type(value).__name__}: {type(exc).__name__}: {exc}>"
    return truncate(without_addresses(text))


_BRACKETS: dict[type, tuple[str, str]] = {
    list: ("[", "]"),
    tuple: ("(", ")"),
    set: ("{", "}"),
    frozenset: ("frozenset({", "})"),
    dict: ("{", "}"),
}


def _repr(value: Any) -> str:
    """repr(), but for an object whose class has no repr of its own IPython's
    `<module.Class at 0x...>` (`<object object at 0x...>` is Python's)."""
    kind = type(value)
    if kind.__repr__ is not object.__repr__:
        return repr(value)
    module = kind.__module__
    name = kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"
    return f"<{name} at 0x{id(value):x}>"


def _members(value: Any) -> list[Any]:
    """A container's items as IPython lists them: sets sorted when they can be."""
    members = list(value.items()) if type(value) is dict else list(value)
    if type(value) in (set, frozenset):
        with contextlib.suppress(TypeError):
            members = sorted(members)
    return members


def _joined(value: Any, items: list[str], separator: str) -> str:
    kind = type(value)
    opening, closing = _BRACKETS[kind]
    if kind is tuple and len(items) == 1:
        return f"({items[0]},)"
    return opening + separator.join(items) + closing


def _pretty(value: Any, column: int, level: int) -> str:
    """The value's text starting at `column`, as IPython's pretty printer lays it out: on one
    line when it fits in TEXT_WIDTH, else a container one item a line, indented by the depth of
    the brackets it sits in (`level`), each item in turn as wide as it may be."""
    kind = type(value)
    if kind not in _BRACKETS:
        return _repr(value)
    if not value:
        return "set()" if kind is set else "frozenset()" if kind is frozenset else repr(value)
    members = _members(value)
    flat = _joined(value, [_item(kind, member, _FLAT, _FLAT) for member in members], ", ")
    if column + len(flat) <= TEXT_WIDTH:
        return flat
    inner = level + len(_BRACKETS[kind][0])
    items = [_item(kind, member, inner, inner) for member in members]
    return _joined(value, items, ",\n" + " " * inner)


_FLAT = -(10**9)  # a column from which everything fits on one line


def _item(kind: type, member: Any, column: int, level: int) -> str:
    if kind is dict:
        key, item = member
        key_text = _pretty(key, _FLAT, _FLAT)
        return f"{key_text}: {_pretty(item, column + len(key_text) + 2, level)}"
    return _pretty(member, column, level)


def display(
    *objs: Any,
    include: Any = None,
    exclude: Any = None,
    metadata: Any = None,
    transient: Any = None,
    display_id: Any = None,
    raw: bool = False,
    clear: bool = False,
    **kwargs: Any,
) -> None:
    """Show each object here, as Jupyter's display() does (the same arguments are taken)."""
    capture = current_capture()
    if capture is None:  # outside a note's run, as IPython's outside a notebook
        print(*objs)
        return
    for obj in objs:
        if raw and isinstance(obj, dict):
            capture.show(bundle_outputs(obj))
        else:
            capture.show(value_outputs(obj, explicit=True))


# -- IPython's display() is this one in a note ----------------------------------------------

_IPYTHON_MODULES = ("IPython.core.display_functions", "IPython.core.display", "IPython.display")


def _use_this_display(module: types.ModuleType) -> None:
    if hasattr(module, "display"):
        module.display = display  # type: ignore[attr-defined]


def use_for_ipython() -> None:
    """Make IPython's display() this one, in its modules loaded now and from now on."""
    for name in _IPYTHON_MODULES:
        after_import(name, _use_this_display)
