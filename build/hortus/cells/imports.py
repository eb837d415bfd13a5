"""Changes to modules a note imports, made as they load: pyplot's show() and IPython's
display() are hortus's in a note, even when the cell that calls them is the one that imports
them.

Standard library only: the worker process imports this module.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Callable
from typing import Any

# Module name -> what is done to the module once it has loaded.
_AFTER_LOAD: dict[str, Callable[[types.ModuleType], None]] = {}


class _AfterLoadFinder(importlib.abc.MetaPathFinder):
    """Finds a watched module as the import system would, and changes it once it has loaded."""

    def find_spec(
        self, fullname: str, path: Any, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        change = _AFTER_LOAD.get(fullname)
        if change is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        load = spec.loader.exec_module

        def exec_module(module: types.ModuleType) -> None:
            load(module)
            change(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def after_import(name: str, change: Callable[[types.ModuleType], None]) -> None:
    """Apply `change` to the module `name` now if it is loaded, and whenever it loads."""
    _AFTER_LOAD[name] = change
    module = sys.modules.get(name)
    if module is not None:
        change(module)
    if not any(isinstance(finder, _AfterLoadFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterLoadFinder())
