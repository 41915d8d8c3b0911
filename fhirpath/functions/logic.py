"""Conditionals and negation: iif (spec §5.5.1) and not() (§6.5.4)."""

from __future__ import annotations

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime.collection import EMPTY, FALSE, TRUE, to_boolean


def iif(ctx, focus: tuple, criterion, true_result, otherwise_result) -> tuple:
    """Evaluate ``criterion`` once with $this = the input, then only the branch it picks
    ($index stays the outer one)."""
    if len(focus) > 1:
        raise FHIRPathEvaluationError(
            f"iif() expects at most one input item but got {len(focus)}", code="not-a-singleton"
        )
    if to_boolean(criterion(ctx, focus), "iif() criterion") is True:
        return true_result(ctx, focus)
    if otherwise_result is None:
        return EMPTY
    return otherwise_result(ctx, focus)


def not_(ctx, focus: tuple) -> tuple:
    flag = to_boolean(focus, "not()")
    if flag is None:
        return EMPTY
    return FALSE if flag else TRUE
