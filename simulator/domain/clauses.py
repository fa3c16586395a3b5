"""Which rule implements which clause of the guide.

Every rule function in the domain layer is decorated with ``@implements("3.3.1")``;
the registry lets tests check that every api-checkable clause is implemented somewhere.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)

# clause ID -> qualified names of the rules implementing it
REGISTRY: dict[str, list[str]] = defaultdict(list)


def implements(*clause_ids: str) -> Callable[[F], F]:
    def mark(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__qualname__}"
        for cid in clause_ids:
            if name not in REGISTRY[cid]:
                REGISTRY[cid].append(name)
        fn.__clauses__ = clause_ids  # type: ignore[attr-defined]
        return fn

    return mark
