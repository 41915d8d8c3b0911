"""Date and time functions: the component extractors (spec §5.10.8, yearOf() ...
timeOf()) and the interval functions duration() and difference() (§5.11).

The calendar work lives in `fhirpath.runtime.temporal`; this module applies the
FHIRPath rules around it. A component function on a value of another type gives
empty (the spec says so for each of them); the interval functions reject an
incompatible item with an error (§5.11: "an incompatible item ... signal an error").
"""

from __future__ import annotations

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime import calendar
from fhirpath.runtime.collection import EMPTY, singleton_value
from fhirpath.runtime.temporal import Date, DateTime, Time

_TEMPORALS = (Date, DateTime, Time)


# ---- 5.10.8 Extract Date/DateTime/Time components ----


def year_of(value) -> int | None:
    return calendar.component(value, "year") if type(value) in _TEMPORALS else None


def month_of(value) -> int | None:
    return calendar.component(value, "month") if type(value) in _TEMPORALS else None


def day_of(value) -> int | None:
    return calendar.component(value, "day") if type(value) in _TEMPORALS else None


def hour_of(value) -> int | None:
    return calendar.component(value, "hour") if type(value) in _TEMPORALS else None


def minute_of(value) -> int | None:
    return calendar.component(value, "minute") if type(value) in _TEMPORALS else None


def second_of(value) -> int | None:
    return calendar.component(value, "second") if type(value) in _TEMPORALS else None


def millisecond_of(value) -> int | None:
    return calendar.component(value, "millisecond") if type(value) in _TEMPORALS else None


def timezone_offset_of(value):
    """Hours from UTC as a Decimal (-7.0, 8.75); empty without an offset."""
    return calendar.component(value, "timezoneOffset") if type(value) is DateTime else None


def date_of(value) -> Date | None:
    return calendar.date_of(value) if type(value) in _TEMPORALS else None


def time_of(value) -> Time | None:
    return calendar.time_of(value) if type(value) in _TEMPORALS else None


# ---- 5.11 Date and time intervals ----


def _operands(function: str, focus: tuple, other):
    """(input, value) as Date/DateTime/Time, None when either is empty."""
    value = singleton_value(focus, f"{function}()")
    if value is None or other is None:
        return None
    for role, found in (("input", value), ("'value' argument", other)):
        if type(found) not in _TEMPORALS:
            raise FHIRPathEvaluationError(
                f"{function}() expects a Date, DateTime or Time {role}",
                code="invalid-operand" if role == "input" else "invalid-argument",
            )
    return value, other


def duration(ctx, focus: tuple, other, precision: str) -> tuple:
    """Whole `precision` periods from the input to `other` (negative when the input is later)."""
    operands = _operands("duration", focus, other)
    if operands is None:
        return EMPTY
    result = calendar.duration(*operands, precision)
    return EMPTY if result is None else (result,)


def difference(ctx, focus: tuple, other, precision: str) -> tuple:
    """`precision` boundaries crossed from the input to `other` (weeks start on Sunday)."""
    operands = _operands("difference", focus, other)
    if operands is None:
        return EMPTY
    result = calendar.difference(*operands, precision)
    return EMPTY if result is None else (result,)
