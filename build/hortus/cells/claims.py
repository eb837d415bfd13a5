"""`claim()`: a named, checked statement about a value computed in a note.

Notes call `claim(text, actual, expected, rel=None, abs=None)`. While hortus runs a note, a
collector records every claim with its line in the .md file; outside a run (plain Python,
Jupyter) the function still checks and returns the bool, and warns when the claim fails.

This module must stay cheap to import and depends on the standard library only: numpy is used
when the values are numpy objects, which means numpy is already imported.
"""

from __future__ import annotations

import cmath
import math
import numbers
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["ClaimRecord", "ClaimWarning", "claim"]

# How long a recorded value may be; the page shows it in a badge.
REPR_LIMIT = 120

# The file name a step's code is compiled under (Step.filename), so that a frame tells the step.
STEP_FILENAME = re.compile(r"<(cell|inline) (\d+)>\Z")


class ClaimWarning(UserWarning):
    """A claim failed outside a hortus run."""


@dataclass(frozen=True)
class ClaimRecord:
    """One claim as it was checked in a note."""

    text: str  # what the claim says, in the note author's words
    actual: str  # short repr of the value computed
    expected: str  # short repr of the value claimed
    rel: float | None  # relative tolerance asked for, if any
    abs: float | None  # absolute tolerance asked for, if any
    passed: bool  # whether the value matched
    line: int  # 1-based line in the .md file (or the relative line outside a hortus run)
    cell: int | None  # None when claimed from an inline expression

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClaimRecord:
        return cls(
            text=data["text"],
            actual=data["actual"],
            expected=data["expected"],
            rel=data.get("rel"),
            abs=data.get("abs"),
            passed=bool(data["passed"]),
            line=int(data["line"]),
            cell=data.get("cell"),
        )

    def failure_message(self) -> str:
        return failure_message(self.text, self.expected, self.actual, self.rel, self.abs)


def failure_message(
    text: str, expected: str, actual: str, rel: float | None, abs_: float | None
) -> str:
    tol = ", ".join(
        f"{name}={value!r}" for name, value in (("rel", rel), ("abs", abs_)) if value is not None
    )
    return f"claim failed: {text}: expected {expected}, got {actual}" + (f" ({tol})" if tol else "")


class Collector:
    """Where claims go during a hortus run. `locate` maps (kind, index, lineno) -> md line."""

    def __init__(self, locate: Callable[[str, int, int], int]) -> None:
        self.locate = locate
        self.records: list[ClaimRecord] = []


_collector: Collector | None = None


def set_collector(collector: Collector | None) -> Collector | None:
    """Install `collector` (a note's run does this); returns the previous one."""
    global _collector
    previous, _collector = _collector, collector
    return previous


def claim(
    text: str,
    actual: Any,
    expected: Any,
    rel: float | None = None,
    abs: float | None = None,
) -> bool:
    """Check that `actual` matches `expected` and record it; returns whether it passed.

    Numbers (numpy scalars and arrays too) pass within tolerance: with neither `rel` nor `abs`,
    exact equality unless a float is involved, then math.isclose's default (rel 1e-9); with
    `rel`/`abs`, as math.isclose(rel_tol=rel, abs_tol=abs). Arrays: every element, broadcast.
    Anything else: `==`. A failed claim never raises, so every claim of a cell is checked.
    """
    rel_f = None if rel is None else float(rel)
    abs_f = None if abs is None else float(abs)
    try:
        passed = _matches(actual, expected, rel_f, abs_f)
    except Exception:  # a comparison that cannot be made is a failed claim, not a crash
        passed = False
    kind, index, lineno = _caller()
    collector = _collector
    if collector is not None:
        line = collector.locate(kind, index, lineno) if kind else lineno
        record = ClaimRecord(
            text=str(text),
            actual=short_repr(actual),
            expected=short_repr(expected),
            rel=rel_f,
            abs=abs_f,
            passed=passed,
            line=line,
            cell=index if kind == "cell" else None,
        )
        collector.records.append(record)
    elif not passed:
        message = failure_message(str(text), short_repr(expected), short_repr(actual), rel_f, abs_f)
        warnings.warn(message, ClaimWarning, stacklevel=2)
    return passed


def _caller() -> tuple[str, int, int]:
    """(kind, index, lineno) of the innermost `<cell N>`/`<inline N>` frame calling claim()."""
    frame = sys._getframe(2)
    first_lineno = frame.f_lineno
    while frame is not None:
        match = STEP_FILENAME.match(frame.f_code.co_filename)
        if match:
            return match.group(1), int(match.group(2)), frame.f_lineno
        frame = frame.f_back
    return "", -1, first_lineno


def _numpy() -> Any:
    # Only when the note already imported it: claims never pay for importing numpy.
    return sys.modules.get("numpy")


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number)


def _is_inexact(value: Any) -> bool:
    if isinstance(value, (float, complex)):
        return True
    np = _numpy()
    return np is not None and isinstance(value, np.inexact)


def _matches(actual: Any, expected: Any, rel: float | None, abs_: float | None) -> bool:
    np = _numpy()
    if np is not None:
        arrays = isinstance(actual, np.ndarray) or isinstance(expected, np.ndarray)
        sequences = isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple))
        if arrays or (sequences and (rel is not None or abs_ is not None)):
            return _arrays_match(np, actual, expected, rel, abs_)
    if _is_number(actual) and _is_number(expected):
        if rel is None and abs_ is None and not (_is_inexact(actual) or _is_inexact(expected)):
            return bool(actual == expected)
        rel_tol = 1e-9 if rel is None else rel
        abs_tol = 0.0 if abs_ is None else abs_
        if isinstance(actual, complex) or isinstance(expected, complex):
            return cmath.isclose(actual, expected, rel_tol=rel_tol, abs_tol=abs_tol)
        if np is not None and (
            isinstance(actual, np.complexfloating) or isinstance(expected, np.complexfloating)
        ):
            return cmath.isclose(
                complex(actual), complex(expected), rel_tol=rel_tol, abs_tol=abs_tol
            )
        return math.isclose(actual, expected, rel_tol=rel_tol, abs_tol=abs_tol)
    result = actual == expected
    if isinstance(result, bool):
        return result
    if np is not None:  # pandas/numpy-like objects compare elementwise
        return bool(np.all(result))
    return bool(result)


def _arrays_match(
    np: Any, actual: Any, expected: Any, rel: float | None, abs_: float | None
) -> bool:
    a = np.asarray(actual)
    e = np.asarray(expected)
    try:
        a, e = np.broadcast_arrays(a, e)
    except ValueError:  # shapes that cannot be compared are a mismatch
        return False
    numeric = a.dtype.kind in "biufc" and e.dtype.kind in "biufc"
    if not numeric:
        return bool(np.array_equal(a, e))
    inexact = a.dtype.kind in "fc" or e.dtype.kind in "fc"
    if rel is None and abs_ is None and not inexact:
        return bool(np.array_equal(a, e))
    rel_tol = 1e-9 if rel is None else rel
    abs_tol = 0.0 if abs_ is None else abs_
    a = a.astype(np.complex128 if "c" in (a.dtype.kind, e.dtype.kind) else np.float64)
    e = e.astype(a.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        # math.isclose per element (symmetric in a and e); equal infinities are close.
        tol = np.maximum(rel_tol * np.maximum(np.abs(a), np.abs(e)), abs_tol)
        close = (a == e) | (np.abs(a - e) <= tol)
    return bool(np.all(close))


def short_repr(value: Any, limit: int = REPR_LIMIT) -> str:
    """A short, plain repr: numpy scalars as Python numbers, arrays summarised."""
    np = _numpy()
    try:
        if np is not None and isinstance(value, np.generic) and not isinstance(value, np.ndarray):
            text = repr(value.item())
        elif np is not None and isinstance(value, np.ndarray):
            with np.printoptions(threshold=8, edgeitems=3, precision=8, legacy="1.25"):
                text = repr(value)
            text = " ".join(text.split())
        elif np is not None:
            with np.printoptions(legacy="1.25"):  # np.float64(0.5) in lists reads 0.5
                text = repr(value)
        else:
            text = repr(value)
    except Exception as exc:
        text = f"<unrepresentable {type(value).__name__}: {type(exc).__name__}>"
    text = re.sub(r" at 0x[0-9a-fA-F]+>", ">", text)  # addresses differ from run to run
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
