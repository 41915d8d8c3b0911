"""Filtering and projection (spec §5.2): where, select, repeat, repeatAll, coalesce, sort."""

from __future__ import annotations

from functools import cmp_to_key

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime import compare
from fhirpath.runtime.collection import EMPTY, singleton, to_boolean

#: repeat() stops with an error after producing this many items (likely a loop)
REPEAT_LIMIT = 100_000


def where(ctx, focus: tuple, criteria) -> tuple:
    out = []
    saved = ctx.index
    try:
        for index, item in enumerate(focus):
            ctx.index = index
            if to_boolean(criteria(ctx, (item,)), "where()") is True:
                out.append(item)
    finally:
        ctx.index = saved
    return tuple(out) if len(out) != len(focus) else focus


def select(ctx, focus: tuple, projection) -> tuple:
    out: list = []
    saved = ctx.index
    try:
        for index, item in enumerate(focus):
            ctx.index = index
            out += projection(ctx, (item,))
    finally:
        ctx.index = saved
    return tuple(out)


def _repeat(ctx, focus: tuple, projection, *, keep_duplicates: bool) -> tuple:
    out: list = []
    queue = list(focus)
    while queue:
        produced: list = []
        for item in queue:
            produced += projection(ctx, (item,))
        if not keep_duplicates:
            fresh = list(compare.unique(out + produced)[len(out):])  # only items not yet in the output
            produced = fresh
        out += produced
        if len(out) > REPEAT_LIMIT:
            raise FHIRPathEvaluationError(
                f"repeat produced more than {REPEAT_LIMIT} items; the projection probably loops",
                code="repeat-limit",
            )
        queue = produced
    return tuple(out)


def repeat(ctx, focus: tuple, projection) -> tuple:
    return _repeat(ctx, focus, projection, keep_duplicates=False)


def repeat_all(ctx, focus: tuple, projection) -> tuple:
    return _repeat(ctx, focus, projection, keep_duplicates=True)


def coalesce(ctx, focus: tuple, values: tuple) -> tuple:
    for value in values:
        found = value()
        if found:
            return found
    return EMPTY


def sort(ctx, focus: tuple, keys: tuple) -> tuple:
    """Stable sort by each key in turn; empty keys sort first (spec §5.2.3)."""
    if len(focus) < 2:
        return focus
    if not keys:
        return tuple(sorted(focus, key=cmp_to_key(_order)))
    rows = []
    for item in focus:
        rows.append((item, [singleton(fn(ctx, (item,)), "sort() key") for fn, _ in keys]))

    def order(a, b):
        for (_, descending), x, y in zip(keys, a[1], b[1]):
            if x is None or y is None:  # empty keys first, whatever the direction (testSort10)
                result = (x is not None) - (y is not None)
            else:
                result = _order(x, y)
                if descending:
                    result = -result
            if result:
                return result
        return 0

    return tuple(item for item, _ in sorted(rows, key=cmp_to_key(order)))


def _order(a, b) -> int:
    if a is None or b is None:
        return (a is not None) - (b is not None)
    result = compare.item_compare(a, b)
    if result is None:
        raise FHIRPathEvaluationError("sort() cannot order values of different precision", code="incomparable")
    return result
