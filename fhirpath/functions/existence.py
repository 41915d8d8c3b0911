"""Existence (spec §5.1): empty, exists, all, the boolean tests, subsetOf, count, distinct."""

from __future__ import annotations

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime import compare
from fhirpath.runtime.collection import FALSE, TRUE, to_boolean, value_of


def empty(ctx, focus: tuple) -> tuple:
    return FALSE if focus else TRUE


def exists(ctx, focus: tuple, criteria) -> tuple:
    if criteria is None:
        return TRUE if focus else FALSE
    ctx.spend(len(focus))
    saved = ctx.index
    try:
        for index, item in enumerate(focus):
            ctx.index = index
            if to_boolean(criteria(ctx, (item,)), "exists()") is True:
                return TRUE
    finally:
        ctx.index = saved
    return FALSE


def all_(ctx, focus: tuple, criteria) -> tuple:
    ctx.spend(len(focus))
    saved = ctx.index
    try:
        for index, item in enumerate(focus):
            ctx.index = index
            if to_boolean(criteria(ctx, (item,)), "all()") is not True:
                return FALSE
    finally:
        ctx.index = saved
    return TRUE


def _booleans(focus: tuple, name: str):
    for item in focus:
        value = value_of(item)
        if value is not True and value is not False:
            raise FHIRPathEvaluationError(
                f"{name}() expects Boolean items, not {value!r}", code="invalid-operand"
            )
        yield value


def all_true(ctx, focus: tuple) -> tuple:
    return TRUE if all(_booleans(focus, "allTrue")) else FALSE


def any_true(ctx, focus: tuple) -> tuple:
    return TRUE if any(_booleans(focus, "anyTrue")) else FALSE


def all_false(ctx, focus: tuple) -> tuple:
    return FALSE if any(_booleans(focus, "allFalse")) else TRUE


def any_false(ctx, focus: tuple) -> tuple:
    return FALSE if all(_booleans(focus, "anyFalse")) else TRUE


def _contains_all(container: tuple, items: tuple) -> bool:
    return all(any(compare.item_equals(item, other) is True for other in container) for item in items)


def subset_of(ctx, focus: tuple, other: tuple) -> tuple:
    ctx.spend(len(focus) * len(other))
    return TRUE if _contains_all(other, focus) else FALSE


def superset_of(ctx, focus: tuple, other: tuple) -> tuple:
    ctx.spend(len(focus) * len(other))
    return TRUE if _contains_all(focus, other) else FALSE


def count(ctx, focus: tuple) -> tuple:
    return (len(focus),)


def distinct(ctx, focus: tuple) -> tuple:
    if len(focus) < 2:
        return focus
    return compare.unique(focus)


def is_distinct(ctx, focus: tuple) -> tuple:
    return TRUE if len(compare.unique(focus)) == len(focus) else FALSE
