"""Aggregates (spec §7): aggregate()."""

from __future__ import annotations

from fhirpath.runtime.collection import EMPTY


def aggregate(ctx, focus: tuple, aggregator, init) -> tuple:
    """Fold the input: $this is each item, $total the running result (starting at init)."""
    saved_index, saved_total = ctx.index, ctx.total
    total = EMPTY if init is None else init
    try:
        for index, item in enumerate(focus):
            ctx.index, ctx.total = index, total
            total = aggregator(ctx, (item,))
    finally:
        ctx.index, ctx.total = saved_index, saved_total
    return total
