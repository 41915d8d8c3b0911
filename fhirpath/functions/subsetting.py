"""Subsetting (spec §5.3): single, first, last, tail, skip, take, intersect, exclude."""

from __future__ import annotations

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime import compare
from fhirpath.runtime.collection import EMPTY


def single(ctx, focus: tuple) -> tuple:
    if len(focus) > 1:
        raise FHIRPathEvaluationError(
            f"single() expects at most one item but got {len(focus)}", code="not-a-singleton"
        )
    return focus


def first(ctx, focus: tuple) -> tuple:
    return focus[:1]


def last(ctx, focus: tuple) -> tuple:
    return focus[-1:]


def tail(ctx, focus: tuple) -> tuple:
    return focus[1:]


def _count(num, name: str) -> int:
    if type(num) is not int:
        raise FHIRPathEvaluationError(f"{name}() expects an Integer, not {num!r}", code="invalid-operand")
    return num


def skip(ctx, focus: tuple, num) -> tuple:
    if num is None:
        return EMPTY
    num = _count(num, "skip")
    return focus if num <= 0 else focus[num:]


def take(ctx, focus: tuple, num) -> tuple:
    if num is None:
        return EMPTY
    num = _count(num, "take")
    return EMPTY if num <= 0 else focus[:num]


def _member(item, other: tuple) -> bool:
    return any(compare.item_equals(item, candidate) is True for candidate in other)


def intersect(ctx, focus: tuple, other: tuple) -> tuple:
    ctx.spend(len(focus) * len(other))
    return tuple(item for item in compare.unique(focus) if _member(item, other))


def exclude(ctx, focus: tuple, other: tuple) -> tuple:
    ctx.spend(len(focus) * len(other))
    return tuple(item for item in focus if not _member(item, other))
