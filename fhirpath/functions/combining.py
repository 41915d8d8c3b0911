"""Combining (spec §5.4): union and combine."""

from __future__ import annotations

from fhirpath.runtime.compare import unique


def union(ctx, focus: tuple, other: tuple) -> tuple:
    ctx.check_items(len(focus) + len(other), "union()")
    return unique(focus + other)


def combine(ctx, focus: tuple, other: tuple, preserve_order) -> tuple:
    ctx.check_items(len(focus) + len(other), "combine()")
    return focus + other
