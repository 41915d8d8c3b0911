"""Filtering and projection (spec §5.2): where, select, repeat, repeatAll, coalesce, sort."""

from __future__ import annotations

from functools import cmp_to_key

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime import compare
from fhirpath.runtime.collection import EMPTY, singleton, to_boolean
from fhirpath.runtime.context import items_error


def where(ctx, focus: tuple, criteria) -> tuple:
    ctx.spend(len(focus))
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
    ctx.spend(len(focus))
    most = ctx.limits.max_items
    out: list = []
    saved = ctx.index
    try:
        for index, item in enumerate(focus):
            ctx.index = index
            out += projection(ctx, (item,))
            if len(out) > most:
                raise items_error(most, "select()")
    finally:
        ctx.index = saved
    return tuple(out)


def _repeat(ctx, focus: tuple, projection, *, keep_duplicates: bool) -> tuple:
    """Level by level until a level adds nothing new. Without duplicates, the items seen
    so far are kept as `compare.key`s (and a list of keyless ones), so each level costs
    its own size, not the size of everything before it."""
    most = ctx.limits.max_items
    out: list = []
    seen: set = set()
    keyless: list = []
    queue = list(focus)
    while queue:
        ctx.spend(len(queue))
        produced: list = []
        for item in queue:
            produced += projection(ctx, (item,))
            if len(out) + len(produced) > most:
                raise items_error(most, f"repeat{'All' if keep_duplicates else ''}() (a loop?)")
        if not keep_duplicates:
            produced = compare.unseen(produced, seen, keyless)
        out += produced
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
    ctx.spend(len(focus) * max(1, len(focus).bit_length()))
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
