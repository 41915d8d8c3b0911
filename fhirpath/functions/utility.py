"""Utility functions (spec §5.10): trace and the clock."""

from __future__ import annotations

from fhirpath.runtime import temporal


def trace(ctx, focus: tuple, name, projection) -> tuple:
    """Report the input (or a projection of it) to the trace hook; return the input."""
    if ctx.trace is not None:
        shown = focus
        if projection is not None:
            shown = tuple(item for item in focus for item in projection(ctx, (item,)))
        ctx.trace(name if name is not None else "", shown)
    return focus


def now(ctx, focus: tuple) -> tuple:
    return (temporal.now(ctx.now()),)


def today(ctx, focus: tuple) -> tuple:
    return (temporal.today(ctx.now()),)


def time_of_day(ctx, focus: tuple) -> tuple:
    return (temporal.time_of_day(ctx.now()),)
