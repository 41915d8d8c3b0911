"""Tree navigation (spec §5.9): children and descendants."""

from __future__ import annotations

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime.element import children as children_of
from fhirpath.runtime.element import descendants as descendants_of

#: descendants() stops with an error past this many nodes (a resource that big is an attack)
DESCENDANTS_LIMIT = 1_000_000


def children(ctx, focus: tuple) -> tuple:
    out: list = []
    for item in focus:
        out += children_of(item, ctx.model)
    return tuple(out)


def descendants(ctx, focus: tuple) -> tuple:
    """All nodes below the input, level by level (the order repeat(children()) gives)."""
    found = descendants_of(focus, ctx.model, DESCENDANTS_LIMIT)
    if found is None:
        raise FHIRPathEvaluationError(f"descendants() passed {DESCENDANTS_LIMIT} nodes", code="descendants-limit")
    return tuple(found)
