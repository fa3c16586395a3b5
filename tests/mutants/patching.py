"""A monkeypatch that refuses to patch nothing.

A variant that silently replaces an attribute nobody reads (a typo, a renamed function, a name
the caller imported by value) would leave the centre correct, and a correct centre would then
"survive" or, worse, fail for an unrelated reason and count as killed. So every replacement
must hit an existing attribute or key, and must actually change it; what was replaced is
recorded so a run can show it.
"""
from __future__ import annotations

import importlib
from typing import Any

import pytest


class VariantPatchError(AssertionError):
    """A variant tried to patch something that is not there, or patched it with itself."""


def module(name: str):
    return importlib.import_module(name)


def _where(target: Any) -> str:
    if isinstance(target, type):
        return f"{target.__module__}.{target.__qualname__}"
    return getattr(target, "__name__", type(target).__name__)


class Patcher:
    """The part of pytest's MonkeyPatch a variant may use, with existence checks. Undo with undo()."""

    def __init__(self, mp: pytest.MonkeyPatch | None = None) -> None:
        self._mp = mp or pytest.MonkeyPatch()
        self.patched: list[str] = []

    def setattr(self, target: Any, name: str, value: Any) -> None:
        if isinstance(target, str):
            target = module(target)
        where = f"{_where(target)}.{name}"
        if not hasattr(target, name):
            raise VariantPatchError(f"{where} does not exist: the variant would patch nothing")
        if getattr(target, name) is value:
            raise VariantPatchError(f"{where} replaced by itself: the variant would change nothing")
        self._mp.setattr(target, name, value, raising=True)
        self.patched.append(where)

    def setitem(self, mapping: Any, key: Any, value: Any, label: str = "") -> None:
        where = f"{label or type(mapping).__name__}[{key!r}]"
        if key not in mapping:
            raise VariantPatchError(f"{where} does not exist: the variant would patch nothing")
        if mapping[key] is value:
            raise VariantPatchError(f"{where} replaced by itself: the variant would change nothing")
        self._mp.setitem(mapping, key, value)
        self.patched.append(where)

    def undo(self) -> None:
        self._mp.undo()
        self.patched.clear()
