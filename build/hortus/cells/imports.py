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


class ImportRecorder:
    """The top-level modules a note's run imported, for the distributions its results depend
    on: those loaded while it ran (whoever imported them), and those its own code imported that
    were loaded already (the worker loads numpy and matplotlib before it forks the note's
    process, so only the import statement says the note uses them). Imports made by hortus,
    or by installed packages' code for their own use, are not the note's."""

    def __init__(self, installation: tuple[str, ...] = ()) -> None:
        self.installation = installation  # folders whose code is not the note's
        self.before: set[str] = set()  # modules loaded when the run began
        self.named: set[str] = set()  # top-level modules the note's code imported
        self.original: Callable[..., Any] | None = None  # `__import__` outside the run

    def __enter__(self) -> ImportRecorder:
        import builtins

        self.before = set(sys.modules)
        self.original = original = builtins.__import__

        def recording_import(
            name: str,
            globals: dict[str, Any] | None = None,  # __import__'s own parameter names
            locals: Any = None,
            fromlist: Any = (),
            level: int = 0,
        ) -> Any:
            if level == 0 and self._from_note(globals):
                self.named.add(name.partition(".")[0])
            return original(name, globals, locals, fromlist, level)

        builtins.__import__ = recording_import
        return self

    def __exit__(self, *exc: object) -> None:
        import builtins

        if self.original is not None:
            builtins.__import__ = self.original

    def modules(self) -> list[str]:
        """The top-level modules the run imported, outside the standard library, sorted."""
        loaded = {name.partition(".")[0] for name in set(sys.modules) - self.before}
        found = (loaded | self.named) - {"__main__", "hortus"}
        return sorted(name for name in found if name not in sys.stdlib_module_names)

    def _from_note(self, namespace: dict[str, Any] | None) -> bool:
        """Whether code whose globals are `namespace` is the note's (a cell, or a module of
        its own beside it) rather than hortus's or an installed package's."""
        if namespace is None:
            return False
        if str(namespace.get("__name__", "")).partition(".")[0] == "hortus":
            return False
        path = namespace.get("__file__")
        return not (isinstance(path, str) and path.startswith(self.installation))
