"""Conversion functions: spec §5.5 (iif() lives with the functions that take lazy arguments).

All scalar. Each toX() returns the converted value, or None (empty) when the item
cannot be converted, and never fails on an unexpected type: the spec makes such
items empty. convertsToX() is whether toX() gives a value.
"""

from __future__ import annotations

import re
from decimal import Decimal

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime import calendar, quantity_math
from fhirpath.runtime.context import check_string
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

# The spec's patterns, with ASCII digits only (Python's \d and int() take any digit).
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
# `'42L'.toDecimal()` is 42 in the spec's examples, though its pattern has no L.
_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+|L)?", re.ASCII)

_INTEGER_RANGE = range(-(2**31), 2**31)  # spec §2 "Integer"
_LONG_RANGE = range(-(2**63), 2**63)  # spec §2 "Long"

_TRUE_STRINGS = frozenset({"true", "t", "yes", "y", "1", "1.0"})
_FALSE_STRINGS = frozenset({"false", "f", "no", "n", "0", "0.0"})


def _is_number(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _text(value, function: str, role: str) -> str:
    if not isinstance(value, str):
        raise FHIRPathEvaluationError(f"{function} expects a String {role}", code="invalid-argument")
    return value


# ---- 5.5.2 Boolean ----


def to_boolean(value) -> bool | None:
    """Booleans; the numbers 1 and 0 (1.0 and 0.0 likewise); and, ignoring case, the
    strings 'true' 't' 'yes' 'y' '1' '1.0' and 'false' 'f' 'no' 'n' '0' '0.0'."""
    if isinstance(value, bool):
        return value
    if _is_number(value):
        return True if value == 1 else False if value == 0 else None
    if isinstance(value, str):
        lowered = value.lower()
        return True if lowered in _TRUE_STRINGS else False if lowered in _FALSE_STRINGS else None
    return None


def converts_to_boolean(value) -> bool:
    return to_boolean(value) is not None


# ---- 5.5.3 Integer and Long ----


def _whole(value, bounds: range) -> int | None:
    """An Integer or Long within `bounds`: from a Boolean, a whole number or a signed
    digit string. A Decimal never converts, even 1.0 (spec §5.5.3)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and len(value) <= 40 and _INTEGER.fullmatch(value):  # longer: past any Long
        number = int(value)
    else:
        return None
    return number if number in bounds else None


def to_integer(value) -> int | None:
    """Empty outside the 32-bit Integer range."""
    return _whole(value, _INTEGER_RANGE)


def converts_to_integer(value) -> bool:
    return _whole(value, _INTEGER_RANGE) is not None


def to_long(value) -> int | None:
    """Empty outside the 64-bit Long range."""
    return _whole(value, _LONG_RANGE)


def converts_to_long(value) -> bool:
    return _whole(value, _LONG_RANGE) is not None


# ---- 5.5.6 Decimal ----


def to_decimal(value) -> Decimal | None:
    """Numbers keep their digits (1 is 1, not 1.0); true and false are 1.0 and 0.0."""
    if isinstance(value, bool):
        return Decimal("1.0") if value else Decimal("0.0")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return Decimal(value.removesuffix("L"))
    return None


def converts_to_decimal(value) -> bool:
    return to_decimal(value) is not None


# ---- 5.5.4, 5.5.5, 5.5.9 Date, DateTime and Time ----


def to_date(value, fmt=None) -> Date | None:
    """A DateTime gives its date part as written, without moving it to another offset.
    `fmt` (spec "Date/DateTime String Format Codes") applies to Strings only."""
    if isinstance(value, Date):
        return value
    if isinstance(value, DateTime):
        return calendar.date_of(value)
    if isinstance(value, str):
        return calendar.date_from_string(value, None if fmt is None else _text(fmt, "toDate()", "format"))
    return None


def converts_to_date(value, fmt=None) -> bool:
    return to_date(value, fmt) is not None


def to_date_time(value, fmt=None) -> DateTime | None:
    """A Date gives a DateTime with the same date and no time (not midnight)."""
    if isinstance(value, DateTime):
        return value
    if isinstance(value, Date):
        return calendar.to_datetime(value)
    if isinstance(value, str):
        fmt = None if fmt is None else _text(fmt, "toDateTime()", "format")
        return calendar.datetime_from_string(value, fmt)
    return None


def converts_to_date_time(value, fmt=None) -> bool:
    return to_date_time(value, fmt) is not None


def to_time(value) -> Time | None:
    if isinstance(value, Time):
        return value
    if isinstance(value, str):
        return calendar.time_from_string(value)
    return None


def converts_to_time(value) -> bool:
    return to_time(value) is not None


# ---- 5.5.7 Quantity ----


def to_quantity(value, unit=None) -> Quantity | None:
    """Numbers get the unit '1', true and false are 1.0 '1' and 0.0 '1', and Strings
    follow the spec's pattern (`5 'mg'`, `4 days`). With `unit`, the result is
    converted to it (UCUM, or a calendar keyword), or empty when it cannot be."""
    if isinstance(value, Quantity):
        result = value
    elif isinstance(value, bool):
        result = Quantity(Decimal("1.0") if value else Decimal("0.0"))
    elif _is_number(value):
        result = Quantity(value)
    elif isinstance(value, str):
        result = Quantity.parse_string(value)
    else:
        return None
    if result is None or unit is None:
        return result
    return quantity_math.convert(result, _text(unit, "toQuantity()", "unit"))


def converts_to_quantity(value, unit=None) -> bool:
    return to_quantity(value, unit) is not None


# ---- 5.5.8 String ----


def to_string(value) -> str | None:
    """Booleans as 'true'/'false'; Decimals keep their scale (1.0 is '1.0'); Quantities
    as literals (`5 'mg'`, `4 days`); dates and times as FHIR writes them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() < 14_000:  # fewer than 4,215 digits: within Python's int-to-str limit
            return str(value)
        value = Decimal(value)
    if isinstance(value, Decimal):
        _check_written_length(value)
        return format(value, "f")
    if isinstance(value, Quantity):
        _check_written_length(value.value)
        return str(value)
    if isinstance(value, (Date, DateTime, Time)):
        return str(value)
    return None


def _check_written_length(value: Decimal) -> None:
    """Written without an exponent, 1E+999999999 is a billion characters: check first."""
    if value.is_finite():
        _, digits, exponent = value.as_tuple()
        written = len(digits) + exponent if exponent >= 0 else max(len(digits), 1 - exponent) + 1
        check_string(written + 1, "toString()")


def converts_to_string(value) -> bool:
    return to_string(value) is not None
