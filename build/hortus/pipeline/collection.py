"""Python's cycle collector paused while a build runs."""

from __future__ import annotations

import functools
import gc

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ParamSpec, TypeVar

    P = ParamSpec("P")
    R = TypeVar("R")


def without_cycle_collection(run: Callable[P, R]) -> Callable[P, R]:
    """A build makes millions of small objects (tokens, the cache's tables and records) that
    live to its end and form no cycles; Python's cycle collector would scan them all again
    and again (seconds for a large garden), so it is paused while `run` runs."""

    @functools.wraps(run)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return run(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper
